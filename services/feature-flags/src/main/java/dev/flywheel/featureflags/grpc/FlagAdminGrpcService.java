package dev.flywheel.featureflags.grpc;

import java.util.EnumSet;
import java.util.Set;

import dev.flywheel.featureflags.repository.FlagAuditEntity;
import dev.flywheel.featureflags.repository.FlagEntity;
import dev.flywheel.featureflags.service.FlagManagementService;
import dev.flywheel.featureflags.service.FlagSnapshots;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.flags.v1.AuditEntry;
import dev.flywheel.proto.flags.v1.DeleteFlagRequest;
import dev.flywheel.proto.flags.v1.DeleteFlagResponse;
import dev.flywheel.proto.flags.v1.ExportFlagsRequest;
import dev.flywheel.proto.flags.v1.ExportFlagsResponse;
import dev.flywheel.proto.flags.v1.FlagAdminService;
import dev.flywheel.proto.flags.v1.FlagRecord;
import dev.flywheel.proto.flags.v1.GetFlagRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsResponse;
import dev.flywheel.proto.flags.v1.ImportMode;
import dev.flywheel.proto.flags.v1.ListAuditRequest;
import dev.flywheel.proto.flags.v1.ListAuditResponse;
import dev.flywheel.proto.flags.v1.ListFlagsRequest;
import dev.flywheel.proto.flags.v1.ListFlagsResponse;
import dev.flywheel.proto.flags.v1.PutFlagRequest;
import dev.flywheel.proto.flags.v1.PutFlagResponse;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.StoreFailures;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Flag management over gRPC, for the gateway's REST API and for backends holding an admin key. */
@GrpcService
public class FlagAdminGrpcService implements FlagAdminService {

    private static final Set<KeyKind> ADMIN_KEYS = EnumSet.of(KeyKind.KEY_KIND_ADMIN);

    private final KeyAuthenticator authenticator;
    private final FlagManagementService flags;
    private final FlagSnapshots snapshots;

    public FlagAdminGrpcService(KeyAuthenticator authenticator, FlagManagementService flags,
            FlagSnapshots snapshots) {
        this.authenticator = authenticator;
        this.flags = flags;
        this.snapshots = snapshots;
    }

    @Override
    public Uni<ListFlagsResponse> listFlags(ListFlagsRequest request) {
        return admin().flatMap(key -> flags.list(project(key), request.getEnvironment()))
                .map(list -> ListFlagsResponse.newBuilder()
                        .addAllFlags(list.flags().stream().map(FlagAdminGrpcService::record).toList())
                        .setEnvironmentVersion(list.environmentVersion()).build())
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    @Override
    public Uni<FlagRecord> getFlag(GetFlagRequest request) {
        return admin().flatMap(key -> flags.get(project(key), request.getEnvironment(), request.getKey()))
                .map(FlagAdminGrpcService::record)
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    @Override
    public Uni<PutFlagResponse> putFlag(PutFlagRequest request) {
        return admin().flatMap(key -> flags.put(project(key), request.getEnvironment(), request.getKey(),
                request.getDefinitionJson(), request.getExpectedVersion(), KeyAuthenticator.actor(key),
                request.getComment())
                .call(ignored -> applied(key, request.getEnvironment())))
                .map(result -> PutFlagResponse.newBuilder().setFlag(record(result.flag()))
                        .setCreated(result.created()).addAllWarnings(result.warnings()).build())
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    @Override
    public Uni<DeleteFlagResponse> deleteFlag(DeleteFlagRequest request) {
        return admin().flatMap(key -> flags.delete(project(key), request.getEnvironment(), request.getKey(),
                request.getExpectedVersion(), KeyAuthenticator.actor(key), request.getComment())
                .call(ignored -> applied(key, request.getEnvironment())))
                .map(version -> DeleteFlagResponse.newBuilder().setEnvironmentVersion(version).build())
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ImportFlagsResponse> importFlags(ImportFlagsRequest request) {
        boolean replace = request.getMode() != ImportMode.IMPORT_MODE_MERGE;
        return admin().flatMap(key -> flags.importDocument(project(key), request.getEnvironment(),
                request.getDocumentJson(), replace,
                request.getActor().isEmpty()
                        ? KeyAuthenticator.actor(key)
                        : request.getActor() + " via " + KeyAuthenticator.actor(key),
                request.getComment())
                .call(ignored -> applied(key, request.getEnvironment())))
                .map(result -> ImportFlagsResponse.newBuilder().addAllCreated(result.created())
                        .addAllUpdated(result.updated()).addAllDeleted(result.deleted())
                        .addAllUnchanged(result.unchanged()).addAllWarnings(result.warnings())
                        .setEnvironmentVersion(result.environmentVersion()).build())
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ExportFlagsResponse> exportFlags(ExportFlagsRequest request) {
        return admin().flatMap(key -> flags.export(project(key), request.getEnvironment()))
                .map(export -> ExportFlagsResponse.newBuilder().setDocumentJson(export.documentJson())
                        .setEnvironmentVersion(export.environmentVersion()).build())
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ListAuditResponse> listAudit(ListAuditRequest request) {
        return admin().flatMap(key -> flags.audit(project(key), request.getEnvironment(), request.getKey(),
                request.getBeforeId(), request.getPageSize()))
                .map(entries -> ListAuditResponse.newBuilder()
                        .addAllEntries(entries.stream().map(FlagAdminGrpcService::entry).toList()).build())
                .onFailure().transform(FlagAdminGrpcService::toStatus);
    }

    /** Read-your-writes on this replica: its snapshot is current before the change is acknowledged. */
    private Uni<Void> applied(ResolveKeyResponse key, String environment) {
        return snapshots.refresh(project(key), environment);
    }

    private Uni<ResolveKeyResponse> admin() {
        return authenticator.authenticateCaller(ADMIN_KEYS, "manage flags");
    }

    private static String project(ResolveKeyResponse key) {
        return key.getScope().getProjectId();
    }

    static FlagRecord record(FlagEntity flag) {
        return FlagRecord.newBuilder().setKey(flag.key).setDefinitionJson(flag.definition).setVersion(flag.version)
                .setUpdatedAt(ProtoValues.timestamp(flag.updatedAt)).setUpdatedBy(flag.updatedBy).build();
    }

    static AuditEntry entry(FlagAuditEntity e) {
        return e.entry().toProto(AuditEntry.newBuilder());
    }

    static Throwable toStatus(Throwable failure) {
        return StoreFailures.toStatus(failure, "flag storage");
    }
}
