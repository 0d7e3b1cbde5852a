package dev.flywheel.metrics.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import dev.flywheel.metrics.config.AggregatorConfig;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.PostgresEventStore;
import dev.flywheel.metrics.store.clickhouse.ClickHouseEventStore;
import dev.flywheel.metrics.store.clickhouse.ClickHouseSchema;
import io.quarkus.runtime.StartupEvent;

/** The event store analytics reads, as configured ({@code flywheel.aggregator.event-store.kind}). */
@ApplicationScoped
public class EventStores {

    private static final Logger LOG = Logger.getLogger(EventStores.class);

    private final AggregatorConfig config;

    public EventStores(AggregatorConfig config) {
        this.config = config;
    }

    @Produces
    @ApplicationScoped
    EventStore eventStore(PostgresEventStore postgres, ClickHouseEventStore clickHouse) {
        return config.eventStore().kind() == AggregatorConfig.EventStoreSettings.Kind.CLICKHOUSE
                ? clickHouse
                : postgres;
    }

    /** Creates ClickHouse's table at start when it is the store (the consumer creates it later if it was down). */
    void createSchema(@Observes StartupEvent startup, ClickHouseSchema schema) {
        if (config.eventStore().kind() == AggregatorConfig.EventStoreSettings.Kind.CLICKHOUSE) {
            schema.create().subscribe().with(done -> LOG.info("ClickHouse event table ready"),
                    failure -> LOG.warnf("ClickHouse not ready at start (the consumer retries): %s", failure
                            .getMessage()));
        }
    }
}
