package dev.flywheel.featureflags.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.inject.Singleton;

import dev.flywheel.featureflags.config.FlagsConfig;
import dev.flywheel.featureflags.repository.FlagEnvironmentEntity;
import dev.flywheel.flags.FlagDocument;
import dev.flywheel.flags.FlagDocumentException;
import dev.flywheel.flags.FlagSet;
import dev.flywheel.service.catalogue.CatalogueSnapshots;
import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import dev.flywheel.service.config.DataSourceAddress;
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
@Singleton
public class FlagSnapshots extends CatalogueSnapshots<FlagSnapshots.Snapshot> {

    // one statement, so the environment row and its flags are read consistently
    private static final String LOAD = """
            SELECT e.version, e.evaluators, e.metadata, e.schema_url, f.flag_key, f.definition
            FROM feature_flags.flag_environment e
            LEFT JOIN feature_flags.flag f ON f.environment_id = e.id
            WHERE e.project_id = $1 AND e.environment = $2
            ORDER BY f.position, f.flag_key""";

    /** An environment's compiled flags at one version. */
    public record Snapshot(String projectId, String environment, long version, FlagSet flags,
            Map<String, String> definitions, String evaluators, String metadata) {
    }

    public FlagSnapshots(Pool pool, FlagChangeStreams streams, Vertx vertx, DataSourceAddress database,
            FlagsConfig config) {
        super(new SnapshotRegistry<>("flags", SnapshotRegistry.Source.of(
                key -> pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment()))
                        .map(rows -> compile(key.projectId(), key.environment(), rows)),
                SnapshotRegistry.environmentVersion(pool, "feature_flags.flag_environment"),
                snapshot -> new SnapshotRegistry.Version(snapshot.version(), 0)),
                (previous, current) -> {
                    Map<String, String> changed = changes(previous, current);
                    if (!changed.isEmpty()) {
                        streams.publish(new EnvironmentKey(current.projectId(), current.environment()),
                                new FlagChanges(FlagChanges.Kind.CHANGED, changed));
                    }
                }), FlagEnvironmentEntity.CATALOGUE, vertx, database, config.resyncInterval());
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
