package io.feedbackhub.bench;

/** A figure or check that makes a bench's result meaningless: printed, exit code 1. */
final class BenchFailure extends RuntimeException {

    BenchFailure(String message) {
        super(message);
    }
}
