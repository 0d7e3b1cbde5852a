package dev.flywheel.gateway.problem;

/**
 * Every error the gateway's REST edge can answer with, defined once: its HTTP status, the RFC 9457 problem type and
 * title. Code anywhere raises an {@link ApiException} with one of these; {@link ProblemMappers} renders it.
 */
public enum ApiError {
    MALFORMED_REQUEST(400, "malformed-request",
            "The request body is not valid JSON for this endpoint"), VALIDATION_FAILED(400, "validation-failed",
                    "The request has invalid fields"), UNAUTHENTICATED(401, "unauthenticated",
                            "A valid API key is required"), FORBIDDEN(403, "forbidden",
                                    "This key may not perform this request"), ORIGIN_NOT_ALLOWED(403,
                                            "origin-not-allowed",
                                            "This origin is not allowed for the project"), NOT_FOUND(404, "not-found",
                                                    "Not found"), METHOD_NOT_ALLOWED(405, "method-not-allowed",
                                                            "Method not allowed"), NOT_ACCEPTABLE(406, "not-acceptable",
                                                                    "Not acceptable"), CONFLICT(409, "conflict",
                                                                            "The resource already exists"), PAYLOAD_TOO_LARGE(
                                                                                    413, "payload-too-large",
                                                                                    "The request body is too large"), UNSUPPORTED_MEDIA_TYPE(
                                                                                            415,
                                                                                            "unsupported-media-type",
                                                                                            "Unsupported media type"), RATE_LIMITED(
                                                                                                    429, "rate-limited",
                                                                                                    "Too many requests for this key"), INTERNAL(
                                                                                                            500,
                                                                                                            "internal",
                                                                                                            "Internal error"), UNAVAILABLE(
                                                                                                                    503,
                                                                                                                    "unavailable",
                                                                                                                    "Temporarily unavailable; retry later");

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
