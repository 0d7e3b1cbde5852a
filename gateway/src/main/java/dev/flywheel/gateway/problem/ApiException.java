package dev.flywheel.gateway.problem;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

/** A domain error on its way to the REST edge, where it becomes a problem+json response. */
public class ApiException extends RuntimeException {

    private final ApiError error;
    private final transient Map<String, String> headers;
    private final transient List<Problem.FieldError> fieldErrors;

    public ApiException(ApiError error, String detail) {
        this(error, detail, Map.of(), List.of());
    }

    public ApiException(ApiError error, String detail, Map<String, String> headers, List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.error = error;
        this.headers = headers;
        this.fieldErrors = errors;
    }

    public ApiError error() {
        return error;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public List<Problem.FieldError> fieldErrors() {
        return fieldErrors;
    }

    public static ApiException notFound(String what) {
        return new ApiException(ApiError.NOT_FOUND, what + " not found");
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(ApiError.FORBIDDEN, detail);
    }

    public static ApiException invalid(String field, String message) {
        return new ApiException(ApiError.VALIDATION_FAILED, field + ": " + message, Map.of(),
                List.of(new Problem.FieldError(field, message)));
    }

    /** A transient refusal (429/503) telling the client when to come back. */
    public static ApiException retryLater(ApiError error, String detail, long seconds) {
        return new ApiException(error, detail, Map.of("Retry-After", Long.toString(seconds)), List.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(ApiError.CONFLICT, detail);
    }

    /** A body that is not JSON (or not this endpoint's JSON): Jackson's own words, and where it stopped. */
    public static ApiException malformed(JsonProcessingException exception) {
        String message = exception.getOriginalMessage();
        if (exception.getLocation() != null) {
            message += " (line " + exception.getLocation().getLineNr() + ", column "
                    + exception.getLocation().getColumnNr() + ")";
        }
        return new ApiException(ApiError.MALFORMED_REQUEST, message);
    }
}
