package dev.flywheel.events.messaging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.service.events.EventTopicPublisher;
import io.quarkus.runtime.StartupEvent;

/**
 * Creates the ingest topics at start when they are missing, with enough partitions to spread projects and users
 * (the broker's auto-creation would give one). Existing topics are left as the operator made them.
 */
public class TopicInitializer {

    private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

    void onStart(@Observes StartupEvent start, IngestConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
            List<NewTopic> topics = List.of(
                    new NewTopic(EventTopicPublisher.EVENTS_TOPIC, config.eventsTopicPartitions(), (short) -1),
                    new NewTopic(EventTopicPublisher.DEAD_LETTER_TOPIC, 3, (short) -1));
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(20, TimeUnit.SECONDS);
                    LOG.infof("Created topic %s", result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        LOG.warnf("Could not create topic %s: %s", result.getKey(), e.getCause().getMessage());
                    }
                }
            }
        } catch (Exception e) {
            // Kafka may come up after us; the producer waits for it and readiness reports it.
            LOG.warnf("Topic check skipped: %s", e.getMessage());
        }
    }
}
