package io.feedbackhub.winningtemp;

/** A snapshot the hub will not apply; the message is the report that goes beside the file in error/. */
public class SnapshotRejected extends RuntimeException {

    public SnapshotRejected(String report) {
        super(report, null, false, false);
    }

    /** A fault in the file itself (encoding, header, emptiness): nothing in it can be trusted. */
    static final class Structural extends RuntimeException {

        final int line;

        Structural(int line, String problem) {
            super(problem, null, false, false);
            this.line = line;
        }
    }
}
