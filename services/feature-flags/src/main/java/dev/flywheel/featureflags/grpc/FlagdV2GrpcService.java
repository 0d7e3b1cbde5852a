package dev.flywheel.featureflags.grpc;

import java.util.Map;

import dev.flywheel.flags.FlagType;
import dev.flywheel.proto.flagd.evaluation.v2.EventStreamRequest;
import dev.flywheel.proto.flagd.evaluation.v2.EventStreamResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveBooleanRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveBooleanResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveFloatRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveFloatResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveIntRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveIntResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveObjectRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveObjectResponse;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveStringRequest;
import dev.flywheel.proto.flagd.evaluation.v2.ResolveStringResponse;
import dev.flywheel.proto.flagd.evaluation.v2.Service;
import dev.flywheel.service.grpc.ProtoValues;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * flagd.evaluation.v2.Service: value and variant are left unset when the caller's code default applies (a disabled
 * flag, or no default variant and no match).
 */
@GrpcService
public class FlagdV2GrpcService implements Service {

    private final FlagdResolver resolver;

    public FlagdV2GrpcService(FlagdResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Uni<ResolveBooleanResponse> resolveBoolean(ResolveBooleanRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.BOOLEAN, request.getContext()).map(r -> {
            FlagdResolver.throwIfFailed(r);
            ResolveBooleanResponse.Builder answer = ResolveBooleanResponse.newBuilder().setReason(r.reason())
                    .setMetadata(FlagdResolver.metadata(r));
            if (r.hasValue()) {
                answer.setValue((Boolean) r.value()).setVariant(r.variant());
            }
            return answer.build();
        });
    }

    @Override
    public Uni<ResolveStringResponse> resolveString(ResolveStringRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.STRING, request.getContext()).map(r -> {
            FlagdResolver.throwIfFailed(r);
            ResolveStringResponse.Builder answer = ResolveStringResponse.newBuilder().setReason(r.reason())
                    .setMetadata(FlagdResolver.metadata(r));
            if (r.hasValue()) {
                answer.setValue((String) r.value()).setVariant(r.variant());
            }
            return answer.build();
        });
    }

    @Override
    public Uni<ResolveFloatResponse> resolveFloat(ResolveFloatRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.FLOAT, request.getContext()).map(r -> {
            FlagdResolver.throwIfFailed(r);
            ResolveFloatResponse.Builder answer = ResolveFloatResponse.newBuilder().setReason(r.reason())
                    .setMetadata(FlagdResolver.metadata(r));
            if (r.hasValue()) {
                answer.setValue(((Number) r.value()).doubleValue()).setVariant(r.variant());
            }
            return answer.build();
        });
    }

    @Override
    public Uni<ResolveIntResponse> resolveInt(ResolveIntRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.INTEGER, request.getContext()).map(r -> {
            FlagdResolver.throwIfFailed(r);
            ResolveIntResponse.Builder answer = ResolveIntResponse.newBuilder().setReason(r.reason())
                    .setMetadata(FlagdResolver.metadata(r));
            if (r.hasValue()) {
                answer.setValue((long) ((Number) r.value()).doubleValue()).setVariant(r.variant());
            }
            return answer.build();
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public Uni<ResolveObjectResponse> resolveObject(ResolveObjectRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.OBJECT, request.getContext()).map(r -> {
            FlagdResolver.throwIfFailed(r);
            ResolveObjectResponse.Builder answer = ResolveObjectResponse.newBuilder().setReason(r.reason())
                    .setMetadata(FlagdResolver.metadata(r));
            if (r.hasValue()) {
                answer.setValue(ProtoValues.toStruct((Map<String, Object>) r.value())).setVariant(r.variant());
            }
            return answer.build();
        });
    }

    @Override
    public Multi<EventStreamResponse> eventStream(EventStreamRequest request) {
        return resolver.changes().map(changes -> EventStreamResponse.newBuilder()
                .setType(FlagdResolver.eventType(changes)).setData(FlagdResolver.changeData(changes)).build());
    }

}
