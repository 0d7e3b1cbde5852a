package dev.flywheel.events.service;

/** A failed ingest request, carrying the one classification every edge maps. */
public class IngestException extends RuntimeException {

    private final IngestFailure failure;

    public IngestException(IngestFailure failure, String detail) {
        super(detail, null, false, false);
        this.failure = failure;
    }

    public IngestException(IngestFailure failure, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.failure = failure;
    }

    public IngestFailure failure() {
        return failure;
    }
}
