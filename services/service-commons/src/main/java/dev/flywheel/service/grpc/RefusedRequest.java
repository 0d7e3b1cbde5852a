package dev.flywheel.service.grpc;

import java.util.List;

import io.grpc.StatusRuntimeException;

/**
 * A request a service refuses, with a message for the caller and the problems found (JSON pointer first, for
 * definitions). An expected outcome, not a fault: it carries no stack trace, and {@link StoreFailures} answers it
 * with its own status.
 */
public class RefusedRequest extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Refusal refusal;
    private final List<String> problems;

    public RefusedRequest(Refusal refusal, String message) {
        this(refusal, message, List.of());
    }

    public RefusedRequest(Refusal refusal, String message, List<String> problems) {
        super(message, null, false, false);
        this.refusal = refusal;
        this.problems = List.copyOf(problems);
    }

    public static RefusedRequest invalid(String message) {
        return new RefusedRequest(Refusal.INVALID, message);
    }

    /** NOT_FOUND for "{what} '{key}' does not exist[ in {where}]". */
    public static RefusedRequest notFound(String what, String key, String where) {
        return new RefusedRequest(Refusal.NOT_FOUND,
                what + " '" + key + "' does not exist" + (where == null ? "" : " in " + where));
    }

    public Refusal refusal() {
        return refusal;
    }

    public List<String> problems() {
        return problems;
    }

    /** The gRPC status: the refusal's, described by the message and then the problems, a line each. */
    public StatusRuntimeException toStatus() {
        String description = problems.isEmpty() ? getMessage() : getMessage() + "\n" + String.join("\n", problems);
        return refusal.status().withDescription(description).asRuntimeException();
    }
}
