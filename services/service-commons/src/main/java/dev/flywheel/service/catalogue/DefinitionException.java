package dev.flywheel.service.catalogue;

import java.util.List;

import dev.flywheel.service.grpc.DomainFailure;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A catalogue request that cannot be done, with the problems found (JSON pointer first, for definitions). */
public class DefinitionException extends RuntimeException implements DomainFailure {

    private static final long serialVersionUID = 1L;

    private final DefinitionFailure failure;
    private final List<String> problems;

    public DefinitionException(DefinitionFailure failure, String message) {
        this(failure, message, List.of());
    }

    public DefinitionException(DefinitionFailure failure, String message, List<String> problems) {
        super(message);
        this.failure = failure;
        this.problems = List.copyOf(problems);
    }

    public static DefinitionException invalid(String message) {
        return new DefinitionException(DefinitionFailure.INVALID, message);
    }

    public static DefinitionException notFound(String what, String key, String where) {
        return new DefinitionException(DefinitionFailure.NOT_FOUND,
                what + " '" + key + "' does not exist" + (where == null ? "" : " in " + where));
    }

    public DefinitionFailure failure() {
        return failure;
    }

    public List<String> problems() {
        return problems;
    }

    /** The gRPC status this failure is on every service's admin port; the problems follow the message, a line each. */
    @Override
    public StatusRuntimeException toStatus() {
        Status status = switch (failure) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ABORTED;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
        String description = problems.isEmpty() ? getMessage() : getMessage() + "\n" + String.join("\n", problems);
        return status.withDescription(description).asRuntimeException();
    }
}
