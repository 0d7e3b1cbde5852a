package dev.flywheel.events.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;

import dev.flywheel.ingest.Rejection;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes events and dead letters to Kafka. Each returned Uni completes only when the broker acknowledged every
 * record (acks=all), and fails if any was refused or timed out.
 */
@ApplicationScoped
public class EventPublisher {

    public static final String EVENTS_TOPIC = "flywheel.events.v1";
    public static final String DEAD_LETTER_TOPIC = "flywheel.events.dlq.v1";

    private final MutinyEmitter<byte[]> events;
    private final MutinyEmitter<byte[]> deadLetters;

    public EventPublisher(
            @Channel("events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 65536) MutinyEmitter<byte[]> events,
            @Channel("dead-letters") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192) MutinyEmitter<byte[]> deadLetters) {
        this.events = events;
        this.deadLetters = deadLetters;
    }

    /** Partition key: one person's events stay in order on one partition. */
    public static String keyOf(Event event) {
        return event.getScope().getProjectId() + "/" + event.getDistinctId();
    }

    public Uni<Void> publish(List<Event> batch) {
        List<Uni<Void>> acks = new ArrayList<>(batch.size());
        for (Event event : batch) {
            acks.add(events.sendMessage(keyed(keyOf(event), event.toByteArray())));
        }
        return joinAll(acks);
    }

    public Uni<Void> deadLetter(List<Rejection> rejections, Scope scope, EventSource source, Instant receivedAt) {
        Timestamp received = Timestamp.newBuilder().setSeconds(receivedAt.getEpochSecond())
                .setNanos(receivedAt.getNano()).build();
        List<Uni<Void>> acks = new ArrayList<>(rejections.size());
        for (Rejection rejection : rejections) {
            DeadLetter letter = DeadLetter.newBuilder()
                    .setScope(scope)
                    .setReason(rejection.reason())
                    .setDetail(rejection.detail())
                    .setPayload(ByteString.copyFrom(rejection.payload()))
                    .setReceivedAt(received)
                    .setSource(source)
                    .build();
            acks.add(deadLetters.sendMessage(keyed(scope.getProjectId(), letter.toByteArray())));
        }
        return joinAll(acks);
    }

    private static Message<byte[]> keyed(String key, byte[] payload) {
        return Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }

    private static Uni<Void> joinAll(List<Uni<Void>> acks) {
        if (acks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(acks).andFailFast().replaceWithVoid();
    }
}
