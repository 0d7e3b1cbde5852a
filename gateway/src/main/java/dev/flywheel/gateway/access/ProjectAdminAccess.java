package dev.flywheel.gateway.access;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.caller.KeyKind;
import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.tenancy.service.TenancyService;
import io.smallrye.mutiny.Uni;

/**
 * The checks every endpoint backed by a service makes. Management: the caller holds an admin key of this project (not
 * the operator's bootstrap credential, which the services do not know), and the environment exists.
 */
@ApplicationScoped
public class ProjectAdminAccess {

    private final CallerContext callerContext;
    private final TenancyService tenancy;

    public ProjectAdminAccess(CallerContext callerContext, TenancyService tenancy) {
        this.callerContext = callerContext;
        this.tenancy = tenancy;
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
        callerContext.caller().requireAdminOf(projectId);
        if (callerContext.caller().isPlatformAdmin()) {
            throw ApiException.forbidden(what + " are managed with an admin key of the project");
        }
        String token = callerContext.token();
        return tenancy.findProject(projectId).map(project -> {
            if (project == null) {
                throw ApiException.notFound("Project");
            }
            if (environment != null && project.environments().stream().noneMatch(e -> e.name.equals(environment))) {
                throw ApiException.notFound("Environment");
            }
            return token;
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

    /** The version an If-Match header names (0 when absent or "*"): optimistic concurrency for every resource. */
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
