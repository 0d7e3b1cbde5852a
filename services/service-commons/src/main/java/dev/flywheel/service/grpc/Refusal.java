package dev.flywheel.service.grpc;

import io.grpc.Status;

/** Why a service refused a request it understood; each is one gRPC status (and one HTTP status at the gateway). */
public enum Refusal {
    /** The request or a definition in it is invalid; the problems say where. */
    INVALID(Status.INVALID_ARGUMENT),
    /** No such thing (a definition, a submission, a screenshot). */
    NOT_FOUND(Status.NOT_FOUND),
    /** It changed since the caller read it (expected version), or already exists (create only). */
    CONFLICT(Status.ABORTED),
    /**
     * The state does not allow it: a life cycle step out of order, a survey no longer running, a query needing a
     * setting the project lacks.
     */
    FAILED_PRECONDITION(Status.FAILED_PRECONDITION);

    private final Status status;

    Refusal(Status status) {
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
