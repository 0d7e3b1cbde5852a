package dev.flywheel.service.catalogue;

/** Why a change to a catalogue failed; each edge maps it once (gRPC status in the service, HTTP at the gateway). */
public enum DefinitionFailure {
    /** The definition or request is invalid; the problems say where. */
    INVALID,
    /** No such definition (or environment). */
    NOT_FOUND,
    /** It changed since the caller read it (expected_version), or already exists (create only). */
    CONFLICT,
    /** Its life cycle does not allow it (e.g. starting a stopped experiment, deleting one that ran). */
    FAILED_PRECONDITION
}
