package dev.flywheel.events.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The event-collector's settings (prefix {@code flywheel.ingest}). */
@ConfigMapping(prefix = "flywheel.ingest")
public interface IngestConfig {

    /** How long an accepted (project, messageId) is remembered to drop client retries of it. */
    @WithDefault("15M")
    Duration dedupeTtl();

    /** How long a batch may wait for Kafka's acknowledgement before the caller is told to retry. */
    @WithDefault("20S")
    Duration publishTimeout();

    /** Partitions of flywheel.events.v1 when the collector creates it. */
    @WithDefault("12")
    int eventsTopicPartitions();

    /** How long a resolved API key of a direct gRPC caller is trusted before asking the gateway again. */
    @WithDefault("10S")
    Duration keyCacheTtl();
}
