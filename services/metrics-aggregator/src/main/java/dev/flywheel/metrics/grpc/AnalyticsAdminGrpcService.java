package dev.flywheel.metrics.grpc;

import dev.flywheel.metrics.service.AnalyticsSettingsService;
import dev.flywheel.proto.analytics.v1.AnalyticsAdminService;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.proto.analytics.v1.GetAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.PutAnalyticsSettingsRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** A project's analytics settings over gRPC, with an admin key. */
@GrpcService
public class AnalyticsAdminGrpcService implements AnalyticsAdminService {

    private final CallerScope caller;
    private final AnalyticsSettingsService settings;

    public AnalyticsAdminGrpcService(CallerScope caller, AnalyticsSettingsService settings) {
        this.caller = caller;
        this.settings = settings;
    }

    @Override
    public Uni<AnalyticsSettings> getSettings(GetAnalyticsSettingsRequest request) {
        return caller.admin().chain(admin -> settings.get(admin.projectId())).onFailure()
                .transform(CallerScope::toStatus);
    }

    @Override
    public Uni<AnalyticsSettings> putSettings(PutAnalyticsSettingsRequest request) {
        return caller.admin().chain(admin -> settings.put(admin.projectId(), request.getSettings(),
                request.getExpectedVersion())).onFailure().transform(CallerScope::toStatus);
    }
}
