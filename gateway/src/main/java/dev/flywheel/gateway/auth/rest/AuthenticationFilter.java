package dev.flywheel.gateway.auth.rest;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.flywheel.gateway.auth.service.KeyResolver;
import dev.flywheel.gateway.auth.service.RequestAdmission;
import dev.flywheel.gateway.caller.Caller;
import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.config.GatewayConfig;
import dev.flywheel.gateway.cors.CorsFilters;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates every API request before routing (so unknown paths reveal nothing to anonymous callers): resolves
 * the key, checks the browser origin against the project's, and applies the key's rate limit.
 */
public class AuthenticationFilter {

    private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class);
    private static final String BEARER = "Bearer ";
    /** Alternative header for clients that cannot set Authorization. */
    static final String API_KEY_HEADER = "X-API-Key";

    private final KeyResolver resolver;
    private final RequestAdmission admission;
    private final CallerContext callerContext;
    private final GatewayConfig config;
    private static final AtomicInteger inFlight = new AtomicInteger();

    public AuthenticationFilter(KeyResolver resolver, RequestAdmission admission, CallerContext callerContext,
            GatewayConfig config) {
        this.resolver = resolver;
        this.admission = admission;
        this.callerContext = callerContext;
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("/api/") || path.startsWith("/ofrep/")) || CorsFilters.isPreflight(request)) {
            return Uni.createFrom().nullItem();
        }
        // load shedding: past the bound a request is refused at once rather than queued until the heap runs out
        if (inFlight.incrementAndGet() > config.maxRequestsInFlight()) {
            inFlight.decrementAndGet();
            return Uni.createFrom().item(Problem.response(ApiException.retryLater(ApiError.UNAVAILABLE,
                    "The gateway is at capacity; retry shortly", 1), path));
        }
        routing.addEndHandler(ended -> inFlight.decrementAndGet());
        String token = presentedToken(request);
        if (token == null) {
            return reject(ApiError.UNAUTHENTICATED, "Send an API key as 'Authorization: Bearer <key>'", path);
        }
        if (resolver.isBootstrapKey(token)) {
            callerContext.authenticate(Caller.platformAdmin(), token);
            return Uni.createFrom().nullItem();
        }
        return resolver.resolve(token).flatMap(key -> {
            if (key == null) {
                return reject(ApiError.UNAUTHENTICATED, "The API key is unknown, revoked or expired", path);
            }
            String origin = request.getHeaderString(CorsFilters.ORIGIN);
            return admission.admit(key, origin).map(admitted -> {
                callerContext.authenticate(new Caller(key), token);
                return (Response) null;
            }).onFailure(ApiException.class).recoverWithItem(refused -> Problem.response((ApiException) refused,
                    path));
        }).onFailure(failure -> !(failure instanceof ApiException)).recoverWithItem(failure -> {
            // Neither Redis nor PostgreSQL could tell who this is: a transient failure, so 503 (clients retry).
            LOG.warnf("Key resolution failed: %s", failure.getMessage());
            return Problem.response(ApiException.retryLater(ApiError.UNAVAILABLE,
                    "Could not check the API key; retry shortly", 1), path);
        });
    }

    private static Uni<Response> reject(ApiError error, String detail, String path) {
        return Uni.createFrom().item(Problem.response(error, detail, path));
    }

    static String presentedToken(ContainerRequestContext request) {
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).trim();
            return token.isEmpty() ? null : token;
        }
        String apiKey = request.getHeaderString(API_KEY_HEADER);
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}
