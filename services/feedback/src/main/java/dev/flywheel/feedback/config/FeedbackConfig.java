package dev.flywheel.feedback.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The feedback service's settings (prefix {@code flywheel.feedback}). */
@ConfigMapping(prefix = "flywheel.feedback")
public interface FeedbackConfig {

    /** How long a replica serves an environment's running surveys before reading them again. */
    @WithDefault("5s")
    Duration surveyCacheTtl();

    /** How often events left in the outbox (Kafka was unreachable, or the process stopped) are sent again. */
    @WithDefault("5s")
    Duration outboxRelayInterval();

    /** The largest screenshot the feedback widget may attach. */
    @WithDefault("2097152")
    int maxScreenshotBytes();
}
