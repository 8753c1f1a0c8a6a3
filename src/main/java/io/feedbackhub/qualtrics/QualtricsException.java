package io.feedbackhub.qualtrics;

/**
 * A Qualtrics call that failed, with what Qualtrics said about it ({@code meta.error.errorCode},
 * {@code errorMessage}, {@code meta.requestId}, and on 5xx {@code instanceId}) and its raw answer,
 * which the raw API command passes back unchanged. Subclasses say whether trying again can help.
 */
public class QualtricsException extends RuntimeException {

    private final int status;
    private final String answer;

    public QualtricsException(int status, String message, String answer) {
        super(message);
        this.status = status;
        this.answer = answer;
    }

    public int status() {
        return status;
    }

    /** Qualtrics' answer body, or null when there was none (a timeout). */
    public String answer() {
        return answer;
    }

    /** 5xx, or no answer at all: a read may succeed later; a create may have gone through. */
    public static class Retryable extends QualtricsException {
        public Retryable(int status, String message, String answer) {
            super(status, message, answer);
        }
    }

    /** 429: tried again after Retry-After (or the backoff); nothing was carried out. */
    public static class RateLimited extends QualtricsException {
        public RateLimited(String message, String answer) {
            super(429, message, answer);
        }
    }

    /** 401 with an OAuth token: a new token is fetched and the request tried once more. */
    public static class Unauthorized extends QualtricsException {
        public Unauthorized(String message, String answer) {
            super(401, message, answer);
        }
    }

    /** Any other 4xx: retrying the same request cannot fix it. */
    public static class Rejected extends QualtricsException {
        public Rejected(int status, String message, String answer) {
            super(status, message, answer);
        }
    }
}
