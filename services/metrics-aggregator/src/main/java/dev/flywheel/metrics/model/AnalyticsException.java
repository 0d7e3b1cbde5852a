package dev.flywheel.metrics.model;

import dev.flywheel.service.grpc.DomainFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A domain failure of an analytics request, with a message fit for the caller. */
public class AnalyticsException extends RuntimeException implements DomainFailure {

    private static final long serialVersionUID = 1L;

    private final AnalyticsFailure failure;

    public AnalyticsException(AnalyticsFailure failure, String message) {
        super(message, null, false, false);
        this.failure = failure;
    }

    public static AnalyticsException invalid(String message) {
        return new AnalyticsException(AnalyticsFailure.INVALID, message);
    }

    public AnalyticsFailure failure() {
        return failure;
    }

    @Override
    public StatusRuntimeException toStatus() {
        Status status = switch (failure) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_CONFIGURED -> Status.FAILED_PRECONDITION;
            case CONFLICT -> Status.ABORTED;
            case NOT_FOUND -> Status.NOT_FOUND;
        };
        return status.withDescription(getMessage()).asRuntimeException();
    }
}
