package dev.flywheel.service.catalogue;

import java.time.Duration;

import jakarta.enterprise.event.Observes;

import dev.flywheel.service.changes.PgChangeListener;
import dev.flywheel.service.config.DataSourceAddress;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * A service's snapshots of one catalogue, as a bean: a {@link SnapshotRegistry} that listens on the catalogue's
 * channel from startup to shutdown, so a change committed on any replica reloads the environment here. Subclasses
 * are {@code @Singleton} beans: with final state set by the constructor they cannot be proxied.
 */
public abstract class CatalogueSnapshots<S> {

    private final SnapshotRegistry<S> registry;
    private final Catalogue<?> catalogue;
    private final Vertx vertx;
    private final DataSourceAddress database;
    private final Duration resync;
    private PgChangeListener listener;

    /**
     * @param resync
     *            how often every cached environment is compared with the database, in case a notification was lost
     */
    protected CatalogueSnapshots(SnapshotRegistry<S> registry, Catalogue<?> catalogue, Vertx vertx,
            DataSourceAddress database, Duration resync) {
        this.registry = registry;
        this.catalogue = catalogue;
        this.vertx = vertx;
        this.database = database;
        this.resync = resync;
    }

    void start(@Observes StartupEvent ignored) {
        listener = registry.listen(vertx, database, catalogue.channel(), resync);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    /** The environment's current snapshot; the first request for an environment loads it. */
    public Uni<S> get(String projectId, String environment) {
        return registry.get(new EnvironmentKey(projectId, environment));
    }

    /**
     * Reloads an environment after a change made here, so this replica serves it before the change is acknowledged
     * ("*" reloads every cached environment of the project).
     */
    public Uni<Void> refresh(String projectId, String environment) {
        return registry.refresh(new EnvironmentKey(projectId, environment));
    }
}
