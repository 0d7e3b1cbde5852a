package dev.flywheel.events.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The event-collector's settings (prefix {@code flywheel.ingest}). */
@ConfigMapping(prefix = "flywheel.ingest")
public interface IngestConfig {

    /**
     * How long an accepted (project, messageId) is remembered to drop client retries of it. Clients retry within
     * minutes; longer windows cost Redis memory (about 80 bytes per event) and the event store's unique constraint
     * catches anything later.
     */
    @WithDefault("5M")
    Duration dedupeTtl();

    /** How long a batch may wait for Kafka's acknowledgement before the caller is told to retry. */
    @WithDefault("20S")
    Duration publishTimeout();

    /** Partitions of flywheel.events.v1 when the collector creates it. */
    @WithDefault("12")
    int eventsTopicPartitions();

    /** Request bytes being parsed and published at once before new requests are refused as overloaded. */
    @WithDefault("16777216")
    long maxInFlightBytes();

    /** The Kafka producer's tuning. */
    Producer producer();

    interface Producer {
        /** How long the producer waits to fill a batch: throughput against latency. */
        @WithDefault("1ms")
        Duration linger();

        /** Largest batch per partition, in bytes. */
        @WithDefault("262144")
        int batchSize();

        /** How long a record may take to be acknowledged, retries included, before its batch fails. */
        @WithDefault("15S")
        Duration deliveryTimeout();

        /** How long a send may wait for metadata or buffer space while Kafka is unreachable. */
        @WithDefault("5S")
        Duration maxBlock();

        /** Memory for records not yet sent, in bytes. */
        @WithDefault("33554432")
        long bufferMemory();

        /** Compression of record batches. */
        @WithDefault("lz4")
        String compression();
    }
}
