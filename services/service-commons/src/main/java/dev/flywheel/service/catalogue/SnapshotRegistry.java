package dev.flywheel.service.catalogue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.flywheel.service.cache.SingleFlight;
import dev.flywheel.service.changes.PgChangeListener;
import dev.flywheel.service.config.DataSourceAddress;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The in-memory snapshot of each environment callers asked for, replaced whole when it changes, so readers never
 * touch the database and never see half a change. The first request loads an environment (concurrent ones share
 * the load); a change notification reloads it on every replica; after a reconnect and periodically, each cached
 * environment whose stored version moved is reloaded (an unchanged one costs a version read). A load never replaces
 * a newer snapshot.
 */
public final class SnapshotRegistry<S> {

    private static final Logger LOG = Logger.getLogger(SnapshotRegistry.class);

    /** A snapshot's versions: the environment's, and the project settings' it was built with (0 when none). */
    public record Version(long environment, long settings) {

        public boolean atLeast(Version other) {
            return environment >= other.environment && settings >= other.settings;
        }
    }

    /** Where snapshots come from. */
    public interface Source<S> {

        Uni<S> load(EnvironmentKey key);

        /** The versions stored now, to compare with a cached snapshot's. */
        Uni<Version> storedVersion(EnvironmentKey key);

        Version version(S snapshot);

        static <S> Source<S> of(Function<EnvironmentKey, Uni<S>> load,
                Function<EnvironmentKey, Uni<Version>> storedVersion, Function<S, Version> version) {
            return new Source<>() {
                @Override
                public Uni<S> load(EnvironmentKey key) {
                    return load.apply(key);
                }

                @Override
                public Uni<Version> storedVersion(EnvironmentKey key) {
                    return storedVersion.apply(key);
                }

                @Override
                public Version version(S snapshot) {
                    return version.apply(snapshot);
                }
            };
        }
    }

    /**
     * The stored version of catalogue environments kept in {@code table} (a {@link CatalogueEnvironment} table,
     * schema-qualified), 0 for one that has none yet.
     */
    public static Function<EnvironmentKey, Uni<Version>> environmentVersion(Pool pool, String table) {
        String query = "SELECT version FROM " + table + " WHERE project_id = $1 AND environment = $2";
        return key -> pool.preparedQuery(query).execute(Tuple.of(key.projectId(), key.environment())).map(rows -> {
            Iterator<Row> row = rows.iterator();
            return new Version(row.hasNext() ? row.next().getLong(0) : 0, 0);
        });
    }

    private final String what;
    private final Source<S> source;
    private final BiConsumer<S, S> replaced;
    private final Map<EnvironmentKey, S> ready = new ConcurrentHashMap<>();
    private final SingleFlight<EnvironmentKey, S> loads = new SingleFlight<>();

    /** A registry whose replaced snapshots need no one told. */
    public SnapshotRegistry(String what, Source<S> source) {
        this(what, source, (previous, current) -> {
        });
    }

    /**
     * @param what
     *            what the snapshots hold, for log lines ("flags")
     * @param replaced
     *            told (previous, current) when a cached snapshot is replaced by a newer one
     */
    public SnapshotRegistry(String what, Source<S> source, BiConsumer<S, S> replaced) {
        this.what = what;
        this.source = source;
        this.replaced = replaced;
    }

    /** The environment's current snapshot; the first request for an environment loads it. */
    public Uni<S> get(EnvironmentKey key) {
        S snapshot = ready.get(key);
        if (snapshot != null) {
            return Uni.createFrom().item(snapshot);
        }
        return loads.run(key, () -> source.load(key).map(loaded -> {
            install(key, loaded);
            return ready.get(key);
        }));
    }

    /** Reloads a cached environment (or, for "project/*", each cached environment of the project). */
    public Uni<Void> refresh(EnvironmentKey key) {
        if (key.everyEnvironment()) {
            List<Uni<Void>> reloads = new ArrayList<>();
            for (EnvironmentKey cached : ready.keySet()) {
                if (cached.projectId().equals(key.projectId())) {
                    reloads.add(refresh(cached));
                }
            }
            return reloads.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : Uni.join().all(reloads).andFailFast().replaceWithVoid();
        }
        if (!ready.containsKey(key)) {
            return Uni.createFrom().voidItem();
        }
        return source.load(key).invoke(loaded -> install(key, loaded)).replaceWithVoid();
    }

    /** Reloads each cached environment whose stored version moved; failures are logged, the next resync retries. */
    public Uni<Void> refreshAll() {
        if (ready.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(ready.entrySet().stream().map(cached -> refreshIfStale(cached.getKey(),
                cached.getValue())).toList())
                .usingConcurrencyOf(4).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Could not refresh %s snapshots: %s", what, e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Reloads on every notification of {@code channel}, and resyncs after each reconnect and every interval. */
    public PgChangeListener listen(Vertx vertx, DataSourceAddress database, String channel, Duration resync) {
        return PgChangeListener.listen(vertx, database, channel, payload -> {
            EnvironmentKey key = EnvironmentKey.parse(payload);
            if (key != null) {
                refresh(key).subscribe().with(done -> {
                }, failure -> LOG.warnf("Could not reload the %s of %s: %s", what, key, failure.toString()));
            }
        }, () -> refreshAll().subscribe().with(done -> {
        }), resync);
    }

    private Uni<Void> refreshIfStale(EnvironmentKey key, S cached) {
        return source.storedVersion(key).flatMap(stored -> source.version(cached).equals(stored)
                ? Uni.createFrom().voidItem()
                : refresh(key));
    }

    private synchronized void install(EnvironmentKey key, S loaded) {
        S previous = ready.get(key);
        if (previous != null && source.version(previous).atLeast(source.version(loaded))) {
            return;
        }
        ready.put(key, loaded);
        if (previous != null) {
            replaced.accept(previous, loaded);
        }
    }
}
