package dev.flywheel.gateway.people.rest;

import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.UriInfo;

import dev.flywheel.gateway.people.service.SessionStore;

/**
 * The session cookie (ADR 0011): HttpOnly so scripts never see it, SameSite=Lax so other sites' forms do not carry
 * it, Secure when the console is reached over TLS (directly, or as a trusted proxy's X-Forwarded-Proto says).
 */
public final class SessionCookie {

    public static final String NAME = "fw_session";

    private SessionCookie() {
    }

    public static NewCookie issue(SessionStore.Opened session, UriInfo uri) {
        return build(session.id(), uri, NewCookie.DEFAULT_MAX_AGE);
    }

    public static NewCookie clear(UriInfo uri) {
        return build("", uri, 0);
    }

    private static NewCookie build(String value, UriInfo uri, int maxAge) {
        return new NewCookie.Builder(NAME).value(value).path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.LAX).secure("https".equals(uri.getBaseUri().getScheme()))
                .maxAge(maxAge).build();
    }
}
