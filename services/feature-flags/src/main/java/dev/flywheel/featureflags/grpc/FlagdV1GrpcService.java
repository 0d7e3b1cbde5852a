package dev.flywheel.featureflags.grpc;

import java.util.Map;

import com.google.protobuf.Struct;

import dev.flywheel.flags.FlagType;
import dev.flywheel.flags.Reason;
import dev.flywheel.flags.Resolution;
import dev.flywheel.proto.flagd.evaluation.v1.AnyFlag;
import dev.flywheel.proto.flagd.evaluation.v1.EventStreamRequest;
import dev.flywheel.proto.flagd.evaluation.v1.EventStreamResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveAllRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveAllResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveBooleanResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveFloatRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveFloatResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveIntRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveIntResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveObjectRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveObjectResponse;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveStringRequest;
import dev.flywheel.proto.flagd.evaluation.v1.ResolveStringResponse;
import dev.flywheel.proto.flagd.evaluation.v1.Service;
import dev.flywheel.service.grpc.ProtoValues;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * flagd.evaluation.v1.Service, as flagd 0.16 answers it: a disabled flag gives the zero value with variant "",
 * and a flag with no default variant and no match is NOT_FOUND (v1 cannot say "no value").
 */
@GrpcService
public class FlagdV1GrpcService implements Service {

    private final FlagdResolver resolver;

    public FlagdV1GrpcService(FlagdResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Uni<ResolveBooleanResponse> resolveBoolean(ResolveBooleanRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.BOOLEAN, request.getContext()).map(r -> {
            check(r);
            return ResolveBooleanResponse.newBuilder().setValue(r.hasValue() && (Boolean) r.value())
                    .setReason(r.reason()).setVariant(variant(r)).setMetadata(FlagdResolver.metadata(r)).build();
        });
    }

    @Override
    public Uni<ResolveStringResponse> resolveString(ResolveStringRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.STRING, request.getContext()).map(r -> {
            check(r);
            return ResolveStringResponse.newBuilder().setValue(r.hasValue() ? (String) r.value() : "")
                    .setReason(r.reason()).setVariant(variant(r)).setMetadata(FlagdResolver.metadata(r)).build();
        });
    }

    @Override
    public Uni<ResolveFloatResponse> resolveFloat(ResolveFloatRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.FLOAT, request.getContext()).map(r -> {
            check(r);
            return ResolveFloatResponse.newBuilder().setValue(r.hasValue() ? ((Number) r.value()).doubleValue() : 0)
                    .setReason(r.reason()).setVariant(variant(r)).setMetadata(FlagdResolver.metadata(r)).build();
        });
    }

    @Override
    public Uni<ResolveIntResponse> resolveInt(ResolveIntRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.INTEGER, request.getContext()).map(r -> {
            check(r);
            // a float variant is truncated, as flagd does
            return ResolveIntResponse.newBuilder()
                    .setValue(r.hasValue() ? (long) ((Number) r.value()).doubleValue() : 0)
                    .setReason(r.reason()).setVariant(variant(r)).setMetadata(FlagdResolver.metadata(r)).build();
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public Uni<ResolveObjectResponse> resolveObject(ResolveObjectRequest request) {
        return resolver.resolve(request.getFlagKey(), FlagType.OBJECT, request.getContext()).map(r -> {
            check(r);
            return ResolveObjectResponse.newBuilder()
                    .setValue(r.hasValue()
                            ? ProtoValues.toStruct((Map<String, Object>) r.value())
                            : Struct.getDefaultInstance())
                    .setReason(r.reason()).setVariant(variant(r)).setMetadata(FlagdResolver.metadata(r)).build();
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public Uni<ResolveAllResponse> resolveAll(ResolveAllRequest request) {
        return resolver.callerSnapshot().map(snapshot -> {
            ResolveAllResponse.Builder all = ResolveAllResponse.newBuilder()
                    .setMetadata(ProtoValues.toStruct(snapshot.flags().metadata()));
            for (Resolution r : snapshot.flags().resolveAll(ProtoValues.toMap(request.getContext()),
                    resolver.nowSeconds())) {
                AnyFlag.Builder flag = AnyFlag.newBuilder().setReason(r.reason())
                        .setMetadata(FlagdResolver.metadata(r));
                if (r.failed()) {
                    all.putFlags(r.flagKey(), flag.build());
                    continue;
                }
                if (!r.hasValue()) {
                    continue; // disabled, or no default variant and no match: the client's default applies
                }
                flag.setVariant(r.variant());
                Object value = r.value();
                if (value instanceof Boolean b) {
                    flag.setBoolValue(b);
                } else if (value instanceof String s) {
                    flag.setStringValue(s);
                } else if (value instanceof Number n) {
                    flag.setDoubleValue(n.doubleValue());
                } else {
                    flag.setObjectValue(ProtoValues.toStruct((Map<String, Object>) value));
                }
                all.putFlags(r.flagKey(), flag.build());
            }
            return all.build();
        });
    }

    @Override
    public Multi<EventStreamResponse> eventStream(EventStreamRequest request) {
        return resolver.changes().map(changes -> EventStreamResponse.newBuilder()
                .setType(FlagdResolver.eventType(changes)).setData(FlagdResolver.changeData(changes)).build());
    }

    private static void check(Resolution r) {
        FlagdResolver.throwIfFailed(r);
        if (!r.hasValue() && !Reason.DISABLED.equals(r.reason())) {
            throw Status.NOT_FOUND.withDescription("flag '" + r.flagKey()
                    + "' has no default variant and no targeting rule matched").asRuntimeException();
        }
    }

    private static String variant(Resolution r) {
        return r.variant() == null ? "" : r.variant();
    }
}
