package io.feedbackhub.qualtrics;

/** Qualtrics answered 202 "not yet available" or 404 for a response its webhook announced: asked again later. */
public class ResponseNotReady extends RuntimeException {

    public ResponseNotReady(String message) {
        super(message);
    }
}
