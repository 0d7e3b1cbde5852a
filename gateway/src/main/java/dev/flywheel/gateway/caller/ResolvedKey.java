package dev.flywheel.gateway.caller;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything a request needs to know about the key that made it, as cached in Redis: whose it is, what it may do,
 * and the project's limits and browser origins.
 */
public record ResolvedKey(
        UUID keyId,
        KeyKind kind,
        UUID organisationId,
        UUID projectId,
        UUID environmentId,
        String environment,
        Instant expiresAt,
        int rateLimitPerSecond,
        int rateLimitBurst,
        List<String> corsOrigins) {

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether a browser page served from {@code origin} may use this key. */
    public boolean allowsOrigin(String origin) {
        return corsOrigins.contains("*") || corsOrigins.contains(origin);
    }
}
