package dev.flywheel.events.service;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.events.config.IngestConfig;
import dev.flywheel.service.limits.InFlightLimiter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Bounds the request bytes the collector parses and publishes at once; past the bound a request is refused as
 * OVERLOADED (RESOURCE_EXHAUSTED; 429 + Retry-After at the gateway), and nothing refused was acknowledged.
 */
@ApplicationScoped
public class AdmissionControl {

    private final InFlightLimiter limiter;

    public AdmissionControl(IngestConfig config, MeterRegistry metrics) {
        this.limiter = new InFlightLimiter(config.maxInFlightBytes());
        Gauge.builder("flywheel.ingest.in.flight.bytes", limiter, InFlightLimiter::inFlightBytes).register(metrics);
    }

    public <T> Uni<T> admit(long bytes, Supplier<Uni<T>> work) {
        return limiter.admit(bytes, work, () -> new IngestException(IngestFailure.OVERLOADED,
                "the collector is at capacity; retry in a moment"));
    }
}
