package dev.flywheel.metrics.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.store.EventBatchWriter;
import dev.flywheel.metrics.store.clickhouse.ClickHouseEventWriter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.health.Dependencies;
import dev.flywheel.service.health.HealthConfig.Dependency;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the event consumer on its own thread from start-up to shutdown. Replicas share the topic's partitions
 * through one consumer group; each batch is stored in one transaction before its offsets are committed.
 */
@ApplicationScoped
public class EventConsumer {

    private static final Duration STORE_TIMEOUT = Duration.ofMinutes(2);

    private final Dependencies dependencies;
    private final AggregatorConfig config;
    private final String bootstrapServers;
    private final EventBatchWriter writer;
    private final ClickHouseEventWriter clickHouse;
    private final MeterRegistry registry;
    private final List<EventConsumerLoop> loops = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    public EventConsumer(AggregatorConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, EventBatchWriter writer,
            ClickHouseEventWriter clickHouse, MeterRegistry registry, Dependencies dependencies) {
        this.dependencies = dependencies;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.writer = writer;
        this.clickHouse = clickHouse;
        this.registry = registry;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.consumer().enabled()) {
            return;
        }
        AggregatorConfig.Consumer settings = config.consumer();
        if (settings.postgresEnabled()) {
            startPostgres(settings);
        }
        if (config.eventStore().kind() == AggregatorConfig.EventStoreSettings.Kind.CLICKHOUSE) {
            startClickHouse(config.eventStore().clickhouse());
        }
    }

    private void startPostgres(AggregatorConfig.Consumer settings) {
        start("flywheel-event-consumer", settings.groupId(), settings.maxBatch(), "flywheel.aggregator",
                new EventConsumerLoop.BatchStore() {
                    @Override
                    public EventBatchWriter.Outcome store(List<Event> events) {
                        return writer.write(events).await().atMost(STORE_TIMEOUT);
                    }

                    @Override
                    public EventBatchWriter.Outcome storeEachAlone(List<Event> events) {
                        return writer.writeEachAlone(events).await().atMost(STORE_TIMEOUT.multipliedBy(5));
                    }

                    @Override
                    public boolean available() {
                        return !dependencies.down(Dependency.POSTGRESQL);
                    }
                });
    }

    private void startClickHouse(AggregatorConfig.ClickHouse clickHouseSettings) {
        start("flywheel-clickhouse-consumer", clickHouseSettings.groupId(), clickHouseSettings.maxBatch(),
                "flywheel.aggregator.clickhouse", new EventConsumerLoop.BatchStore() {
                    @Override
                    public EventBatchWriter.Outcome store(List<Event> events) {
                        throw new UnsupportedOperationException("ClickHouse stores events by their place");
                    }

                    @Override
                    public EventBatchWriter.Outcome store(List<Event> events, int[] partitions,
                            long[] offsets) {
                        return clickHouse.write(events, partitions, offsets).await().atMost(STORE_TIMEOUT);
                    }

                    // The rows are built here, so a refused batch is refused for the server's state, not for
                    // one event in it: it is retried whole, with the backoff, until the server takes it.
                    @Override
                    public boolean isolatesFailures() {
                        return false;
                    }

                    @Override
                    public EventBatchWriter.Outcome storeEachAlone(List<Event> events) {
                        throw new UnsupportedOperationException("ClickHouse batches are retried whole");
                    }
                });
    }

    private void start(String name, String groupId, int maxBatch, String metricPrefix,
            EventConsumerLoop.BatchStore store) {
        AggregatorConfig.Consumer settings = config.consumer();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties(bootstrapServers, groupId,
                maxBatch));
        consumer.subscribe(List.of(settings.topic()));
        Counter stored = registry.counter(metricPrefix + ".events.stored");
        Counter duplicates = registry.counter(metricPrefix + ".events.duplicates");
        Counter malformed = registry.counter(metricPrefix + ".records.malformed");
        Counter failures = registry.counter(metricPrefix + ".batches.failed");
        Counter rejected = registry.counter(metricPrefix + ".events.rejected");
        EventConsumerLoop loop = new EventConsumerLoop(consumer, store, settings.pollTimeout(),
                settings.retryBackoff(), new EventConsumerLoop.ConsumerMetrics() {
                    @Override
                    public void batch(int records, EventBatchWriter.Outcome outcome) {
                        stored.increment(outcome.stored());
                        duplicates.increment(outcome.duplicates());
                        rejected.increment(outcome.rejected());
                    }

                    @Override
                    public void malformed(ConsumerRecord<String, byte[]> record) {
                        malformed.increment();
                    }

                    @Override
                    public void failed(Throwable failure) {
                        failures.increment();
                    }
                });
        Thread thread = new Thread(loop, name);
        loops.add(loop);
        threads.add(thread);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        loops.forEach(EventConsumerLoop::stop);
        for (Thread thread : threads) {
            thread.join(STORE_TIMEOUT.toMillis());
        }
    }

    /** Whether the consumer threads are alive (or deliberately off). */
    public boolean healthy() {
        return !config.consumer().enabled() || !threads.isEmpty() && threads.stream().allMatch(Thread::isAlive);
    }

    /** Reads the whole topic again; nothing already stored is counted twice. */
    public void replayFromStart() {
        loops.forEach(EventConsumerLoop::rewind);
    }

    /** Consumer settings: manual commits after the database commit, reading from the start for a new group. */
    public static Properties properties(String bootstrapServers, String groupId, int maxBatch) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "metrics-aggregator");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        // a replica killed without leaving the group holds its partitions until its session ends: keep that short
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}
