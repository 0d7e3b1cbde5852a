package dev.flywheel.gateway.auth.rest;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
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
import dev.flywheel.gateway.people.rest.SessionCookie;
import dev.flywheel.gateway.people.service.PeopleService;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates every API request before routing (so unknown paths reveal nothing to anonymous callers): resolves
 * the key, checks the browser origin against the project's, and applies the key's rate limit; without a key, the
 * console's session cookie.
 */
public class AuthenticationFilter {

    private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class);
    private static final String BEARER = "Bearer ";
    /** Alternative header for clients that cannot set Authorization. */
    static final String API_KEY_HEADER = "X-API-Key";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** GrowthBook's SDKs name their key in the path: /api/features/{key} and the stream /sub/{key}. */
    private static final String GROWTHBOOK_FEATURES = "/api/features/";
    private static final String GROWTHBOOK_STREAM = "/sub/";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** Console steps taken before anyone is signed in. */
    private static final Set<String> PUBLIC_CONSOLE_ROUTES = Set.of("POST /api/v1/sessions", "GET /api/v1/setup",
            "POST /api/v1/setup", "POST /api/v1/invitations/lookup", "POST /api/v1/invitations/accept");

    private final KeyResolver resolver;
    private final RequestAdmission admission;
    private final CallerContext callerContext;
    private final GatewayConfig config;
    private final PeopleService people;
    private static final AtomicInteger inFlight = new AtomicInteger();

    public AuthenticationFilter(KeyResolver resolver, RequestAdmission admission, CallerContext callerContext,
            GatewayConfig config, PeopleService people) {
        this.people = people;
        this.resolver = resolver;
        this.admission = admission;
        this.callerContext = callerContext;
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request, RoutingContext routing) {
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("/api/") || path.startsWith("/ofrep/") || path.startsWith(GROWTHBOOK_STREAM))
                || CorsFilters.isPreflight(request)) {
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
            return consoleRequest(request, path);
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

    /**
     * A request without a key: one of the console's public steps (sign in, first owner, invitations), or one
     * authenticated by the session cookie, whose writes must carry the session's CSRF token from the gateway's own
     * origin (ADR 0011).
     */
    private Uni<Response> consoleRequest(ContainerRequestContext request, String path) {
        boolean write = !SAFE_METHODS.contains(request.getMethod());
        if (write && !sameOrigin(request)) {
            return reject(ApiError.FORBIDDEN, "Cross-site requests are refused: the Origin is not this gateway", path);
        }
        if (PUBLIC_CONSOLE_ROUTES.contains(request.getMethod() + " " + path)) {
            return Uni.createFrom().nullItem();
        }
        Cookie session = request.getCookies().get(SessionCookie.NAME);
        if (session == null || session.getValue().isEmpty()) {
            return reject(ApiError.UNAUTHENTICATED, "Send an API key as 'Authorization: Bearer <key>'", path);
        }
        return people.authenticate(session.getValue()).map(caller -> {
            if (caller == null) {
                return Problem.response(ApiError.UNAUTHENTICATED, "Your session has ended; sign in again", path);
            }
            if (write && !csrfTokenMatches(request, caller.person().csrfToken())) {
                return Problem.response(ApiError.FORBIDDEN,
                        "Missing or wrong X-CSRF-Token: send the token GET /api/v1/me returns", path);
            }
            callerContext.authenticate(caller, null);
            return (Response) null;
        }).onFailure(failure -> !(failure instanceof ApiException)).recoverWithItem(failure -> {
            LOG.warnf("Session lookup failed: %s", failure.getMessage());
            return Problem.response(ApiException.retryLater(ApiError.UNAVAILABLE,
                    "Could not check the session; retry shortly", 1), path);
        });
    }

    /** No Origin (not a browser, or an old one) or exactly this gateway's: the Host the browser addressed. */
    private static boolean sameOrigin(ContainerRequestContext request) {
        String origin = request.getHeaderString(CorsFilters.ORIGIN);
        if (origin == null) {
            return true;
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        try {
            URI parsed = URI.create(origin);
            return host != null && host.equalsIgnoreCase(parsed.getRawAuthority())
                    && request.getUriInfo().getBaseUri().getScheme().equalsIgnoreCase(parsed.getScheme());
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static boolean csrfTokenMatches(ContainerRequestContext request, String expected) {
        String presented = request.getHeaderString(CSRF_HEADER);
        return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    /** The key a GrowthBook SDK path names, or null for any other path. */
    static String growthBookKey(String path) {
        String prefix = path.startsWith(GROWTHBOOK_FEATURES)
                ? GROWTHBOOK_FEATURES
                : path.startsWith(GROWTHBOOK_STREAM) ? GROWTHBOOK_STREAM : null;
        if (prefix == null) {
            return null;
        }
        String key = path.substring(prefix.length());
        return key.isEmpty() || key.indexOf('/') >= 0 ? null : key;
    }

    private static Uni<Response> reject(ApiError error, String detail, String path) {
        return Uni.createFrom().item(Problem.response(error, detail, path));
    }

    static String presentedToken(ContainerRequestContext request) {
        String fromPath = growthBookKey(request.getUriInfo().getPath());
        if (fromPath != null) {
            return fromPath;
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).trim();
            return token.isEmpty() ? null : token;
        }
        String apiKey = request.getHeaderString(API_KEY_HEADER);
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}
