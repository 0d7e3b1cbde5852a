package dev.flywheel.gateway.limits;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.Problem;

/**
 * Refuses oversized management-API bodies before authentication or parsing, with a problem+json 413. (Bodies above
 * quarkus.http.limits.max-body-size never get this far: the HTTP server refuses them itself.)
 */
public class RequestSizeFilter {

    private final GatewayConfig config;

    public RequestSizeFilter(GatewayConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION - 200)
    public Response limitBody(ContainerRequestContext request) {
        int length = request.getLength();
        if (length > config.maxApiBodyBytes() && (request.getUriInfo().getPath().startsWith("/api/")
                || request.getUriInfo().getPath().startsWith("/ofrep/"))) {
            return Problem.response(ApiError.PAYLOAD_TOO_LARGE,
                    "Body of " + length + " bytes exceeds the limit of " + config.maxApiBodyBytes(),
                    request.getUriInfo().getPath());
        }
        return null;
    }
}
