package dev.flywheel.featureflags.service;

/** Why a flag management request failed; each edge maps it once (gRPC status here, HTTP status at the gateway). */
public enum FlagFailure {
    /** The definition or request is invalid; the problems say where. */
    INVALID,
    /** No such flag (or environment). */
    NOT_FOUND,
    /** The flag changed since the caller read it (expected_version), or already exists (create only). */
    CONFLICT
}
