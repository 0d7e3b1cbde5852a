package dev.flywheel.events.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.ingest.Rejection;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;

/**
 * Writes events and dead letters to Kafka with an idempotent, acks=all producer. Each returned Uni completes only
 * when the broker acknowledged every record of the call, and fails as soon as one is refused or times out; the
 * producer itself outlives broker outages and resumes when Kafka returns (ADR 0002).
 */
@ApplicationScoped
public class EventPublisher {

    public static final String EVENTS_TOPIC = "flywheel.events.v1";
    public static final String DEAD_LETTER_TOPIC = "flywheel.events.dlq.v1";

    private final KafkaProducer<String, byte[]> producer;
    // send() may block (metadata, full buffer) while Kafka is away: never on an event loop.
    private final ExecutorService sender = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kafka-event-sender");
        thread.setDaemon(true);
        return thread;
    });

    public EventPublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            IngestConfig config) {
        IngestConfig.Producer tuning = config.producer();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "event-collector");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) tuning.linger().toMillis());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, tuning.batchSize());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, tuning.compression());
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, tuning.bufferMemory());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, tuning.maxBlock().toMillis());
        int delivery = (int) tuning.deliveryTimeout().toMillis();
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, delivery - 5));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
    }

    /** Partition key: one person's events stay in order on one partition. */
    public static String keyOf(Event event) {
        return event.getScope().getProjectId() + "/" + event.getDistinctId();
    }

    public Uni<Void> publish(List<Event> batch) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(batch.size());
        for (Event event : batch) {
            records.add(new ProducerRecord<>(EVENTS_TOPIC, keyOf(event), event.toByteArray()));
        }
        return sendAll(records);
    }

    public Uni<Void> deadLetter(List<Rejection> rejections, Scope scope, EventSource source, Instant receivedAt) {
        Timestamp received = ProtoValues.timestamp(receivedAt);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(rejections.size());
        for (Rejection rejection : rejections) {
            DeadLetter letter = DeadLetter.newBuilder()
                    .setScope(scope)
                    .setReason(rejection.reason())
                    .setDetail(rejection.detail())
                    .setPayload(ByteString.copyFrom(rejection.payload()))
                    .setReceivedAt(received)
                    .setSource(source)
                    .build();
            records.add(new ProducerRecord<>(DEAD_LETTER_TOPIC, scope.getProjectId(), letter.toByteArray()));
        }
        return sendAll(records);
    }

    private Uni<Void> sendAll(List<ProducerRecord<String, byte[]>> records) {
        if (records.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().<Void>emitter(emitter -> {
            AtomicInteger pending = new AtomicInteger(records.size());
            AtomicBoolean failed = new AtomicBoolean();
            try {
                for (ProducerRecord<String, byte[]> record : records) {
                    if (failed.get()) {
                        return;
                    }
                    producer.send(record, (metadata, exception) -> {
                        if (exception != null) {
                            if (failed.compareAndSet(false, true)) {
                                emitter.fail(exception);
                            }
                        } else if (pending.decrementAndGet() == 0) {
                            emitter.complete(null);
                        }
                    });
                }
            } catch (RuntimeException e) {
                if (failed.compareAndSet(false, true)) {
                    emitter.fail(e);
                }
            }
        }).runSubscriptionOn(sender);
    }

    @PreDestroy
    void close() {
        // Graceful shutdown: what was handed to the producer is sent (or fails) before the process exits.
        producer.close(Duration.ofSeconds(10));
        sender.shutdown();
    }
}
