package dev.flywheel.gateway.auth.rest;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.flywheel.gateway.caller.Access;
import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.caller.Role;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.problem.Problem;

/**
 * Authorization from each endpoint's {@link Access}, after authentication and before the body is read: a client key
 * posting an invalid project gets 403, not a list of what is wrong with the body. The endpoints keep their own
 * checks (the project must exist, the bootstrap credential manages no service-backed resources).
 */
public class AccessFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD");

    private final CallerContext callerContext;

    public AccessFilter(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Response authorize(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Access access = method == null ? null : method.getAnnotation(Access.class);
        if (access == null && resource.getResourceClass() != null) {
            access = resource.getResourceClass().getAnnotation(Access.class);
        }
        if (access == null) {
            return null;
        }
        try {
            Caller caller = callerContext.caller();
            switch (access.value()) {
                case PLATFORM_ADMIN -> caller.requirePlatformAdmin();
                case ENVIRONMENT_KEY -> {
                    if (!caller.holdsEnvironmentKey()) {
                        throw ApiException.forbidden("This endpoint takes a client or server key of one environment");
                    }
                }
                default -> {
                    UUID project = projectOf(request);
                    if (project == null) {
                        return null; // not a project id: the endpoint answers 404
                    }
                    boolean reading = READS.contains(request.getMethod());
                    switch (access.value()) {
                        case PROJECT_ADMIN -> caller.requireRole(project, Role.ADMIN);
                        case PROJECT_SETTINGS -> caller.requireRole(project, reading ? Role.VIEWER : Role.ADMIN);
                        case PROJECT_DEFINITIONS -> caller.requireRole(project, reading ? Role.VIEWER : Role.EDITOR);
                        case PROJECT_MEMBER -> caller.requireRole(project, Role.VIEWER);
                        default -> caller.requireReaderOf(project, request.getUriInfo().getPathParameters()
                                .getFirst("environment"));
                    }
                }
            }
            return null;
        } catch (ApiException refused) {
            return Problem.response(refused, request.getUriInfo().getPath());
        }
    }

    private static UUID projectOf(ContainerRequestContext request) {
        String project = request.getUriInfo().getPathParameters().getFirst("projectId");
        try {
            return project == null ? null : UUID.fromString(project);
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
    }
}
