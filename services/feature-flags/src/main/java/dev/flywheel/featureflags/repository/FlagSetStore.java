package dev.flywheel.featureflags.repository;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.service.catalogue.EnvironmentKey;
import dev.flywheel.service.catalogue.SnapshotRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** An environment's whole flag set as evaluation snapshots load it, in one statement (read consistently). */
@ApplicationScoped
public class FlagSetStore {

    private static final String ENVIRONMENTS = "feature_flags.flag_environment";
    private static final String LOAD = """
            SELECT e.version, e.evaluators, e.metadata, e.schema_url, f.flag_key, f.definition
            FROM feature_flags.flag_environment e
            LEFT JOIN feature_flags.flag f ON f.environment_id = e.id
            WHERE e.project_id = $1 AND e.environment = $2
            ORDER BY f.position, f.flag_key""";

    /** The flag set at one environment version: definitions by key in document order, shared parts as JSON text. */
    public record StoredFlagSet(long version, String evaluators, String metadata, String schemaUrl,
            Map<String, String> definitions) {
    }

    private final Pool pool;

    public FlagSetStore(Pool pool) {
        this.pool = pool;
    }

    /** The environment's flag set; version 0 and nothing in it when the environment has none yet. */
    public Uni<StoredFlagSet> load(EnvironmentKey key) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(key.projectId(), key.environment())).map(rows -> {
            long version = 0;
            String evaluators = "{}";
            String metadata = "{}";
            String schema = null;
            Map<String, String> definitions = new LinkedHashMap<>();
            for (Row row : rows) {
                version = row.getLong("version");
                evaluators = row.getString("evaluators");
                metadata = row.getString("metadata");
                schema = row.getString("schema_url");
                String flag = row.getString("flag_key");
                if (flag != null) {
                    definitions.put(flag, row.getString("definition"));
                }
            }
            return new StoredFlagSet(version, evaluators, metadata, schema, definitions);
        });
    }

    public Uni<SnapshotRegistry.Version> version(EnvironmentKey key) {
        return SnapshotRegistry.environmentVersion(pool, ENVIRONMENTS).apply(key);
    }
}
