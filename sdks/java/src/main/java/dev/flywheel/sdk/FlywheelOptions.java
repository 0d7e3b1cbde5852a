package dev.flywheel.sdk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link FlywheelClient} reaches Flywheel and behaves when it cannot. Only the server key is required; the
 * addresses default to a local platform ({@code ./flywheel up}).
 */
public final class FlywheelOptions {

    final String serverKey;
    final String flagsTarget;
    final String experimentsTarget;
    final String eventsTarget;
    final boolean tls;
    final boolean flags;
    final boolean experiments;
    final Path snapshotFile;
    final StickyBucketStore stickyBuckets;
    final int eventBatchSize;
    final int eventBufferSize;
    final Duration flushInterval;
    final int maxSendAttempts;
    final Duration reconnectMin;
    final Duration reconnectMax;
    final Consumer<SdkProblem> problems;

    private FlywheelOptions(Builder b) {
        this.serverKey = Objects.requireNonNull(b.serverKey, "a server key is required");
        if (!serverKey.startsWith("fw_server_")) {
            throw new IllegalArgumentException("the SDK syncs with a server key (fw_server_...): a synced snapshot "
                    + "holds every rule, which client keys may not read");
        }
        this.flagsTarget = b.flagsTarget;
        this.experimentsTarget = b.experimentsTarget;
        this.eventsTarget = b.eventsTarget;
        this.tls = b.tls;
        this.flags = b.flags;
        this.experiments = b.experiments;
        this.snapshotFile = b.snapshotFile;
        this.stickyBuckets = b.stickyBuckets == null ? new InMemoryStickyBucketStore() : b.stickyBuckets;
        this.eventBatchSize = positive(b.eventBatchSize, "eventBatchSize");
        this.eventBufferSize = positive(b.eventBufferSize, "eventBufferSize");
        this.flushInterval = b.flushInterval;
        this.maxSendAttempts = positive(b.maxSendAttempts, "maxSendAttempts");
        this.reconnectMin = b.reconnectMin;
        this.reconnectMax = b.reconnectMax;
        this.problems = b.problems;
        if (eventBatchSize > 2500) {
            throw new IllegalArgumentException("eventBatchSize is at most 2,500 (the ingest's batch limit)");
        }
    }

    public static Builder builder(String serverKey) {
        return new Builder(serverKey);
    }

    private static int positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
        return value;
    }

    public static final class Builder {
        private final String serverKey;
        private String flagsTarget = "localhost:8013";
        private String experimentsTarget = "localhost:9083";
        private String eventsTarget = "localhost:8081";
        private boolean tls;
        private boolean flags = true;
        private boolean experiments = true;
        private Path snapshotFile;
        private StickyBucketStore stickyBuckets;
        private int eventBatchSize = 100;
        private int eventBufferSize = 10_000;
        private Duration flushInterval = Duration.ofSeconds(1);
        private int maxSendAttempts = 5;
        private Duration reconnectMin = Duration.ofMillis(250);
        private Duration reconnectMax = Duration.ofSeconds(30);
        private Consumer<SdkProblem> problems = problem -> {
        };

        private Builder(String serverKey) {
            this.serverKey = serverKey;
        }

        /** The feature-flags service's gRPC address ("host:port"), for the flag snapshot (flagd.sync.v1). */
        public Builder flagsTarget(String target) {
            this.flagsTarget = target;
            return this;
        }

        /** The experiment-assignment service's gRPC address, for the experiment snapshot. */
        public Builder experimentsTarget(String target) {
            this.experimentsTarget = target;
            return this;
        }

        /** The event-collector's gRPC address, where exposures and tracked events go. */
        public Builder eventsTarget(String target) {
            this.eventsTarget = target;
            return this;
        }

        /** TLS to every service (plaintext h2c by default, as inside a cluster). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** Whether to sync flags (on by default). */
        public Builder flags(boolean flags) {
            this.flags = flags;
            return this;
        }

        /** Whether to sync experiments (on by default). */
        public Builder experiments(boolean experiments) {
            this.experiments = experiments;
            return this;
        }

        /**
         * Keeps the last snapshots in this file, so a process that starts while Flywheel is unreachable still serves
         * what it served before.
         */
        public Builder snapshotFile(Path file) {
            this.snapshotFile = file;
            return this;
        }

        /** Where sticky buckets live: in this process by default, or shared ({@link RedisStickyBucketStore}). */
        public Builder stickyBuckets(StickyBucketStore store) {
            this.stickyBuckets = store;
            return this;
        }

        /** Events per ingest call (at most 2,500; 100 by default). */
        public Builder eventBatchSize(int size) {
            this.eventBatchSize = size;
            return this;
        }

        /** Events held while the collector is unreachable; beyond it new events are dropped and reported. */
        public Builder eventBufferSize(int size) {
            this.eventBufferSize = size;
            return this;
        }

        /** How often buffered events are sent when no batch fills (1 s by default). */
        public Builder flushInterval(Duration interval) {
            this.flushInterval = interval;
            return this;
        }

        /** Attempts per batch on retryable failures before it is dropped and reported (5 by default). */
        public Builder maxSendAttempts(int attempts) {
            this.maxSendAttempts = attempts;
            return this;
        }

        /** The first and the longest wait before a broken snapshot stream is opened again. */
        public Builder reconnect(Duration min, Duration max) {
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /** Told of every problem the SDK works around (unreachable services, refused keys, unreadable snapshots). */
        public Builder onProblem(Consumer<SdkProblem> listener) {
            this.problems = Objects.requireNonNull(listener);
            return this;
        }

        public FlywheelOptions build() {
            return new FlywheelOptions(this);
        }
    }
}
