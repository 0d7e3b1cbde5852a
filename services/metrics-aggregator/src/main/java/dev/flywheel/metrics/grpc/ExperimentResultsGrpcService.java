package dev.flywheel.metrics.grpc;

import dev.flywheel.metrics.service.ExperimentHealthService;
import dev.flywheel.metrics.service.ExperimentResultsReport;
import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.ExperimentResults;
import dev.flywheel.proto.analytics.v1.ExperimentResultsService;
import dev.flywheel.proto.analytics.v1.GetExperimentHealthRequest;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.proto.analytics.v1.ListUnitVariationsRequest;
import dev.flywheel.proto.analytics.v1.ListUnitVariationsResponse;
import dev.flywheel.proto.analytics.v1.UnitVariation;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.RefusedRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Experiment results over gRPC: the exposure health (units per variation, the SRM guard) and every metric. */
@GrpcService
public class ExperimentResultsGrpcService implements ExperimentResultsService {

    private static final int MAX_KEY = 200;
    private static final int MAX_UNITS = 10_000;

    private final CallerScope caller;
    private final ExperimentHealthService health;
    private final ExperimentResultsReport results;

    public ExperimentResultsGrpcService(CallerScope caller, ExperimentHealthService health,
            ExperimentResultsReport results) {
        this.caller = caller;
        this.health = health;
        this.results = results;
    }

    @Override
    public Uni<ExperimentHealth> getExperimentHealth(GetExperimentHealthRequest request) {
        String key = request.getExperimentKey();
        return caller.reader(request.getEnvironment()).chain(scope -> {
            checkKey(key);
            return health.health(scope, key);
        }).map(found -> ExperimentHealthService.toProto(orNotFound(found, key)))
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ExperimentResults> getExperimentResults(GetExperimentResultsRequest request) {
        String key = request.getExperimentKey();
        return caller.reader(request.getEnvironment()).chain(scope -> {
            checkKey(key);
            return results.results(scope, request);
        }).map(found -> orNotFound(found, key)).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ListUnitVariationsResponse> listUnitVariations(ListUnitVariationsRequest request) {
        String key = request.getExperimentKey();
        return caller.reader(request.getEnvironment()).chain(scope -> {
            checkKey(key);
            if (request.getUnitIdsCount() > MAX_UNITS) {
                throw RefusedRequest.invalid("unitIds: at most " + MAX_UNITS);
            }
            return health.unitVariations(scope, key, request.getUnitIdsList());
        }).map(units -> {
            ListUnitVariationsResponse.Builder out = ListUnitVariationsResponse.newBuilder();
            units.forEach(u -> out.addUnits(UnitVariation.newBuilder().setUnitId(u.unitId())
                    .setVariationIndex(u.index()).setVariationKey(u.key())
                    .setExposedAt(ProtoValues.timestamp(u.exposedAt()))));
            return out.build();
        }).onFailure().transform(CallerScope::toStatus);
    }

    private static void checkKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            throw RefusedRequest.invalid("experimentKey is required, at most " + MAX_KEY + " characters");
        }
    }

    private static <T> T orNotFound(T found, String key) {
        if (found == null) {
            throw Status.NOT_FOUND.withDescription("experiment '" + key + "' has no exposures in this environment")
                    .asRuntimeException();
        }
        return found;
    }
}
