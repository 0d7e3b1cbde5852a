package dev.flywheel.ingest;

/** One event breaks a rule; it goes to the dead-letter topic, the rest of its batch is accepted. */
final class InvalidEventException extends RuntimeException {

    private final String reason;

    InvalidEventException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
