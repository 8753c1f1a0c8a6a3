package io.feedbackhub.segment;

/** A request the relay answers with an error status and takes nothing from. */
public class SegmentRejected extends RuntimeException {

    private final int status;

    public SegmentRejected(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
