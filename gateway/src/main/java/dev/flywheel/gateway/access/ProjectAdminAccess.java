package dev.flywheel.gateway.access;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.caller.Person;
import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.caller.Role;
import dev.flywheel.gateway.people.service.DelegatedCredentials;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.service.TenancyService;
import io.smallrye.mutiny.Uni;

/**
 * The checks every endpoint backed by a service makes, and the credential it forwards. Management: the caller holds
 * an admin key of this project or is a member (the operator's bootstrap credential the services do not know), and
 * the environment exists; a person's calls go with a delegated credential naming them (ADR 0011).
 */
@ApplicationScoped
public class ProjectAdminAccess {

    private final CallerContext callerContext;
    private final TenancyService tenancy;

    private final DelegatedCredentials delegated;

    public ProjectAdminAccess(CallerContext callerContext, TenancyService tenancy, DelegatedCredentials delegated) {
        this.callerContext = callerContext;
        this.tenancy = tenancy;
        this.delegated = delegated;
    }

    /**
     * The caller's key, to forward to the service.
     *
     * @param environment
     *            null for project-wide settings
     * @param what
     *            what is managed, for the error: "Flags", "Experiments"
     */
    public Uni<String> keyFor(UUID projectId, String environment, String what) {
        Caller caller = callerContext.caller();
        // the level the endpoint needs was checked by AccessFilter; here only that the caller belongs to the project
        caller.requireRole(projectId, Role.VIEWER);
        if (caller.isPlatformAdmin()) {
            throw ApiException.forbidden(what + " are managed with an admin key of the project");
        }
        return tenancy.findProject(projectId).flatMap(project -> {
            if (project == null) {
                throw ApiException.notFound("Project");
            }
            if (environment != null && project.environments().stream().noneMatch(e -> e.name().equals(environment))) {
                throw ApiException.notFound("Environment");
            }
            if (!caller.isPerson()) {
                return Uni.createFrom().item(callerContext.token());
            }
            Person person = caller.person();
            return delegated.mint(person.id(), person.email(), project.project().organisationId(), projectId);
        });
    }

    /**
     * The caller's key, for reading one environment's data: an admin key of the project, or a server key of that
     * project and environment.
     */
    public Uni<String> readerKeyFor(UUID projectId, String environment, String what) {
        ResolvedKey key = callerContext.caller().key();
        if (key == null || key.kind() != KeyKind.SERVER) {
            return keyFor(projectId, environment, what);
        }
        callerContext.caller().requireReaderOf(projectId, environment);
        return Uni.createFrom().item(callerContext.token());
    }

    /**
     * The version a conditional write expects: -1 (create only) for If-None-Match: *, else the If-Match version
     * (0: unconditional).
     */
    public static long expectedVersion(String ifMatch, String ifNoneMatch) {
        return ifNoneMatch != null && ifNoneMatch.trim().equals("*") ? -1 : ifMatchVersion(ifMatch);
    }

    public static long ifMatchVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return 0;
        }
        String value = ifMatch.trim().replace("W/", "").replace("\"", "");
        try {
            long version = Long.parseLong(value);
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid("If-Match", "must be a version as returned in the ETag, e.g. \"12\"");
    }
}
