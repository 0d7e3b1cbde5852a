package dev.flywheel.assignment.exposure;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.flywheel.assignment.config.AssignmentConfig;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.events.EventTopicPublisher;

/** Sends {@code $exposure} events into the event pipeline's topic (idempotent, acks=all). */
@ApplicationScoped
public class ExposurePublisher {

    /** The topic every product event flows through (the event-collector's). */
    public static final String EVENTS_TOPIC = EventTopicPublisher.EVENTS_TOPIC;

    private final EventTopicPublisher publisher;

    public ExposurePublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            AssignmentConfig config) {
        AssignmentConfig.Producer tuning = config.producer();
        this.publisher = new EventTopicPublisher(bootstrapServers, "experiment-assignment",
                EventTopicPublisher.Tuning.of(tuning.linger(), tuning.maxBlock(), tuning.deliveryTimeout()));
    }

    /** Completes when Kafka acknowledged every event, or fails with the first refusal. */
    public CompletableFuture<Void> publish(List<Event> events) {
        return publisher.publish(events);
    }

    @PreDestroy
    void close() {
        // graceful shutdown: exposures handed to the producer are sent before the process exits
        publisher.close();
    }
}
