package dev.flywheel.service.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;

/**
 * The one Kafka producer of the event pipeline's topics: events keyed by project and distinct id (a person's events
 * stay in order on one partition), dead letters keyed by project. Idempotent, acks=all: a send completes only when
 * Kafka has every record, and fails at the first refusal; the producer outlives broker outages and resumes when
 * Kafka returns (ADR 0002).
 */
public final class EventTopicPublisher implements AutoCloseable {

    /** The topic every product event flows through. */
    public static final String EVENTS_TOPIC = "flywheel.events.v1";
    /** Events the collector could not accept, with why. */
    public static final String DEAD_LETTER_TOPIC = "flywheel.events.dlq.v1";

    private final KafkaProducer<String, byte[]> producer;
    // send() blocks while Kafka is unreachable (metadata, a full buffer): never on an event loop
    private final ExecutorService sender;

    /** How the producer batches and how long a send may take (waiting for metadata, delivery with retries). */
    public record Tuning(Duration linger, Duration maxBlock, Duration deliveryTimeout, int batchSize,
            String compression, long bufferMemory) {

        /** Kafka's batch size and buffer, lz4: for services that send a few events per request. */
        public static Tuning of(Duration linger, Duration maxBlock, Duration deliveryTimeout) {
            return new Tuning(linger, maxBlock, deliveryTimeout, 16_384, "lz4", 32L * 1024 * 1024);
        }
    }

    public EventTopicPublisher(String bootstrapServers, String clientId, Tuning tuning) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
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
        this.sender = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kafka-" + clientId + "-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Partition key: one person's events stay in order on one partition. */
    public static String partitionKey(Event event) {
        return event.getScope().getProjectId() + "/" + event.getDistinctId();
    }

    /** Completes when Kafka acknowledged every event, or fails with the first refusal. */
    public CompletableFuture<Void> publish(List<Event> events) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        for (Event event : events) {
            records.add(new ProducerRecord<>(EVENTS_TOPIC, partitionKey(event), event.toByteArray()));
        }
        return send(records);
    }

    /** Completes when Kafka acknowledged every dead letter, or fails with the first refusal. */
    public CompletableFuture<Void> deadLetters(List<DeadLetter> letters) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(letters.size());
        for (DeadLetter letter : letters) {
            records.add(new ProducerRecord<>(DEAD_LETTER_TOPIC, letter.getScope().getProjectId(),
                    letter.toByteArray()));
        }
        return send(records);
    }

    private CompletableFuture<Void> send(List<ProducerRecord<String, byte[]>> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (records.isEmpty()) {
            done.complete(null);
            return done;
        }
        sender.execute(() -> {
            AtomicInteger pending = new AtomicInteger(records.size());
            try {
                for (ProducerRecord<String, byte[]> record : records) {
                    if (done.isDone()) {
                        return; // a record already failed: the call has its answer
                    }
                    producer.send(record, (meta, error) -> {
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
