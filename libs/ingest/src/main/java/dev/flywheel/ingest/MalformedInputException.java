package dev.flywheel.ingest;

/**
 * The whole request is unusable (not JSON, too large, too many events): the only case that answers 400, which
 * every client treats as final. Reason codes are stable and documented.
 */
public class MalformedInputException extends RuntimeException {

    private final String reason;

    public MalformedInputException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** e.g. "malformed_json", "batch_too_large", "too_many_events", "not_an_object". */
    public String reason() {
        return reason;
    }
}
