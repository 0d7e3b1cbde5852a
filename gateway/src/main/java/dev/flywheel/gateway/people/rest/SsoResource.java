package dev.flywheel.gateway.people.rest;

import java.net.URI;
import java.util.List;

import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.flywheel.gateway.config.ConsoleConfig;
import dev.flywheel.gateway.people.service.PeopleService;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Single sign-on (ADR 0011): quarkus-oidc runs the authorization code flow for /sso/* (when enabled), and once the
 * provider has
 * signed the person in, this turns its ID token into a console session — the person found or created by their
 * verified email, their roles taken from the configured claim — and hands the browser to the console.
 */
@Path("/sso")
@Tag(name = "People and sessions")
public class SsoResource {

    /** quarkus-oidc's own session cookie: not needed once the console's session exists. */
    private static final String OIDC_SESSION_COOKIE = "q_session";

    private final SecurityIdentity identity;
    private final PeopleService people;
    private final ConsoleConfig config;

    public SsoResource(SecurityIdentity identity, PeopleService people, ConsoleConfig config) {
        this.identity = identity;
        this.people = people;
        this.config = config;
    }

    @GET
    @Path("/login")
    @Operation(summary = "Sign in through the configured OpenID Connect provider; ends in the console")
    public Uni<Response> login(@Context UriInfo uri) {
        if (!config.sso().enabled()) {
            throw new ApiException(ApiError.NOT_FOUND, "Single sign-on is not configured on this gateway");
        }
        if (identity.isAnonymous()) {
            // only reachable if the path's protection (quarkus.http.auth.permission.sso) was switched off
            throw new ApiException(ApiError.UNAUTHENTICATED, "Sign in through the identity provider first");
        }
        // in the code flow the principal is the provider's ID token
        JsonWebToken idToken = (JsonWebToken) identity.getPrincipal();
        String email = idToken.getClaim("email");
        Object verified = idToken.getClaim("email_verified");
        if (email == null || !(Boolean.TRUE.equals(verified) || "true".equals(String.valueOf(verified)))) {
            throw ApiException.forbidden("The identity provider did not vouch for an email address (email_verified)");
        }
        String name = idToken.getClaim("name");
        return people.ssoSignIn(email, name == null ? email : name, roleClaims(idToken))
                .map(session -> Response.seeOther(URI.create("/console/"))
                        .cookie(SessionCookie.issue(session, uri),
                                new NewCookie.Builder(OIDC_SESSION_COOKIE).value("").path("/").maxAge(0).build())
                        .build());
    }

    /** The role claim's values: a JSON array of strings in an ID token, or one string. */
    private List<String> roleClaims(JsonWebToken idToken) {
        Object claim = idToken.getClaim(config.sso().roleClaim());
        if (claim instanceof JsonArray values) {
            return values.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
        if (claim instanceof JsonString value) {
            return List.of(value.getString());
        }
        return claim instanceof String value ? List.of(value) : List.of();
    }
}
