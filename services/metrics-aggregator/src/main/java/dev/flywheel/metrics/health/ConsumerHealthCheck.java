package dev.flywheel.metrics.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.flywheel.metrics.messaging.EventConsumer;

/** The service is alive only while its event consumer thread is. */
@Liveness
@ApplicationScoped
public class ConsumerHealthCheck implements HealthCheck {

    private final EventConsumer consumer;

    public ConsumerHealthCheck(EventConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("event-consumer").status(consumer.healthy()).build();
    }
}
