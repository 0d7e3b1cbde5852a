package dev.flywheel.metrics.service;

import java.time.DateTimeException;
import java.time.ZoneId;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.metrics.store.AnalyticsSettingsStore;
import dev.flywheel.proto.analytics.v1.AarrrStages;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.service.grpc.RefusedRequest;
import io.smallrye.mutiny.Uni;

/**
 * A project's analytics settings, checked as a whole before {@link AnalyticsSettingsStore} keeps them: the time
 * zone, the AARRR stages and the North Star metric with its inputs.
 */
@ApplicationScoped
public class AnalyticsSettingsService {

    public static final int MAX_NORTH_STAR_INPUTS = 10;

    private final AnalyticsSettingsStore store;

    public AnalyticsSettingsService(AnalyticsSettingsStore store) {
        this.store = store;
    }

    public Uni<AnalyticsSettings> get(String projectId) {
        return store.get(projectId).map(stored -> stored == null ? defaults() : stored);
    }

    public Uni<ZoneId> zone(String projectId) {
        return get(projectId).map(settings -> ZoneId.of(settings.getTimeZone()));
    }

    private static AnalyticsSettings defaults() {
        return AnalyticsSettings.newBuilder().setTimeZone("UTC").build();
    }

    public Uni<AnalyticsSettings> put(String projectId, AnalyticsSettings settings, long expectedVersion) {
        return store.replace(projectId, validate(settings), expectedVersion);
    }

    private static AnalyticsSettings validate(AnalyticsSettings settings) {
        AnalyticsSettings.Builder out = settings.toBuilder().clearVersion();
        String zone = settings.getTimeZone().isEmpty() ? "UTC" : settings.getTimeZone();
        try {
            out.setTimeZone(ZoneId.of(zone).getId());
        } catch (DateTimeException e) {
            throw RefusedRequest.invalid("timeZone: '" + zone + "' is not a time zone (IANA, e.g. Europe/Berlin)");
        }
        if (settings.hasAarrr()) {
            AarrrStages stages = settings.getAarrr();
            QueryMapper.property(stages.getAcquisitionProperty(), "aarrr.acquisitionProperty");
            if (stages.getAcquisitionProperty().startsWith("person.")) {
                throw RefusedRequest.invalid("aarrr.acquisitionProperty: a property of the first event, "
                        + "not of the person");
            }
            QueryMapper.match(stages.getActivation(), "aarrr.activation", true);
            if (stages.getActivationDays() < 0 || stages.getActivationDays() > 365) {
                throw RefusedRequest.invalid("aarrr.activationDays: 0 to 365 (0: the default, 7)");
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
            throw RefusedRequest.invalid("northStarInputs need a northStar");
        }
        if (settings.getNorthStarInputsCount() > MAX_NORTH_STAR_INPUTS) {
            throw RefusedRequest.invalid("northStarInputs: at most " + MAX_NORTH_STAR_INPUTS);
        }
        for (int i = 0; i < settings.getNorthStarInputsCount(); i++) {
            QueryMapper.metric(settings.getNorthStarInputs(i), "northStarInputs[" + i + "]");
        }
        return out.build();
    }
}
