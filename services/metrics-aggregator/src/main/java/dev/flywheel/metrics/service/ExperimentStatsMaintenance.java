package dev.flywheel.metrics.service;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.store.MetricMaintenanceStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * Runs the two jobs that keep experiment statistics whole beside the batches ({@link MetricMaintenanceStore}) every
 * maintenance interval, one run at a time per replica.
 */
@ApplicationScoped
public class ExperimentStatsMaintenance {

    private static final Logger LOG = Logger.getLogger(ExperimentStatsMaintenance.class);
    private final MetricMaintenanceStore store;
    private final Vertx vertx;
    private final AggregatorConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private long timer = -1;

    public ExperimentStatsMaintenance(MetricMaintenanceStore store, Vertx vertx, AggregatorConfig config) {
        this.store = store;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        long every = config.experiments().maintenanceInterval().toMillis();
        if (every > 0) {
            timer = vertx.setPeriodic(every, id -> runOnce());
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void runOnce() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        backfill().chain(this::refreshCaps).chain(this::snapshotDaily)
                .eventually(() -> running.set(false))
                .subscribe().with(done -> {
                }, failure -> LOG.warnf(failure, "experiment statistics maintenance failed; retried next time"));
    }

    /** Brings every metric with a backfill in progress to the end of it. */
    public Uni<Void> backfill() {
        return store.backfill();
    }

    /** Brings today's snapshot of every experiment metric's sums up to date (results over time). */
    public Uni<Void> snapshotDaily() {
        return store.snapshotDaily();
    }

    /** Recomputes the capped sums of every winsorised metric (their cap moves as values arrive). */
    public Uni<Void> refreshCaps() {
        return store.refreshCaps();
    }
}
