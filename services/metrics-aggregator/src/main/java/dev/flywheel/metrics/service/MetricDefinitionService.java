package dev.flywheel.metrics.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.metrics.mapping.MetricDefinitions;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** A project's experiment metrics, versioned: create, replace (optionally conditional), read, delete. */
@ApplicationScoped
public class MetricDefinitionService {

    /** Metrics per project, at most: each one costs per-unit state for every running experiment. */
    public static final int MAX_METRICS = 200;

    private final Pool pool;

    public MetricDefinitionService(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<ExperimentMetric>> list(String projectId) {
        return pool.preparedQuery("SELECT definition, version FROM experiment_metric WHERE project_id = $1"
                + " ORDER BY metric_key").execute(Tuple.of(projectId)).map(rows -> {
                    List<ExperimentMetric> out = new ArrayList<>();
                    rows.forEach(row -> out.add(read(row)));
                    return out;
                });
    }

    public Uni<ExperimentMetric> get(String projectId, String key) {
        return pool.preparedQuery("SELECT definition, version FROM experiment_metric WHERE project_id = $1"
                + " AND metric_key = $2").execute(Tuple.of(projectId, key)).map(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(key);
                    }
                    return read(rows.iterator().next());
                });
    }

    /**
     * @param expectedVersion
     *            0: any; -1: create only; else the version last read
     */
    public Uni<ExperimentMetric> put(String projectId, ExperimentMetric metric, long expectedVersion) {
        ExperimentMetric checked = MetricDefinitions.validate(metric);
        // Changes to one project's metrics are serialised: the count limit and create-only writes stay exact.
        return pool.withTransaction(connection -> connection.preparedQuery("""
                SELECT pg_advisory_xact_lock(hashtext('flywheel.metrics:' || $1)),
                       (SELECT version FROM experiment_metric WHERE project_id = $1 AND metric_key = $2),
                       (SELECT count(*) FROM experiment_metric WHERE project_id = $1)""")
                .execute(Tuple.of(projectId, checked.getKey())).chain(rows -> {
                    Row row = rows.iterator().next();
                    Long current = row.getLong(1);
                    long count = row.getLong(2);
                    if (expectedVersion == -1 && current != null) {
                        throw new AnalyticsException(AnalyticsFailure.CONFLICT, "metric '" + checked.getKey()
                                + "' exists already");
                    }
                    if (expectedVersion > 0 && (current == null || current != expectedVersion)) {
                        throw new AnalyticsException(AnalyticsFailure.CONFLICT, "metric '" + checked.getKey()
                                + "' is at version " + (current == null ? "none" : current) + ", not "
                                + expectedVersion);
                    }
                    if (current == null && count >= MAX_METRICS) {
                        throw AnalyticsException.invalid("a project has at most " + MAX_METRICS + " metrics");
                    }
                    long version = current == null ? 1 : current + 1;
                    return connection.preparedQuery("""
                            INSERT INTO experiment_metric (project_id, metric_key, definition, version, updated_at)
                            VALUES ($1, $2, $3, $4, $5)
                            ON CONFLICT (project_id, metric_key) DO UPDATE SET definition = excluded.definition,
                                version = excluded.version, updated_at = excluded.updated_at""")
                            .execute(Tuple.of(projectId, checked.getKey(), Buffer.buffer(checked.toByteArray()),
                                    version, OffsetDateTime.now(ZoneOffset.UTC)))
                            .replaceWith(checked.toBuilder().setVersion(version).build());
                }));
    }

    public Uni<Void> delete(String projectId, String key, long expectedVersion) {
        return pool.preparedQuery("DELETE FROM experiment_metric WHERE project_id = $1 AND metric_key = $2"
                + " AND ($3 = 0 OR version = $3) RETURNING version").execute(Tuple.of(projectId, key,
                        expectedVersion))
                .chain(rows -> rows.size() > 0
                        ? Uni.createFrom().voidItem()
                        : get(projectId, key).map(existing -> {
                            throw new AnalyticsException(AnalyticsFailure.CONFLICT, "metric '" + key
                                    + "' is at version " + existing.getVersion() + ", not "
                                    + expectedVersion);
                        }));
    }

    private static ExperimentMetric read(Row row) {
        try {
            return ExperimentMetric.parseFrom(row.getBuffer("definition").getBytes()).toBuilder()
                    .setVersion(row.getLong("version")).build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a stored metric definition is unreadable", e);
        }
    }

    private static AnalyticsException notFound(String key) {
        return new AnalyticsException(AnalyticsFailure.NOT_FOUND, "no metric '" + key + "'");
    }
}
