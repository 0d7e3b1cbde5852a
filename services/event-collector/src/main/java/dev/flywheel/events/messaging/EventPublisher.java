package dev.flywheel.events.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.ingest.Rejection;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.DeadLetter;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.EventSource;
import dev.flywheel.service.events.EventTopicPublisher;
import dev.flywheel.service.grpc.ProtoValues;
import io.smallrye.mutiny.Uni;

/**
 * The event-collector's sends to Kafka, through the one producer of the event topics: each Uni completes only when
 * the broker acknowledged every record of the call, and fails as soon as one is refused or times out (ADR 0002).
 */
@ApplicationScoped
public class EventPublisher {

    private final EventTopicPublisher publisher;

    public EventPublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            IngestConfig config) {
        IngestConfig.Producer tuning = config.producer();
        this.publisher = new EventTopicPublisher(bootstrapServers, "event-collector",
                new EventTopicPublisher.Tuning(tuning.linger(), tuning.maxBlock(), tuning.deliveryTimeout(),
                        tuning.batchSize(), tuning.compression(), tuning.bufferMemory()));
    }

    public Uni<Void> publish(List<Event> batch) {
        return Uni.createFrom().completionStage(() -> publisher.publish(batch));
    }

    public Uni<Void> deadLetter(List<Rejection> rejections, Scope scope, EventSource source, Instant receivedAt) {
        Timestamp received = ProtoValues.timestamp(receivedAt);
        List<DeadLetter> letters = new ArrayList<>(rejections.size());
        for (Rejection rejection : rejections) {
            letters.add(DeadLetter.newBuilder()
                    .setScope(scope)
                    .setReason(rejection.reason())
                    .setDetail(rejection.detail())
                    .setPayload(ByteString.copyFrom(rejection.payload()))
                    .setReceivedAt(received)
                    .setSource(source)
                    .build());
        }
        return Uni.createFrom().completionStage(() -> publisher.deadLetters(letters));
    }

    @PreDestroy
    void close() {
        // Graceful shutdown: what was handed to the producer is sent (or fails) before the process exits.
        publisher.close();
    }
}
