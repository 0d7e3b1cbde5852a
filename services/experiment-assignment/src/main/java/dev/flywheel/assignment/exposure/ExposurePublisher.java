package dev.flywheel.assignment.exposure;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.proto.events.v1.Event;

/**
 * Sends {@code $exposure} events into the event pipeline's topic, keyed like every other event (project/distinct
 * id) so a user's exposures and events stay in order on one partition. Idempotent, acks=all.
 */
@ApplicationScoped
public class ExposurePublisher {

    /** The topic every product event flows through (the event-collector's). */
    public static final String EVENTS_TOPIC = "flywheel.events.v1";

    private final KafkaProducer<String, byte[]> producer;
    // send() blocks while Kafka is unreachable (metadata): never on an event loop
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kafka-exposure-sender");
        thread.setDaemon(true);
        return thread;
    });

    public ExposurePublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            AssignmentConfig config) {
        AssignmentConfig.Producer tuning = config.producer();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "experiment-assignment");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) tuning.linger().toMillis());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, tuning.maxBlock().toMillis());
        int delivery = (int) tuning.deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, delivery - 5));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    /** Completes when Kafka acknowledged every event, or fails with the first refusal. */
    public CompletableFuture<Void> publish(List<Event> events) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (events.isEmpty()) {
            done.complete(null);
            return done;
        }
        sender.execute(() -> {
            AtomicInteger pending = new AtomicInteger(events.size());
            try {
                for (Event event : events) {
                    String key = event.getScope().getProjectId() + "/" + event.getDistinctId();
                    producer.send(new ProducerRecord<>(EVENTS_TOPIC, key, event.toByteArray()), (meta, error) -> {
                        if (error != null) {
                            done.completeExceptionally(error);
                        } else if (pending.decrementAndGet() == 0) {
                            done.complete(null);
                        }
                    });
                }
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @PreDestroy
    void close() {
        // graceful shutdown: exposures handed to the producer are sent before the process exits
        producer.close(Duration.ofSeconds(10));
        sender.shutdown();
    }
}
