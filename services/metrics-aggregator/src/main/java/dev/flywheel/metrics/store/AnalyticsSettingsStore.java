package dev.flywheel.metrics.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A project's analytics settings (flywheel.analytics.v1.AnalyticsSettings as protobuf bytes, versioned). Changing
 * the time zone re-buckets the project's daily rollups in the same transaction, holding the project's analytics
 * lock so no batch writes with the old zone meanwhile.
 */
@ApplicationScoped
public class AnalyticsSettingsStore {

    private static final String READ = "SELECT settings, version FROM analytics_settings WHERE project_id = $1";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('flywheel.analytics:' || $1))";
    private static final String CURRENT = "SELECT time_zone, version FROM analytics_settings WHERE project_id = $1"
            + " FOR UPDATE";
    private static final String WRITE = """
            INSERT INTO analytics_settings (project_id, time_zone, settings, version, updated_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (project_id) DO UPDATE SET time_zone = excluded.time_zone,
                settings = excluded.settings, version = excluded.version,
                updated_at = excluded.updated_at""";

    private final Pool pool;

    public AnalyticsSettingsStore(Pool pool) {
        this.pool = pool;
    }

    /** The stored settings with their version, null when the project has none. */
    public Uni<AnalyticsSettings> get(String projectId) {
        return pool.preparedQuery(READ).execute(Tuple.of(projectId))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next()));
    }

    /**
     * Replaces the settings when they are at {@code expectedVersion} (0: any); returns them at their new version.
     *
     * @throws RefusedRequest
     *             CONFLICT when they moved on
     */
    public Uni<AnalyticsSettings> replace(String projectId, AnalyticsSettings settings, long expectedVersion) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK).execute(Tuple.of(projectId))
                .chain(() -> connection.preparedQuery(CURRENT).execute(Tuple.of(projectId)))
                .chain(rows -> {
                    Row current = rows.size() == 0 ? null : rows.iterator().next();
                    long version = current == null ? 0 : current.getLong("version");
                    if (expectedVersion != 0 && expectedVersion != version) {
                        return Uni.createFrom().failure(new RefusedRequest(Refusal.CONFLICT,
                                "the settings are at version " + version + ", not " + expectedVersion));
                    }
                    String oldZone = current == null ? "UTC" : current.getString("time_zone");
                    AnalyticsSettings stored = settings.toBuilder().setVersion(version + 1).build();
                    return connection.preparedQuery(WRITE)
                            .execute(Tuple.of(projectId, stored.getTimeZone(),
                                    Buffer.buffer(stored.toBuilder().clearVersion().build().toByteArray()),
                                    stored.getVersion(), OffsetDateTime.now(ZoneOffset.UTC)))
                            .chain(() -> oldZone.equals(stored.getTimeZone())
                                    ? Uni.createFrom().voidItem()
                                    : RollupWriter.rebuild(connection, projectId, stored.getTimeZone()))
                            .replaceWith(stored);
                }));
    }

    private static AnalyticsSettings read(Row row) {
        try {
            return AnalyticsSettings.parseFrom(row.getBuffer("settings").getBytes()).toBuilder()
                    .setVersion(row.getLong("version")).build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored analytics settings are unreadable", e);
        }
    }
}
