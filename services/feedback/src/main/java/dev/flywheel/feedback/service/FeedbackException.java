package dev.flywheel.feedback.service;

/** A request the feedback service refuses, with the reason for the caller. */
public class FeedbackException extends RuntimeException {

    private final FeedbackFailure failure;

    public FeedbackException(FeedbackFailure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public static FeedbackException invalid(String message) {
        return new FeedbackException(FeedbackFailure.INVALID, message);
    }

    public FeedbackFailure failure() {
        return failure;
    }
}
