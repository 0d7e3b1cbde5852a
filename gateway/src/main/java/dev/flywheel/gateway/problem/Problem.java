package dev.flywheel.gateway.problem;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem details body, and the one place that turns an {@link ApiError} into a response. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid input field, so clients can point at it. */
    public record FieldError(String field, String message) {
    }

    public static Response response(ApiError error, String detail, String instance) {
        return response(error, detail, instance, Map.of(), List.of());
    }

    public static Response response(ApiException exception, String instance) {
        return response(exception.error(), exception.getMessage(), instance, exception.headers(),
                exception.fieldErrors());
    }

    public static Response response(ApiError error, String detail, String instance, Map<String, String> headers,
            List<FieldError> errors) {
        Response.ResponseBuilder builder = Response.status(error.status())
                .type(MEDIA_TYPE)
                .entity(new Problem(error.type(), error.title(), error.status(), detail, instance, errors));
        headers.forEach(builder::header);
        if (error == ApiError.UNAUTHENTICATED) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }
}
