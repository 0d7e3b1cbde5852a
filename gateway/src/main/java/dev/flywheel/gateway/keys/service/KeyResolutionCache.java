package dev.flywheel.gateway.keys.service;

import io.smallrye.mutiny.Uni;

/** Where resolved keys are remembered (the gateway's key resolver): told when a key stops being valid. */
public interface KeyResolutionCache {

    /** Drops the cached resolutions of these keys (by token hash) once the current change has committed. */
    Uni<Void> evictAfterCommit(String... tokenHashes);
}
