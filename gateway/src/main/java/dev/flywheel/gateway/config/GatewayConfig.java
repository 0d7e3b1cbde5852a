package dev.flywheel.gateway.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The gateway's settings (prefix {@code flywheel.gateway}); each overridable by an environment variable. */
@ConfigMapping(prefix = "flywheel.gateway")
public interface GatewayConfig {

    /** The operator's platform-wide admin credential (FLYWHEEL_BOOTSTRAP_ADMIN_KEY); absent disables it. */
    Optional<String> bootstrapAdminKey();

    /** How long a resolved key stays in the Redis cache; revocation deletes it at once. */
    @WithDefault("5M")
    Duration keyCacheTtl();

    /** How long an unknown key is remembered as unknown, so guessing keys does not reach PostgreSQL. */
    @WithDefault("30S")
    Duration unknownKeyCacheTtl();

    /** Largest request body the management API accepts, in bytes. */
    @WithDefault("65536")
    long maxApiBodyBytes();

    /** Largest feedback-widget submission, in bytes: a 2 MiB screenshot in base64, and the rest. */
    @WithDefault("2900000")
    long maxFeedbackBodyBytes();

    /** The largest session-recording chunk, as sent (gzip); the feedback service bounds it decompressed. */
    @WithDefault("1048576")
    long maxRecordingChunkBytes();

    /** Largest flagd document an import accepts, in bytes (the HTTP server's own limit is 3 MiB). */
    @WithDefault("1000000")
    long maxFlagDocumentBytes();

    /** API and OFREP requests being worked on at once before new ones are refused with 503 + Retry-After. */
    @WithDefault("512")
    int maxRequestsInFlight();

    /** Event bodies held while the collector works on them before new ones are refused with 429 (bytes). */
    @WithDefault("33554432")
    long maxIngestBytesInFlight();

    /** Rate limits given to new projects. */
    RateLimitDefaults rateLimit();

    interface RateLimitDefaults {
        /** Sustained requests per second allowed per key. */
        @WithDefault("100")
        int perSecond();

        /** Requests a key may send at once before the sustained rate applies. */
        @WithDefault("200")
        int burst();
    }
}
