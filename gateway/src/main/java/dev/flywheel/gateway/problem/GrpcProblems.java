package dev.flywheel.gateway.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Maps a service's gRPC status to the gateway's problem+json errors, once for every service client. */
public final class GrpcProblems {

    private GrpcProblems() {
    }

    /**
     * @param service
     *            what the caller was using, named in a 503, e.g. "feature flags"
     */
    public static Throwable toApiException(Throwable failure, String service) {
        return toApiException(failure, service, ApiError.VALIDATION_FAILED);
    }

    /**
     * @param invalidInput
     *            what INVALID_ARGUMENT means for this service: a definition with problems listed one per line
     *            (VALIDATION_FAILED), or a body that cannot be read at all (MALFORMED_REQUEST, event collection)
     */
    public static Throwable toApiException(Throwable failure, String service, ApiError invalidInput) {
        Status status = failure instanceof StatusRuntimeException grpc
                ? grpc.getStatus()
                : Status.fromThrowable(failure);
        String description = status.getDescription() != null ? status.getDescription() : status.getCode().name();
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> invalidInput == ApiError.VALIDATION_FAILED
                    ? invalid(description)
                    : new ApiException(invalidInput, description);
            // a service shedding load: the caller retries shortly
            case RESOURCE_EXHAUSTED -> ApiException.retryLater(ApiError.RATE_LIMITED, description, 1);
            case NOT_FOUND -> new ApiException(ApiError.NOT_FOUND, description);
            case ALREADY_EXISTS -> ApiException.conflict(description);
            // the services answer ABORTED when the version a request names (If-Match, If-None-Match) is not current
            case ABORTED -> new ApiException(ApiError.PRECONDITION_FAILED, description);
            case FAILED_PRECONDITION -> new ApiException(ApiError.STATE_CONFLICT, description);
            case UNAUTHENTICATED -> new ApiException(ApiError.UNAUTHENTICATED, description);
            case PERMISSION_DENIED -> ApiException.forbidden(description);
            case DEADLINE_EXCEEDED -> ApiException.retryLater(ApiError.UNAVAILABLE, service + " took too long: "
                    + description, 5);
            default -> ApiException.retryLater(ApiError.UNAVAILABLE, service + " cannot answer now: " + description, 2);
        };
    }

    /** The services put one problem per line after the summary, each "pointer: message". */
    private static ApiException invalid(String description) {
        String[] lines = description.split("\n");
        List<Problem.FieldError> problems = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(": ");
            problems.add(colon > 0
                    ? new Problem.FieldError(lines[i].substring(0, colon), lines[i].substring(colon + 2))
                    : new Problem.FieldError("", lines[i]));
        }
        return new ApiException(ApiError.VALIDATION_FAILED, lines[0], Map.of(), problems);
    }
}
