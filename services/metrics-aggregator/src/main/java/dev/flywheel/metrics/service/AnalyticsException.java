package dev.flywheel.metrics.service;

/** A domain failure of an analytics request, with a message fit for the caller. */
public class AnalyticsException extends RuntimeException {

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
}
