package dev.flywheel.assignment.service;

/** Why an experiment request failed; each edge maps it once (gRPC status here, HTTP status at the gateway). */
public enum ExperimentFailure {
    /** The definition or request is invalid; the problems say where. */
    INVALID,
    /** No such experiment. */
    NOT_FOUND,
    /** It changed since the caller read it (expected_version), or already exists (create only). */
    CONFLICT,
    /** The lifecycle does not allow it (e.g. starting a stopped experiment, deleting one that ran). */
    FAILED_PRECONDITION
}
