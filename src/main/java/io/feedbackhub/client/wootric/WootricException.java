package io.feedbackhub.client.wootric;

/** A Wootric call that failed. Subclasses say whether trying again can help. */
public class WootricException extends RuntimeException {

    public WootricException(String message) {
        super(message);
    }

    /** 5xx, or a 429 after its reset wait: the same request may succeed later. */
    public static class Retryable extends WootricException {
        public Retryable(String message) {
            super(message);
        }
    }

    /** A 401 on a resource: the token is renewed and the request tried once more. */
    public static class Unauthorized extends WootricException {
        public Unauthorized(String message) {
            super(message);
        }
    }

    /** Any other 4xx: retrying the same request cannot fix it. */
    public static class Rejected extends WootricException {
        private final int status;

        public Rejected(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Wootric refused the configured credentials: nothing works until they are fixed. */
    public static class CredentialsRefused extends WootricException {
        public CredentialsRefused(String message) {
            super(message);
        }
    }
}
