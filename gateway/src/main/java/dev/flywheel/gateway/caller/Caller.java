package dev.flywheel.gateway.caller;

import java.util.UUID;

import dev.flywheel.gateway.problem.ApiException;

/**
 * Who is calling: the operator with the bootstrap credential (no key, every project), the holder of one project's
 * key, or a person signed in to the console with a role per project. Access rules live here so every endpoint
 * applies the same ones.
 */
public record Caller(ResolvedKey key, Person person) {

    private static final Caller PLATFORM_ADMIN = new Caller(null, null);

    public Caller(ResolvedKey key) {
        this(key, null);
    }

    public static Caller platformAdmin() {
        return PLATFORM_ADMIN;
    }

    public static Caller of(Person person) {
        return new Caller(null, person);
    }

    public boolean isPlatformAdmin() {
        return key == null && person == null;
    }

    public boolean isPerson() {
        return person != null;
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
        return key != null && key.kind() != KeyKind.ADMIN;
    }

    /**
     * May act in the project with at least the given role: the bootstrap credential, an admin key of exactly that
     * project (which keeps every right it always had), or a person whose role there includes it.
     */
    public void requireRole(UUID projectId, Role needed) {
        if (isPlatformAdmin()) {
            return;
        }
        if (person != null) {
            Role role = person.roleIn(projectId);
            if (role == null) {
                throw ApiException.forbidden("You are not a member of this project");
            }
            if (!role.includes(needed)) {
                throw ApiException.forbidden("This needs the " + needed.wireName() + " role in the project; yours is "
                        + role.wireName());
            }
            return;
        }
        if (key.kind() != KeyKind.ADMIN) {
            throw ApiException.forbidden("A " + key.kind().wireName() + " key cannot use the management API");
        }
        if (!key.projectId().equals(projectId)) {
            throw ApiException.forbidden("This key belongs to another project");
        }
    }

    /** Admin of the given project: the bootstrap credential, an admin key of exactly that project, or an admin. */
    public void requireAdminOf(UUID projectId) {
        requireRole(projectId, Role.ADMIN);
    }

    /**
     * Reader of one environment's data: any member of the project, an admin key of it (or the bootstrap
     * credential), or a server key of that project and environment.
     */
    public void requireReaderOf(UUID projectId, String environment) {
        if (person != null) {
            requireRole(projectId, Role.VIEWER);
            return;
        }
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

    /** Who audit entries name for what this caller changes. */
    public String actor() {
        if (person != null) {
            return "person:" + person.email();
        }
        return key == null ? "bootstrap" : "key:" + key.keyId();
    }
}
