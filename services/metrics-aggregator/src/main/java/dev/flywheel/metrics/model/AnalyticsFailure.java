package dev.flywheel.metrics.model;

/** Why an analytics request failed; each edge maps it once (gRPC status, problem+json at the gateway). */
public enum AnalyticsFailure {
    /** The request is malformed: a bad range, step, property, value or setting. */
    INVALID,
    /** The query needs a setting the project lacks (AARRR stages, a North Star metric). */
    NOT_CONFIGURED,
    /** Someone else changed it since it was read (or it exists, for a create-only write). */
    CONFLICT,
    /** No such thing (a metric key). */
    NOT_FOUND
}
