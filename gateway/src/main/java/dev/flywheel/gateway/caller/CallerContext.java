package dev.flywheel.gateway.caller;

import jakarta.enterprise.context.RequestScoped;

import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;

/**
 * The authenticated caller of the current request, set once by the authentication filter, and the Origin its
 * project allows.
 */
@RequestScoped
public class CallerContext {

    private Caller caller;
    private String token;
    private String allowedOrigin;

    public Caller caller() {
        if (caller == null) {
            // Only reachable if an endpoint is wired outside the authenticated path.
            throw new ApiException(ApiError.UNAUTHENTICATED, "No API key was presented");
        }
        return caller;
    }

    public void authenticate(Caller authenticated, String presentedToken) {
        this.caller = authenticated;
        this.token = presentedToken;
    }

    /**
     * The caller's client or server key, for runtime calls made for end users; 403 with {@code refusal} for admin
     * keys and the bootstrap credential.
     */
    public String environmentToken(String refusal) {
        if (!caller().holdsEnvironmentKey()) {
            throw ApiException.forbidden(refusal);
        }
        return token;
    }

    /** Records that the request's Origin is one the caller's project allows: every answer to it says so (CORS). */
    public void allowOrigin(String origin) {
        this.allowedOrigin = origin;
    }

    /** The request's Origin when the caller's project allows it, else null. */
    public String allowedOrigin() {
        return allowedOrigin;
    }

    /** The key as the caller presented it, for calls that forward it to a service (ADR 0003). */
    public String token() {
        caller();
        return token;
    }
}
