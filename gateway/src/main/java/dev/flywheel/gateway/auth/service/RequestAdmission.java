package dev.flywheel.gateway.auth.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.flywheel.gateway.caller.CallerContext;
import dev.flywheel.gateway.caller.ResolvedKey;
import dev.flywheel.gateway.problem.ApiError;
import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.gateway.ratelimit.RateLimiter;
import io.smallrye.mutiny.Uni;

/**
 * What every request with a project key passes after the key is known, whatever the API: the browser origin must
 * be one the project allows, and the key's rate limit must have room. Fails with the ApiException to answer.
 */
@ApplicationScoped
public class RequestAdmission {

    private static final Logger LOG = Logger.getLogger(RequestAdmission.class);

    private final RateLimiter rateLimiter;
    private final CallerContext callerContext;

    public RequestAdmission(RateLimiter rateLimiter, CallerContext callerContext) {
        this.callerContext = callerContext;
        this.rateLimiter = rateLimiter;
    }

    public Uni<Void> admit(ResolvedKey key, String origin) {
        if (origin != null && !key.allowsOrigin(origin)) {
            return Uni.createFrom().failure(new ApiException(ApiError.ORIGIN_NOT_ALLOWED,
                    "Origin " + origin + " is not in the project's allowed origins"));
        }
        if (origin != null) {
            // from here on every answer, a 429 or a 503 too, is readable by the page (status, Retry-After)
            callerContext.allowOrigin(origin);
        }
        return rateLimiter.acquire(key.keyId(), key.rateLimitPerSecond(), key.rateLimitBurst())
                .onFailure().recoverWithItem(failure -> {
                    // Redis trouble must not take the API down: let the request through and say so.
                    LOG.warnf("Rate limiter unavailable, allowing request: %s", failure.getMessage());
                    return null;
                })
                .flatMap(decision -> decision == null || decision.allowed()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(ApiException.retryLater(ApiError.RATE_LIMITED,
                                "Limit is " + key.rateLimitPerSecond() + " requests/s with bursts of "
                                        + key.rateLimitBurst(),
                                decision.retryAfterSeconds())));
    }
}
