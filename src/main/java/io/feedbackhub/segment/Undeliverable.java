package io.feedbackhub.segment;

/** A message that can never reach Wootric (say, a new user without an e-mail); it goes to the dead letters. */
public class Undeliverable extends RuntimeException {

    public Undeliverable(String message) {
        super(message, null, false, false);
    }
}
