package dev.flywheel.featureflags.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.featureflags.repository.FlagEnvironmentEntity;
import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagSet;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.changes.PgChangeListener;
import dev.flywheel.service.config.DataSourceAddress;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The in-memory evaluation snapshot of each environment a caller asked for: its flags compiled once, kept by a
 * {@link SnapshotRegistry} (replaced whole on every replica when the environment changes), so evaluation never
 * touches the database and never sees half a change. A replaced snapshot tells the open flagd streams which flags
 * changed.
 */
@ApplicationScoped
public class FlagSnapshots {

    // one statement, so the environment row and its flags are read consistently
    private static final String LOAD = """
            SELECT e.version, e.evaluators, e.metadata, e.schema_url, f.flag_key, f.definition
            FROM feature_flags.flag_environment e
            LEFT JOIN feature_flags.flag f ON f.environment_id = e.id
            WHERE e.project_id = $1 AND e.environment = $2
            ORDER BY f.position, f.flag_key""";

    private static final String VERSION = "SELECT version FROM feature_flags.flag_environment WHERE project_id = $1 AND environment = $2";

    /** An environment's compiled flags at one version. */
    public record Snapshot(String projectId, String environment, long version, FlagSet flags,
            Map<String, String> definitions, String evaluators, String metadata) {
    }

    private final Pool pool;
    private final Vertx vertx;
    private final DataSourceAddress database;
    private final FlagsConfig config;
    private final SnapshotRegistry<Snapshot> registry;
    private PgChangeListener listener;

    public FlagSnapshots(Pool pool, FlagChangeStreams streams, Vertx vertx, DataSourceAddress database,
            FlagsConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.database = database;
        this.config = config;
        this.registry = new SnapshotRegistry<>("flags", new SnapshotRegistry.Source<>() {
            @Override
            public Uni<Snapshot> load(EnvironmentKey key) {
                return pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment()))
                        .map(rows -> compile(key.projectId(), key.environment(), rows));
            }

            @Override
            public Uni<SnapshotRegistry.Version> storedVersion(EnvironmentKey key) {
                return pool.preparedQuery(VERSION).execute(Tuple.of(key.projectId(), key.environment()))
                        .map(rows -> {
                            Iterator<Row> row = rows.iterator();
                            return new SnapshotRegistry.Version(row.hasNext() ? row.next().getLong(0) : 0, 0);
                        });
            }

            @Override
            public SnapshotRegistry.Version version(Snapshot snapshot) {
                return new SnapshotRegistry.Version(snapshot.version(), 0);
            }
        }, (previous, current) -> {
            Map<String, String> changed = changes(previous, current);
            if (!changed.isEmpty()) {
                streams.publish(new EnvironmentKey(current.projectId(), current.environment()),
                        new FlagChanges(FlagChanges.Kind.CHANGED, changed));
            }
        });
    }

    void start(@Observes StartupEvent ignored) {
        listener = registry.listen(vertx, database, FlagEnvironmentEntity.CATALOGUE.channel(),
                config.resyncInterval());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (listener != null) {
            listener.stop();
        }
    }

    /** The environment's current snapshot; the first request for an environment loads it. */
    public Uni<Snapshot> get(String projectId, String environment) {
        return registry.get(new EnvironmentKey(projectId, environment));
    }

    /** Reloads an environment after a change and tells its streams which flags changed. */
    public Uni<Void> refresh(String projectId, String environment) {
        return registry.refresh(new EnvironmentKey(projectId, environment));
    }

    /** Which flags changed and how; a change to shared evaluators or metadata may change every flag. */
    static Map<String, String> changes(Snapshot before, Snapshot after) {
        Map<String, String> changed = new LinkedHashMap<>();
        boolean shared = !Objects.equals(before.evaluators(), after.evaluators())
                || !Objects.equals(before.metadata(), after.metadata());
        after.definitions().forEach((flag, definition) -> {
            String old = before.definitions().get(flag);
            if (old == null) {
                changed.put(flag, "write");
            } else if (shared || !old.equals(definition)) {
                changed.put(flag, "update");
            }
        });
        before.definitions().keySet().forEach(flag -> {
            if (!after.definitions().containsKey(flag)) {
                changed.put(flag, "delete");
            }
        });
        return changed;
    }

    private static Snapshot compile(String projectId, String environment, RowSet<Row> rows) {
        long version = 0;
        String evaluators = "{}";
        String metadata = "{}";
        String schema = null;
        Map<String, String> definitions = new LinkedHashMap<>();
        Map<String, Map<String, Object>> flags = new LinkedHashMap<>();
        try {
            for (Row row : rows) {
                version = row.getLong("version");
                evaluators = row.getString("evaluators");
                metadata = row.getString("metadata");
                schema = row.getString("schema_url");
                String key = row.getString("flag_key");
                if (key != null) {
                    String definition = row.getString("definition");
                    definitions.put(key, definition);
                    flags.put(key, FlagDocument.readObject(definition));
                }
            }
            FlagDocument document = new FlagDocument(schema, flags, FlagDocument.readObject(evaluators),
                    FlagDocument.readObject(metadata));
            return new Snapshot(projectId, environment, version, FlagSet.compile(document), definitions, evaluators,
                    metadata);
        } catch (FlagDocumentException e) {
            throw new IllegalStateException("stored flags of " + projectId + "/" + environment + " are unreadable", e);
        }
    }
}
