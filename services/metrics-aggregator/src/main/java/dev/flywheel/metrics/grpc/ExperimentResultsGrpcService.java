package dev.flywheel.metrics.grpc;

import dev.flywheel.metrics.service.AnalyticsException;
import dev.flywheel.metrics.service.ExperimentHealthService;
import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.ExperimentResultsService;
import dev.flywheel.proto.analytics.v1.GetExperimentHealthRequest;
import dev.flywheel.proto.analytics.v1.VariationUnits;
import dev.flywheel.service.grpc.ProtoValues;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Experiment results over gRPC; for now the exposure health (units per variation and the SRM guard). */
@GrpcService
public class ExperimentResultsGrpcService implements ExperimentResultsService {

    private static final int MAX_KEY = 200;

    private final CallerScope caller;
    private final ExperimentHealthService health;

    public ExperimentResultsGrpcService(CallerScope caller, ExperimentHealthService health) {
        this.caller = caller;
        this.health = health;
    }

    @Override
    public Uni<ExperimentHealth> getExperimentHealth(GetExperimentHealthRequest request) {
        String key = request.getExperimentKey();
        return caller.reader(request.getEnvironment()).chain(scope -> {
            if (key.isEmpty() || key.length() > MAX_KEY) {
                throw AnalyticsException.invalid("experimentKey is required, at most " + MAX_KEY + " characters");
            }
            return health.health(scope, key);
        }).map(found -> {
            if (found == null) {
                throw Status.NOT_FOUND.withDescription("experiment '" + key + "' has no exposures in this "
                        + "environment").asRuntimeException();
            }
            ExperimentHealth.Builder out = ExperimentHealth.newBuilder().setExperimentKey(found.experimentKey())
                    .setTotalUnits(found.totalUnits()).setSrmPValue(found.srm().pValue())
                    .setSampleRatioMismatch(found.srm().mismatch());
            found.variations().forEach(v -> out.addVariations(VariationUnits.newBuilder().setIndex(v.index())
                    .setKey(v.key()).setUnits(v.units()).setExpectedShare(v.expectedShare())
                    .setObservedShare(v.observedShare())));
            if (found.splitAsOf() != null) {
                out.setSplitAsOf(ProtoValues.timestamp(found.splitAsOf()));
            }
            return out.build();
        }).onFailure().transform(CallerScope::toStatus);
    }
}
