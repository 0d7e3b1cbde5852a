package dev.flywheel.service.events;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;

import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.proto.events.v1.EventType;
import dev.flywheel.service.grpc.ProtoValues;

/**
 * Sends events a service produces itself (exposures, survey answers) into the event pipeline's topic, keyed like
 * every other event (project/distinct id) so a person's events stay in order on one partition. Idempotent,
 * acks=all: a send completes only when Kafka has the events.
 */
public final class EventTopicPublisher implements AutoCloseable {

    /** The topic every product event flows through (the event-collector's). */
    public static final String EVENTS_TOPIC = "flywheel.events.v1";

    private final KafkaProducer<String, byte[]> producer;
    // send() blocks while Kafka is unreachable (metadata): never on an event loop
    private final ExecutorService sender;

    /** How long a send may take: waiting for metadata, and delivery with retries. */
    public record Timing(Duration linger, Duration maxBlock, Duration deliveryTimeout) {
    }

    public EventTopicPublisher(String bootstrapServers, String clientId, Timing timing) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) timing.linger().toMillis());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timing.maxBlock().toMillis());
        int delivery = (int) timing.deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, delivery - 5));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-" + clientId + "-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * A track event the platform itself records on a person's behalf (an exposure, a survey answer): stamped at
     * {@code at}, marked internal, with its own message id (resending it stores it once).
     */
    public static Event.Builder internalTrack(Scope scope, String name, String distinctId, String messageId,
            Struct properties, Instant at, String library) {
        Timestamp time = ProtoValues.timestamp(at);
        return Event.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setMessageId(messageId)
                .setScope(scope)
                .setType(EventType.EVENT_TYPE_TRACK)
                .setName(name)
                .setDistinctId(distinctId)
                .setProperties(properties)
                .setTimestamp(time)
                .setOriginalTimestamp(time)
                .setReceivedAt(time)
                .setSource(EventSource.EVENT_SOURCE_INTERNAL)
                .setLibrary(library);
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

    /** Sends what was handed over before closing (graceful shutdown), waiting at most 10 s. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        sender.shutdown();
    }
}
