package dev.flywheel.ingest;

/**
 * One event that could not be accepted, with why, and the input as received so the dead-letter topic keeps it.
 *
 * @param index
 *            position in the batch
 * @param reason
 *            stable code, e.g. "missing_identity", "event_too_large"
 * @param detail
 *            human-readable explanation
 * @param payload
 *            the event as received (JSON bytes, or a serialized proto for gRPC input)
 */
public record Rejection(int index, String reason, String detail, byte[] payload) {
}
