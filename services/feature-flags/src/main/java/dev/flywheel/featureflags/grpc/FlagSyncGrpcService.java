package dev.flywheel.featureflags.grpc;

import java.util.concurrent.atomic.AtomicLong;

import dev.flywheel.featureflags.service.FlagChangeStreams;
import dev.flywheel.featureflags.service.FlagChanges;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.flagd.sync.v1.FetchAllFlagsRequest;
import dev.flywheel.proto.flagd.sync.v1.FetchAllFlagsResponse;
import dev.flywheel.proto.flagd.sync.v1.FlagSyncService;
import dev.flywheel.proto.flagd.sync.v1.GetMetadataRequest;
import dev.flywheel.proto.flagd.sync.v1.GetMetadataResponse;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsRequest;
import dev.flywheel.proto.flagd.sync.v1.SyncFlagsResponse;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * flagd.sync.v1.FlagSyncService: in-process flagd providers (and Flywheel's Java SDK) keep the environment's whole
 * flagd document and evaluate it themselves. The stream sends the document at once and again after every change
 * (the same notification that reaches the flagd event streams, so within a second on every replica), and fails
 * UNAUTHENTICATED when the key that opened it is revoked.
 */
@GrpcService
public class FlagSyncGrpcService implements FlagSyncService {

    private static final int MAX_PROVIDER_ID = 256;

    private final FlagdResolver resolver;
    private final FlagChangeStreams streams;

    public FlagSyncGrpcService(FlagdResolver resolver, FlagChangeStreams streams) {
        this.resolver = resolver;
        this.streams = streams;
    }

    @Override
    public Multi<SyncFlagsResponse> syncFlags(SyncFlagsRequest request) {
        return caller(request.getSelector(), request.getProviderId()).onItem().transformToMulti(key -> {
            String project = key.getScope().getProjectId();
            String environment = key.getScope().getEnvironment();
            AtomicLong sent = new AtomicLong(-1);
            // subscribed before the first load, so a change made meanwhile is not missed (it is sent twice at most,
            // and the second copy is dropped by version)
            return streams.subscribe(project, environment, key.getKeyId())
                    .select().where(change -> change.kind() == FlagChanges.Kind.READY
                            || change.kind() == FlagChanges.Kind.CHANGED)
                    .onItem().transformToUniAndConcatenate(change -> resolver.snapshotOf(key))
                    .select().where(snapshot -> sent.getAndSet(snapshot.version()) != snapshot.version())
                    .map(snapshot -> SyncFlagsResponse.newBuilder().setFlagConfiguration(snapshot.document())
                            .build());
        });
    }

    @Override
    public Uni<FetchAllFlagsResponse> fetchAllFlags(FetchAllFlagsRequest request) {
        return caller(request.getSelector(), request.getProviderId()).flatMap(resolver::snapshotOf)
                .map(snapshot -> FetchAllFlagsResponse.newBuilder().setFlagConfiguration(snapshot.document())
                        .build());
    }

    /**
     * flagd answers with its static evaluation context, which providers merge into every evaluation; Flywheel has
     * none. Providers call this before syncing, some without their key, so it answers anyone: it names no tenant.
     */
    @Override
    public Uni<GetMetadataResponse> getMetadata(GetMetadataRequest request) {
        return Uni.createFrom().item(GetMetadataResponse.getDefaultInstance());
    }

    private Uni<ResolveKeyResponse> caller(String selector, String providerId) {
        return resolver.syncCaller(selector).invoke(key -> {
            if (providerId.length() > MAX_PROVIDER_ID) {
                throw Status.INVALID_ARGUMENT.withDescription("provider_id is longer than " + MAX_PROVIDER_ID
                        + " characters").asRuntimeException();
            }
        });
    }
}
