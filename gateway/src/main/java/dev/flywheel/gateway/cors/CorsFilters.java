package dev.flywheel.gateway.cors;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import dev.flywheel.gateway.caller.CallerContext;

/**
 * CORS with origins configured per project. A preflight carries no key, so it cannot name a project: it is answered
 * for any origin, and the real request is then refused unless its key's project allows the origin (see
 * RequestAdmission). Only allowed origins ever receive Access-Control-Allow-Origin, on every answer to them.
 */
public class CorsFilters {

    public static final String ORIGIN = "Origin";

    private static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    private static final String ALLOW_HEADERS = "Authorization, Content-Type, Content-Encoding, X-API-Key, "
            + "X-Write-Key, If-None-Match";
    private static final String EXPOSE_HEADERS = "ETag, Retry-After, Location, X-SSE-Support";
    private static final String MAX_AGE_SECONDS = "600";

    private final CallerContext callerContext;

    public CorsFilters(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    public static boolean isPreflight(ContainerRequestContext request) {
        return HttpMethod.OPTIONS.equals(request.getMethod())
                && request.getHeaderString(ORIGIN) != null
                && request.getHeaderString("Access-Control-Request-Method") != null;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION - 100)
    public Response preflight(ContainerRequestContext request) {
        if (!isPreflight(request)) {
            return null;
        }
        return Response.noContent()
                .header("Access-Control-Allow-Origin", request.getHeaderString(ORIGIN))
                .header("Access-Control-Allow-Methods", ALLOW_METHODS)
                .header("Access-Control-Allow-Headers", ALLOW_HEADERS)
                .header("Access-Control-Max-Age", MAX_AGE_SECONDS)
                .header("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
                .build();
    }

    /** Adds CORS answer headers for an origin the caller already checked against the project. */
    public static Response.ResponseBuilder allowOrigin(Response.ResponseBuilder response, String origin) {
        allowOriginHeaders(origin).forEach((name, values) -> response.header(name, values.get(0)));
        return response;
    }

    /** Those headers (also for a streamed answer, which response filters do not see); none without an origin. */
    public static Map<String, List<String>> allowOriginHeaders(String origin) {
        return origin == null
                ? Map.of()
                : Map.of("Access-Control-Allow-Origin", List.of(origin),
                        "Access-Control-Expose-Headers", List.of(EXPOSE_HEADERS), "Vary", List.of("Origin"));
    }

    @ServerResponseFilter
    public void allowOrigin(ContainerResponseContext response) {
        // Vary adds to what the answer varies by already; the others are the answer's only values
        allowOriginHeaders(callerContext.allowedOrigin()).forEach((name, values) -> {
            if (name.equals("Vary")) {
                response.getHeaders().add(name, values.get(0));
            } else {
                response.getHeaders().putSingle(name, values.get(0));
            }
        });
    }
}
