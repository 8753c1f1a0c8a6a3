package io.feedbackhub.core.run;

/** Why a run cannot start now; the management API turns the reason into its HTTP status. */
public class RunRejected extends RuntimeException {

    public enum Reason {
        UNKNOWN_CONNECTOR, BAD_MODE, DISABLED, NOT_RUNNABLE, ALREADY_RUNNING, NOT_LEADER, PAUSED
    }

    private final Reason reason;

    public RunRejected(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
