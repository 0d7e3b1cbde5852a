package dev.flywheel.events.service;

/** Why a request could not be taken; each transport maps it once (gRPC status, HTTP status via the gateway). */
public enum IngestFailure {
    /** The request as a whole is unusable: do not retry. */
    MALFORMED,
    /** The key is missing, unknown or revoked. */
    UNAUTHENTICATED,
    /** The key may not do this (e.g. a client key importing history). */
    PERMISSION_DENIED,
    /** Too much at once: retry later. */
    OVERLOADED,
    /** Kafka (or another dependency) did not acknowledge in time: retry later; nothing was acknowledged. */
    UNAVAILABLE
}
