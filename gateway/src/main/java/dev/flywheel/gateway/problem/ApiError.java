package dev.flywheel.gateway.problem;

/**
 * Every error the gateway's REST edge can answer with, defined once: its HTTP status, the RFC 9457 problem type and
 * title. Code anywhere raises an {@link ApiException} with one of these; {@link ProblemMappers} renders it.
 */
public enum ApiError {
    /** The body cannot be read as what the endpoint takes (not JSON, trailing text, invalid UTF-8). */
    MALFORMED_REQUEST(400, "malformed-request", "The request body is not valid JSON for this endpoint"),
    /** Readable, but fields are missing or wrong. */
    VALIDATION_FAILED(400, "validation-failed", "The request has invalid fields"),
    /** No key, or one that is unknown, revoked or expired. */
    UNAUTHENTICATED(401, "unauthenticated", "A valid API key is required"),
    /** A valid key that may not do this. */
    FORBIDDEN(403, "forbidden", "This key may not perform this request"),
    /** A browser origin the project does not allow. */
    ORIGIN_NOT_ALLOWED(403, "origin-not-allowed", "This origin is not allowed for the project"), NOT_FOUND(404,
            "not-found", "Not found"), METHOD_NOT_ALLOWED(405, "method-not-allowed",
                    "Method not allowed"), NOT_ACCEPTABLE(406, "not-acceptable", "Not acceptable"),
    /** Creating what exists already (an organisation, project or environment of that name). */
    CONFLICT(409, "conflict", "The resource already exists"),
    /** A move the resource's state or the project's settings do not allow (start a stopped experiment, AARRR unset). */
    STATE_CONFLICT(409, "state-conflict", "The request conflicts with the resource's current state or settings"),
    /** If-Match names a version that is no longer current, or If-None-Match: * finds one. */
    PRECONDITION_FAILED(412, "precondition-failed",
            "The resource is not at the version the request expects"), PAYLOAD_TOO_LARGE(413, "payload-too-large",
                    "The request body is too large"), URI_TOO_LONG(414, "uri-too-long",
                            "The request URI is too long"), UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type",
                                    "Unsupported media type"), RATE_LIMITED(429, "rate-limited",
                                            "Too many requests for this key"), HEADERS_TOO_LARGE(431,
                                                    "headers-too-large", "The request headers are too large"), INTERNAL(
                                                            500, "internal", "Internal error"),
    /** A dependency is down or overloaded: retry after the Retry-After header's seconds. */
    UNAVAILABLE(503, "unavailable", "Temporarily unavailable; retry later");

    private static final String TYPE_PREFIX = "urn:flywheel:problem:";

    private final int status;
    private final String slug;
    private final String title;

    ApiError(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String type() {
        return TYPE_PREFIX + slug;
    }

    public String title() {
        return title;
    }

    /** The error a bare HTTP status maps to, for exceptions raised by the framework itself. */
    public static ApiError forStatus(int status) {
        for (ApiError error : values()) {
            if (error.status == status) {
                return error;
            }
        }
        return status >= 500 ? INTERNAL : MALFORMED_REQUEST;
    }
}
