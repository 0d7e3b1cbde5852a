package dev.flywheel.featureflags.grpc;

import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Struct;

import dev.flywheel.featureflags.service.FlagChangeStreams;
import dev.flywheel.featureflags.service.FlagChanges;
import dev.flywheel.featureflags.service.FlagSnapshots;
import dev.flywheel.featureflags.service.FlagSnapshots.Snapshot;
import dev.flywheel.flags.ErrorCode;
import dev.flywheel.flags.FlagType;
import dev.flywheel.flags.Resolution;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.service.auth.CallerKeyInterceptor;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.tenancy.Environments;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What both flagd protocol versions share: the caller's server key selects the environment (ADR 0003), the
 * environment's snapshot answers, and engine error codes become the gRPC statuses flagd's providers expect.
 */
@ApplicationScoped
public class FlagdResolver {

    private static final Set<KeyKind> EVALUATION_KEYS = EnumSet.of(KeyKind.KEY_KIND_SERVER);
    private static final String SYNC = "sync flags (a synced configuration holds every rule and variant)";
    private static final int MAX_SELECTOR = 1024;

    private final KeyAuthenticator authenticator;
    private final FlagSnapshots snapshots;
    private final FlagChangeStreams streams;
    private final Clock clock = Clock.systemUTC();

    public FlagdResolver(KeyAuthenticator authenticator, FlagSnapshots snapshots, FlagChangeStreams streams) {
        this.authenticator = authenticator;
        this.snapshots = snapshots;
        this.streams = streams;
    }

    public Uni<Snapshot> callerSnapshot() {
        return callerSnapshot(EVALUATION_KEYS, "evaluate flags over the flagd protocol");
    }

    /** The snapshot of the environment the caller's key selects, once the key is one of {@code allowed}. */
    public Uni<Snapshot> callerSnapshot(Set<KeyKind> allowed, String action) {
        String connection = CallerKeyInterceptor.CONNECTION.get();
        return authenticator.authenticateCaller(allowed, action)
                .invoke(key -> streams.bind(connection, key.getKeyId(), key.getScope().getProjectId(),
                        key.getScope().getEnvironment()))
                .flatMap(this::snapshotOf);
    }

    /** The snapshot of one environment of the admin key's project: trying flags before clients see them. */
    public Uni<Snapshot> adminSnapshot(String environment) {
        return authenticator.authenticateCaller(EnumSet.of(KeyKind.KEY_KIND_ADMIN), "try flags in an environment")
                .flatMap(key -> Environments.isName(environment)
                        ? snapshots.get(key.getScope().getProjectId(), environment)
                        : Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(Environments.NAME_RULE)
                                .asRuntimeException()));
    }

    /**
     * The caller of a flagd sync RPC: its key from metadata (as every flagd call), else from the request's own
     * selector field, where in-process providers put it.
     */
    public Uni<ResolveKeyResponse> syncCaller(String selector) {
        if (CallerKeyInterceptor.CALLER_KEY.get() != null || CallerKeyInterceptor.CREDENTIAL_PROBLEM.get() != null
                || selector.isEmpty()) {
            return authenticator.authenticateCaller(EVALUATION_KEYS, SYNC);
        }
        String key = selector.length() > MAX_SELECTOR ? null : CallerKeyInterceptor.keyFromSelector(selector);
        return key == null
                ? Uni.createFrom().failure(Status.INVALID_ARGUMENT.withDescription(
                        "invalid selector: expected 'flagSetId=<server key>' or the key itself").asRuntimeException())
                : authenticator.authenticate(key, EVALUATION_KEYS, SYNC);
    }

    public Uni<Snapshot> snapshotOf(ResolveKeyResponse key) {
        return snapshots.get(key.getScope().getProjectId(), key.getScope().getEnvironment());
    }

    public Uni<Resolution> resolve(String flagKey, FlagType type, Struct context) {
        return callerSnapshot().map(snapshot -> snapshot.flags().resolve(flagKey, type, ProtoValues.toMap(context),
                nowSeconds()));
    }

    public Multi<FlagChanges> changes() {
        String connection = CallerKeyInterceptor.CONNECTION.get();
        if (CallerKeyInterceptor.CALLER_KEY.get() == null && CallerKeyInterceptor.CREDENTIAL_PROBLEM.get() == null
                && connection != null) {
            // no credentials: the connection's own resolve calls will say which environments it may hear about
            return streams.subscribeConnection(connection);
        }
        return authenticator.authenticateCaller(EVALUATION_KEYS, "watch flags over the flagd protocol")
                // the snapshot is loaded first: changes are found by comparing it with the next one
                .flatMap(key -> snapshotOf(key).replaceWith(key))
                .onItem().transformToMulti(key -> streams.subscribe(key.getScope().getProjectId(),
                        key.getScope().getEnvironment(), key.getKeyId()));
    }

    public long nowSeconds() {
        return clock.millis() / 1000;
    }

    /** Throws the flagd status of a failed resolution. */
    public static void throwIfFailed(Resolution resolution) {
        if (resolution.failed()) {
            throw toStatus(resolution.error(), resolution.errorMessage());
        }
    }

    public static StatusRuntimeException toStatus(ErrorCode error, String message) {
        Status status = switch (error) {
            case FLAG_NOT_FOUND -> Status.NOT_FOUND;
            case TYPE_MISMATCH, INVALID_CONTEXT, TARGETING_KEY_MISSING -> Status.INVALID_ARGUMENT;
            case PARSE_ERROR -> Status.DATA_LOSS;
            case GENERAL -> Status.UNKNOWN;
        };
        return status.withDescription(message).asRuntimeException();
    }

    public static Struct metadata(Resolution resolution) {
        return ProtoValues.toStruct(resolution.metadata());
    }

    public static Struct changeData(FlagChanges changes) {
        if (changes.kind() != FlagChanges.Kind.CHANGED) {
            return Struct.getDefaultInstance();
        }
        Struct.Builder flags = Struct.newBuilder();
        changes.flags().forEach((key, type) -> flags.putFields(key,
                ProtoValues.toValue(Map.of("type", type))));
        return Struct.newBuilder().putFields("flags",
                com.google.protobuf.Value.newBuilder().setStructValue(flags).build()).build();
    }

    public static String eventType(FlagChanges changes) {
        return switch (changes.kind()) {
            case READY -> "provider_ready";
            case KEEP_ALIVE -> "keep_alive";
            case CHANGED -> "configuration_change";
            case SHUTDOWN -> "provider_shutdown";
        };
    }
}
