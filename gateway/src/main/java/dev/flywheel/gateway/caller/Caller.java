package dev.flywheel.gateway.caller;

import java.util.UUID;

import dev.flywheel.gateway.problem.ApiException;

/**
 * Who is calling: the operator with the bootstrap credential (no key, every project) or the holder of one project's
 * key. Access rules live here so every endpoint applies the same ones.
 */
public record Caller(ResolvedKey key) {

    private static final Caller PLATFORM_ADMIN = new Caller(null);

    public static Caller platformAdmin() {
        return PLATFORM_ADMIN;
    }

    public boolean isPlatformAdmin() {
        return key == null;
    }

    public void requirePlatformAdmin() {
        if (!isPlatformAdmin()) {
            throw ApiException.forbidden("Only the platform's bootstrap admin credential may do this");
        }
    }

    /**
     * Holds a key of one environment (client or server): what runtime calls for end users need (assignment,
     * evaluation, surveys), since they act in exactly one environment.
     */
    public boolean holdsEnvironmentKey() {
        return !isPlatformAdmin() && key.kind() != KeyKind.ADMIN;
    }

    /** Admin of the given project: the bootstrap credential, or an admin key of exactly that project. */
    public void requireAdminOf(UUID projectId) {
        if (isPlatformAdmin()) {
            return;
        }
        if (key.kind() != KeyKind.ADMIN) {
            throw ApiException.forbidden("A " + key.kind().wireName() + " key cannot use the management API");
        }
        if (!key.projectId().equals(projectId)) {
            throw ApiException.forbidden("This key belongs to another project");
        }
    }

    /**
     * Reader of one environment's data: admin of the project (or the bootstrap credential), or a server key of that
     * project and environment.
     */
    public void requireReaderOf(UUID projectId, String environment) {
        if (isPlatformAdmin() || key.kind() != KeyKind.SERVER) {
            requireAdminOf(projectId);
            return;
        }
        if (!key.projectId().equals(projectId)) {
            throw ApiException.forbidden("This key belongs to another project");
        }
        if (!key.environment().equals(environment)) {
            throw ApiException.forbidden("A server key of '" + key.environment() + "' cannot read '" + environment
                    + "'");
        }
    }
}
