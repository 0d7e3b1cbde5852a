package dev.flywheel.gateway.tenancy.service;

import java.util.UUID;

import io.smallrye.mutiny.Uni;

/**
 * Told after a project's settings changed (rate limits, CORS origins), so whatever copied them can drop its copy:
 * the key resolver's cached resolutions carry them.
 */
public interface ProjectChangeHook {

    Uni<Void> projectChanged(UUID projectId);
}
