package dev.flywheel.metrics.service;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.metrics.mapping.MetricDefinitions;
import dev.flywheel.metrics.store.MetricValueWriter;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
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
        // Changes to one project's metrics are serialised: the count limit and create-only writes stay exact. The
        // project's analytics lock (exclusive) waits for batches in flight, which compute with the old definition;
        // batches after this one see the new one.
        return pool.withTransaction(connection -> connection.preparedQuery("""
                SELECT pg_advisory_xact_lock(hashtext('flywheel.metrics:' || $1)),
                       pg_advisory_xact_lock(hashtext('flywheel.analytics:' || $1)),
                       (SELECT version FROM experiment_metric WHERE project_id = $1 AND metric_key = $2),
                       (SELECT definition FROM experiment_metric WHERE project_id = $1 AND metric_key = $2),
                       (SELECT count(*) FROM experiment_metric WHERE project_id = $1),
                       EXISTS (SELECT 1 FROM experiment_exposure WHERE project_id = $1)""")
                .execute(Tuple.of(projectId, checked.getKey())).chain(rows -> {
                    Row row = rows.iterator().next();
                    Long current = row.getLong(2);
                    long count = row.getLong(4);
                    // Without exposures in the project there is nothing to backfill.
                    boolean exposed = row.getBoolean(5);
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
                    // Renaming keeps the values; anything that changes what is computed starts them again.
                    boolean sameComputation = current != null && computed(MetricValueWriter.parse(
                            row.getBuffer(3).getBytes())).equals(computed(checked));
                    Uni<Void> reset = sameComputation
                            ? Uni.createFrom().voidItem()
                            : forget(connection, projectId, checked.getKey());
                    return reset.chain(() -> connection.preparedQuery("""
                            INSERT INTO experiment_metric (project_id, metric_key, definition, version, updated_at,
                                                           rebuild_cursor)
                            VALUES ($1, $2, $3, $4, $5, $6)
                            ON CONFLICT (project_id, metric_key) DO UPDATE SET definition = excluded.definition,
                                version = excluded.version, updated_at = excluded.updated_at,
                                rebuild_cursor = CASE WHEN $7 THEN experiment_metric.rebuild_cursor
                                                      ELSE excluded.rebuild_cursor END""")
                            .execute(Tuple.from(new Object[]{projectId, checked.getKey(),
                                    Buffer.buffer(checked.toByteArray()), version, OffsetDateTime.now(ZoneOffset.UTC),
                                    exposed ? "" : null, sameComputation})))
                            .replaceWith(checked.toBuilder().setVersion(version).build());
                }));
    }

    public Uni<Void> delete(String projectId, String key, long expectedVersion) {
        return pool.withTransaction(connection -> connection.preparedQuery("""
                SELECT pg_advisory_xact_lock(hashtext('flywheel.metrics:' || $1)),
                       pg_advisory_xact_lock(hashtext('flywheel.analytics:' || $1))""")
                .execute(Tuple.of(projectId))
                .chain(() -> connection.preparedQuery("DELETE FROM experiment_metric WHERE project_id = $1"
                        + " AND metric_key = $2 AND ($3 = 0 OR version = $3) RETURNING version")
                        .execute(Tuple.of(projectId, key, expectedVersion)))
                .chain(rows -> rows.size() > 0
                        ? forget(connection, projectId, key)
                        : get(projectId, key).map(existing -> {
                            throw new AnalyticsException(AnalyticsFailure.CONFLICT, "metric '" + key
                                    + "' is at version " + existing.getVersion() + ", not "
                                    + expectedVersion);
                        })));
    }

    /** What decides a metric's values: the definition without its name and version. */
    private static ExperimentMetric computed(ExperimentMetric metric) {
        return metric.toBuilder().clearName().clearVersion().build();
    }

    /** Drops a metric's per-unit values and sums (a changed or deleted definition). */
    private static Uni<Void> forget(SqlConnection connection, String projectId, String key) {
        Tuple args = Tuple.of(projectId, key);
        return connection.preparedQuery("DELETE FROM experiment_unit_metric WHERE project_id = $1 AND metric_key = $2")
                .execute(args)
                .chain(() -> connection.preparedQuery("DELETE FROM experiment_metric_stats WHERE project_id = $1"
                        + " AND metric_key = $2").execute(args))
                .chain(() -> connection.preparedQuery("DELETE FROM experiment_metric_capped WHERE project_id = $1"
                        + " AND metric_key = $2").execute(args))
                .replaceWithVoid();
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
