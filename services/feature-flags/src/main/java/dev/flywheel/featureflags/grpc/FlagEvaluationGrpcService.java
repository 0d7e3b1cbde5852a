package dev.flywheel.featureflags.grpc;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.flywheel.featureflags.service.FlagSnapshots.Snapshot;
import dev.flywheel.flags.FlagType;
import dev.flywheel.flags.Resolution;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.flags.v1.EvaluateFlagsRequest;
import dev.flywheel.proto.flags.v1.EvaluateFlagsResponse;
import dev.flywheel.proto.flags.v1.FlagEvaluation;
import dev.flywheel.proto.flags.v1.FlagEvaluationService;
import dev.flywheel.service.grpc.ProtoValues;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/**
 * Evaluation for OFREP at the gateway (client keys from browsers, server keys): one flag or all, with the engine's
 * error codes as data rather than statuses, because OFREP reports them per flag.
 */
@GrpcService
public class FlagEvaluationGrpcService implements FlagEvaluationService {

    private static final Set<KeyKind> EVALUATION_KEYS = EnumSet.of(KeyKind.KEY_KIND_CLIENT, KeyKind.KEY_KIND_SERVER);

    private final FlagdResolver resolver;

    public FlagEvaluationGrpcService(FlagdResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Uni<EvaluateFlagsResponse> evaluateFlags(EvaluateFlagsRequest request) {
        Uni<Snapshot> environment = request.getEnvironment().isEmpty()
                ? resolver.callerSnapshot(EVALUATION_KEYS, "evaluate flags")
                : resolver.adminSnapshot(request.getEnvironment());
        return environment.map(snapshot -> {
            Map<String, Object> context = ProtoValues.toMap(request.getContext());
            List<Resolution> resolutions = request.getKey().isEmpty()
                    ? snapshot.flags().resolveAll(context, resolver.nowSeconds())
                    : List.of(snapshot.flags().resolve(request.getKey(), FlagType.ANY, context,
                            resolver.nowSeconds()));
            EvaluateFlagsResponse.Builder answer = EvaluateFlagsResponse.newBuilder()
                    .setMetadata(ProtoValues.toStruct(snapshot.flags().metadata()))
                    .setEnvironmentVersion(snapshot.version());
            for (Resolution r : resolutions) {
                answer.addFlags(evaluation(r));
            }
            return answer.build();
        });
    }

    private static FlagEvaluation evaluation(Resolution r) {
        FlagEvaluation.Builder flag = FlagEvaluation.newBuilder().setKey(r.flagKey()).setReason(r.reason())
                .setMetadata(FlagdResolver.metadata(r));
        if (r.failed()) {
            flag.setErrorCode(r.error().name()).setErrorMessage(r.errorMessage());
        } else if (r.hasValue()) {
            flag.setHasValue(true).setVariant(r.variant()).setValue(ProtoValues.toValue(r.value()));
        }
        return flag.build();
    }
}
