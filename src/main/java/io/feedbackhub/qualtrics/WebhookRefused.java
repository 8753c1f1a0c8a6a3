package io.feedbackhub.qualtrics;

/** A webhook delivery the hub does not take: 400 (malformed) or 403 (not signed with the shared key). */
public class WebhookRefused extends RuntimeException {

    private final int status;

    public WebhookRefused(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
