package dev.flywheel.feedback.config;

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
}
