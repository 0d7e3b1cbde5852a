package dev.flywheel.featureflags.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagSet;
import dev.flywheel.service.cache.SingleFlight;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The in-memory evaluation snapshot of each environment a caller asked for: its flags compiled once, replaced
 * whole when the environment changes (a PostgreSQL notification reaches every replica), so evaluation never touches
 * the database and never sees half a change.
 */
@ApplicationScoped
public class FlagSnapshots {

    private static final Logger LOG = Logger.getLogger(FlagSnapshots.class);

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
    private final FlagChangeStreams streams;
    private final Map<String, Snapshot> ready = new ConcurrentHashMap<>();
    private final SingleFlight<String, Snapshot> loads = new SingleFlight<>();

    public FlagSnapshots(Pool pool, FlagChangeStreams streams) {
        this.pool = pool;
        this.streams = streams;
    }

    static String key(String projectId, String environment) {
        return projectId + "/" + environment;
    }

    /** The environment's current snapshot; the first request for an environment loads it. */
    public Uni<Snapshot> get(String projectId, String environment) {
        String key = key(projectId, environment);
        Snapshot snapshot = ready.get(key);
        if (snapshot != null) {
            return Uni.createFrom().item(snapshot);
        }
        // concurrent first requests for an environment share one load
        return loads.run(key, () -> load(projectId, environment).map(loaded -> {
            install(key, loaded);
            return ready.get(key);
        }));
    }

    /** Reloads an environment after a change notification and tells its streams which flags changed. */
    public Uni<Void> refresh(String projectId, String environment) {
        String key = key(projectId, environment);
        if (!ready.containsKey(key)) {
            return Uni.createFrom().voidItem();
        }
        return load(projectId, environment).invoke(loaded -> install(key, loaded)).replaceWithVoid();
    }

    /**
     * Reloads every cached environment whose version moved (after a lost connection to the notification channel,
     * or periodically); an unchanged environment costs one version read, not a reload and recompilation.
     */
    public Uni<Void> refreshAll() {
        if (ready.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(ready.values().stream().map(this::refreshIfStale).toList())
                .usingConcurrencyOf(4).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("Could not refresh flag snapshots: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> refreshIfStale(Snapshot cached) {
        return pool.preparedQuery(VERSION).execute(Tuple.of(cached.projectId(), cached.environment()))
                .flatMap(rows -> {
                    Iterator<Row> row = rows.iterator();
                    long version = row.hasNext() ? row.next().getLong(0) : 0;
                    return version > cached.version()
                            ? refresh(cached.projectId(), cached.environment())
                            : Uni.createFrom().voidItem();
                });
    }

    private synchronized void install(String key, Snapshot loaded) {
        Snapshot previous = ready.get(key);
        if (previous != null && previous.version() >= loaded.version()) {
            return;
        }
        ready.put(key, loaded);
        if (previous != null) {
            Map<String, String> changed = changes(previous, loaded);
            if (!changed.isEmpty()) {
                streams.publish(key, new FlagChanges(FlagChanges.Kind.CHANGED, changed));
            }
        }
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

    private Uni<Snapshot> load(String projectId, String environment) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(projectId, environment))
                .map(rows -> compile(projectId, environment, rows));
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
