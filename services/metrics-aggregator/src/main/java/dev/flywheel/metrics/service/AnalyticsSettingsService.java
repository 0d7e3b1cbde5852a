package dev.flywheel.metrics.service;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import dev.flywheel.metrics.model.AnalyticsException;
import dev.flywheel.metrics.model.AnalyticsFailure;
import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.metrics.store.RollupWriter;
import dev.flywheel.proto.analytics.v1.AarrrStages;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A project's analytics settings. Changing the time zone re-buckets the project's daily rollups in the same
 * transaction, holding the project's analytics lock so no batch writes with the old zone meanwhile.
 */
@ApplicationScoped
public class AnalyticsSettingsService {

    public static final int MAX_NORTH_STAR_INPUTS = 10;

    private final Pool pool;

    public AnalyticsSettingsService(Pool pool) {
        this.pool = pool;
    }

    public Uni<AnalyticsSettings> get(String projectId) {
        return pool.preparedQuery("SELECT settings, version FROM analytics_settings WHERE project_id = $1")
                .execute(Tuple.of(projectId))
                .map(rows -> rows.size() == 0 ? defaults() : read(rows.iterator().next()));
    }

    public Uni<ZoneId> zone(String projectId) {
        return get(projectId).map(settings -> ZoneId.of(settings.getTimeZone()));
    }

    private static AnalyticsSettings defaults() {
        return AnalyticsSettings.newBuilder().setTimeZone("UTC").build();
    }

    private static AnalyticsSettings read(Row row) {
        try {
            return AnalyticsSettings.parseFrom(row.getBuffer("settings").getBytes()).toBuilder()
                    .setVersion(row.getLong("version")).build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored analytics settings are unreadable", e);
        }
    }

    public Uni<AnalyticsSettings> put(String projectId, AnalyticsSettings settings, long expectedVersion) {
        AnalyticsSettings checked = validate(settings);
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT pg_advisory_xact_lock(hashtext('flywheel.analytics:' || $1))")
                .execute(Tuple.of(projectId))
                .chain(() -> connection.preparedQuery(
                        "SELECT time_zone, version FROM analytics_settings WHERE project_id = $1 FOR UPDATE")
                        .execute(Tuple.of(projectId)))
                .chain(rows -> {
                    Row current = rows.size() == 0 ? null : rows.iterator().next();
                    long version = current == null ? 0 : current.getLong("version");
                    if (expectedVersion != 0 && expectedVersion != version) {
                        return Uni.createFrom().failure(new AnalyticsException(AnalyticsFailure.CONFLICT,
                                "the settings are at version " + version + ", not " + expectedVersion));
                    }
                    String oldZone = current == null ? "UTC" : current.getString("time_zone");
                    AnalyticsSettings stored = checked.toBuilder().setVersion(version + 1).build();
                    return connection.preparedQuery("""
                            INSERT INTO analytics_settings (project_id, time_zone, settings, version, updated_at)
                            VALUES ($1, $2, $3, $4, $5)
                            ON CONFLICT (project_id) DO UPDATE SET time_zone = excluded.time_zone,
                                settings = excluded.settings, version = excluded.version,
                                updated_at = excluded.updated_at""")
                            .execute(Tuple.of(projectId, stored.getTimeZone(),
                                    Buffer.buffer(stored.toBuilder().clearVersion().build()
                                            .toByteArray()),
                                    stored.getVersion(), OffsetDateTime.now(ZoneOffset.UTC)))
                            .chain(() -> oldZone.equals(stored.getTimeZone())
                                    ? Uni.createFrom().voidItem()
                                    : RollupWriter.rebuild(connection, projectId, stored.getTimeZone()))
                            .replaceWith(stored);
                }));
    }

    private static AnalyticsSettings validate(AnalyticsSettings settings) {
        AnalyticsSettings.Builder out = settings.toBuilder().clearVersion();
        String zone = settings.getTimeZone().isEmpty() ? "UTC" : settings.getTimeZone();
        try {
            out.setTimeZone(ZoneId.of(zone).getId());
        } catch (DateTimeException e) {
            throw AnalyticsException.invalid("timeZone: '" + zone + "' is not a time zone (IANA, e.g. Europe/Berlin)");
        }
        if (settings.hasAarrr()) {
            AarrrStages stages = settings.getAarrr();
            QueryMapper.property(stages.getAcquisitionProperty(), "aarrr.acquisitionProperty");
            if (stages.getAcquisitionProperty().startsWith("person.")) {
                throw AnalyticsException.invalid("aarrr.acquisitionProperty: a property of the first event, "
                        + "not of the person");
            }
            QueryMapper.match(stages.getActivation(), "aarrr.activation", true);
            if (stages.getActivationDays() < 0 || stages.getActivationDays() > 365) {
                throw AnalyticsException.invalid("aarrr.activationDays: 0 to 365 (0: the default, 7)");
            }
            if (stages.hasReferral()) {
                QueryMapper.match(stages.getReferral(), "aarrr.referral", true);
            }
            if (stages.hasRevenue()) {
                QueryMapper.match(stages.getRevenue(), "aarrr.revenue", true);
            }
            QueryMapper.property(stages.getRevenueProperty(), "aarrr.revenueProperty");
        }
        if (settings.hasNorthStar()) {
            QueryMapper.metric(settings.getNorthStar(), "northStar");
        } else if (settings.getNorthStarInputsCount() > 0) {
            throw AnalyticsException.invalid("northStarInputs need a northStar");
        }
        if (settings.getNorthStarInputsCount() > MAX_NORTH_STAR_INPUTS) {
            throw AnalyticsException.invalid("northStarInputs: at most " + MAX_NORTH_STAR_INPUTS);
        }
        for (int i = 0; i < settings.getNorthStarInputsCount(); i++) {
            QueryMapper.metric(settings.getNorthStarInputs(i), "northStarInputs[" + i + "]");
        }
        return out.build();
    }
}
