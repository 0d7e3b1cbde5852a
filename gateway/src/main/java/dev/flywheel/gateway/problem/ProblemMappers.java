package dev.flywheel.gateway.problem;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.flywheel.service.grpc.StoreFailures;

/** Renders every failure at the REST edge as RFC 9457 problem+json; nothing leaves as an HTML page or stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response apiException(ApiException exception, UriInfo uri) {
        return Problem.response(exception, uri.getPath());
    }

    // Jackson's specific exceptions are named one by one: Quarkus ships mappers for them that would otherwise win.
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException exception, UriInfo uri) {
        return Problem.response(ApiException.malformed(exception), uri.getPath());
    }

    @ServerExceptionMapper
    public Response unparseableJson(JsonParseException exception, UriInfo uri) {
        return malformedJson(exception, uri);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException exception, UriInfo uri) {
        return malformedJson(exception, uri);
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException exception, UriInfo uri) {
        List<Problem.FieldError> errors = exception.getConstraintViolations().stream()
                .map(violation -> new Problem.FieldError(fieldName(violation), violation.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return Problem.response(ApiError.VALIDATION_FAILED, detail, uri.getPath(), java.util.Map.of(), errors);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException exception, UriInfo uri) {
        int status = exception.getResponse().getStatus();
        if (exception.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        ApiError error = ApiError.forStatus(status);
        if (status >= 500) {
            LOG.error("Request failed", exception);
        }
        return Problem.response(error, exception.getMessage(), uri.getPath());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable throwable, UriInfo uri) {
        if (StoreFailures.refusedInput(throwable)) {
            // a value PostgreSQL cannot hold or compare (a NUL character, a number out of range): the caller's to fix
            return Problem.response(ApiError.VALIDATION_FAILED, StoreFailures.refusedInputDetail(throwable),
                    uri.getPath());
        }
        if (StoreFailures.storeUnavailable(throwable)) {
            // PostgreSQL or Redis down or unreachable: worth a retry, unlike a bug
            LOG.warnf("Storage unavailable: %s", throwable.toString());
            return Problem.response(ApiException.retryLater(ApiError.UNAVAILABLE,
                    "Storage is unavailable; retry shortly", 5), uri.getPath());
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(throwable, "Unexpected failure, incident %s", incident);
        return Problem.response(ApiError.INTERNAL, "Incident " + incident, uri.getPath());
    }

    private static String fieldName(ConstraintViolation<?> violation) {
        // Paths look like "create.request.name": the last node is the field a client sent.
        String path = violation.getPropertyPath().toString();
        int dot = path.indexOf('.', path.indexOf('.') + 1);
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
