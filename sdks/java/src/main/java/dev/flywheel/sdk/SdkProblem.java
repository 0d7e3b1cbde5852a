package dev.flywheel.sdk;

/**
 * Something the SDK worked around: it goes on serving its last good snapshots and buffering events, and says so
 * here.
 */
public record SdkProblem(Kind kind, String message, Throwable cause) {

    public enum Kind {
        /** A snapshot stream broke or could not open; it is retried with backoff. */
        SYNC_UNAVAILABLE,
        /** The key was refused (unknown, revoked, or not a server key); retried slowly in case it is restored. */
        KEY_REFUSED,
        /** A snapshot arrived that could not be read: the last good one stays in use. */
        SNAPSHOT_UNREADABLE,
        /** The snapshot file could not be read or written. */
        SNAPSHOT_FILE,
        /** Events were dropped: the buffer was full, or a batch failed every attempt or was refused. */
        EVENTS_DROPPED
    }
}
