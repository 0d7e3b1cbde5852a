package dev.flywheel.feedback.config;

import java.nio.file.Path;
import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The feedback service's settings (prefix {@code flywheel.feedback}). */
@ConfigMapping(prefix = "flywheel.feedback")
public interface FeedbackConfig {

    /**
     * How often every environment whose running surveys a replica serves is compared with the database, in case a
     * change notification was lost.
     */
    @WithDefault("30s")
    Duration resyncInterval();

    /** How often events left in the outbox (Kafka was unreachable, or the process stopped) are sent again. */
    @WithDefault("5s")
    Duration outboxRelayInterval();

    /** The largest screenshot the feedback widget may attach. */
    @WithDefault("2097152")
    int maxScreenshotBytes();

    /** Session recordings (ADR 0012). */
    Recordings recordings();

    interface Recordings {

        /** Where the filesystem blob store keeps chunks (a volume in Kubernetes). */
        @WithDefault("data/recordings")
        Path directory();

        /** The largest chunk as sent (compressed). */
        @WithDefault("1048576")
        int maxChunkBytes();

        /** The largest chunk once decompressed: a bound on gzip bombs. */
        @WithDefault("16777216")
        int maxDecompressedBytes();

        @WithDefault("50000")
        int maxEventsPerChunk();
    }
}
