package dev.flywheel.feedback.service;

import dev.flywheel.service.grpc.DomainFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A request the feedback service refuses, with the reason for the caller. */
public class FeedbackException extends RuntimeException implements DomainFailure {

    private static final long serialVersionUID = 1L;

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

    @Override
    public StatusRuntimeException toStatus() {
        Status status = switch (failure) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ABORTED;
            case PRECONDITION -> Status.FAILED_PRECONDITION;
        };
        return status.withDescription(getMessage()).asRuntimeException();
    }
}
