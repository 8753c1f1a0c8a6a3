package io.feedbackhub.qualtrics;

/**
 * A command the hub refuses before calling Qualtrics: not authorised, an unknown path, or a rule
 * broken ({@link #field} names the field, such as {@code recipients.mailingListId}).
 */
public class CommandRejected extends RuntimeException {

    private final int status;
    private final String field;

    public CommandRejected(int status, String message) {
        this(status, null, message);
    }

    public CommandRejected(int status, String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.status = status;
        this.field = field;
    }

    public static CommandRejected field(String field, String problem) {
        return new CommandRejected(400, field, problem);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
