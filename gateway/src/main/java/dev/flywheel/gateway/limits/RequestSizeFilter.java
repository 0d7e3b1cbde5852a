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
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api/") && !path.startsWith("/ofrep/")) {
            return null;
        }
        // whole flagd documents may be far larger than other API bodies
        long limit = path.endsWith("/flagd")
                ? config.maxFlagDocumentBytes()
                : path.equals("/api/v1/feedback")
                        ? config.maxFeedbackBodyBytes()
                        : path.equals("/api/v1/recordings")
                                ? config.maxRecordingChunkBytes()
                                : config.maxApiBodyBytes();
        if (length > limit) {
            return Problem.response(ApiError.PAYLOAD_TOO_LARGE,
                    "Body of " + length + " bytes exceeds the limit of " + limit, path);
        }
        return null;
    }
}
