package dev.flywheel.assignment.grpc;

import java.util.EnumSet;
import java.util.Set;

import dev.flywheel.assignment.repository.ExperimentAuditEntity;
import dev.flywheel.assignment.repository.ExperimentEntity;
import dev.flywheel.assignment.repository.ProjectSettingsEntity;
import dev.flywheel.assignment.service.ExperimentManagementService;
import dev.flywheel.assignment.service.ExperimentSnapshots;
import dev.flywheel.proto.auth.v1.ResolveKeyResponse;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.experiments.v1.AuditEntry;
import dev.flywheel.proto.experiments.v1.ChangeStatusRequest;
import dev.flywheel.proto.experiments.v1.DeleteExperimentRequest;
import dev.flywheel.proto.experiments.v1.DeleteExperimentResponse;
import dev.flywheel.proto.experiments.v1.ExperimentAdminService;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.GetExperimentRequest;
import dev.flywheel.proto.experiments.v1.GetSettingsRequest;
import dev.flywheel.proto.experiments.v1.ListAuditRequest;
import dev.flywheel.proto.experiments.v1.ListAuditResponse;
import dev.flywheel.proto.experiments.v1.ListExperimentsRequest;
import dev.flywheel.proto.experiments.v1.ListExperimentsResponse;
import dev.flywheel.proto.experiments.v1.ProjectSettings;
import dev.flywheel.proto.experiments.v1.PutExperimentRequest;
import dev.flywheel.proto.experiments.v1.PutExperimentResponse;
import dev.flywheel.proto.experiments.v1.PutSettingsRequest;
import dev.flywheel.service.auth.KeyAuthenticator;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.service.grpc.StoreFailures;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** Experiment management over gRPC, for the gateway's REST API and for backends holding an admin key. */
@GrpcService
public class ExperimentAdminGrpcService implements ExperimentAdminService {

    private static final Set<KeyKind> ADMIN_KEYS = EnumSet.of(KeyKind.KEY_KIND_ADMIN);

    private final KeyAuthenticator authenticator;
    private final ExperimentManagementService experiments;
    private final ExperimentSnapshots snapshots;

    public ExperimentAdminGrpcService(KeyAuthenticator authenticator, ExperimentManagementService experiments,
            ExperimentSnapshots snapshots) {
        this.authenticator = authenticator;
        this.experiments = experiments;
        this.snapshots = snapshots;
    }

    @Override
    public Uni<ListExperimentsResponse> listExperiments(ListExperimentsRequest request) {
        return admin().flatMap(key -> experiments.list(project(key), request.getEnvironment(),
                status(request.getStatus())))
                .map(list -> ListExperimentsResponse.newBuilder()
                        .addAllExperiments(list.experiments().stream().map(ExperimentAdminGrpcService::record)
                                .toList())
                        .setEnvironmentVersion(list.environmentVersion()).build())
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ExperimentRecord> getExperiment(GetExperimentRequest request) {
        return admin().flatMap(key -> experiments.get(project(key), request.getEnvironment(), request.getKey()))
                .map(ExperimentAdminGrpcService::record)
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<PutExperimentResponse> putExperiment(PutExperimentRequest request) {
        return admin().flatMap(key -> experiments.put(project(key), request.getEnvironment(), request.getKey(),
                request.getDefinitionJson(), request.getExpectedVersion(), KeyAuthenticator.actor(key),
                request.getComment())
                .call(ignored -> snapshots.refresh(project(key), request.getEnvironment())))
                .map(result -> PutExperimentResponse.newBuilder().setExperiment(record(result.experiment()))
                        .setCreated(result.created()).build())
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ExperimentRecord> changeStatus(ChangeStatusRequest request) {
        return admin().flatMap(key -> experiments.changeStatus(project(key), request.getEnvironment(),
                request.getKey(), status(request.getStatus()), request.getReleasedVariation(),
                request.getExpectedVersion(), KeyAuthenticator.actor(key), request.getComment())
                .call(ignored -> snapshots.refresh(project(key), request.getEnvironment())))
                .map(ExperimentAdminGrpcService::record)
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<DeleteExperimentResponse> deleteExperiment(DeleteExperimentRequest request) {
        return admin().flatMap(key -> experiments.delete(project(key), request.getEnvironment(), request.getKey(),
                request.getExpectedVersion(), KeyAuthenticator.actor(key), request.getComment())
                .call(ignored -> snapshots.refresh(project(key), request.getEnvironment())))
                .map(version -> DeleteExperimentResponse.newBuilder().setEnvironmentVersion(version).build())
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ProjectSettings> getSettings(GetSettingsRequest request) {
        return admin().flatMap(key -> experiments.settings(project(key)))
                .map(ExperimentAdminGrpcService::settings)
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ProjectSettings> putSettings(PutSettingsRequest request) {
        return admin().flatMap(key -> experiments.putSettings(project(key),
                request.getSettings().getHoldoutShare(), KeyAuthenticator.actor(key), request.getComment())
                .call(ignored -> snapshots.refresh(project(key), "*")))
                .map(ExperimentAdminGrpcService::settings)
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    @Override
    public Uni<ListAuditResponse> listAudit(ListAuditRequest request) {
        return admin().flatMap(key -> experiments.audit(project(key), request.getEnvironment(), request.getKey(),
                request.getBeforeId(), request.getPageSize()))
                .map(entries -> ListAuditResponse.newBuilder()
                        .addAllEntries(entries.stream().map(ExperimentAdminGrpcService::entry).toList()).build())
                .onFailure().transform(ExperimentAdminGrpcService::toStatus);
    }

    private Uni<ResolveKeyResponse> admin() {
        return authenticator.authenticateCaller(ADMIN_KEYS, "manage experiments");
    }

    private static String project(ResolveKeyResponse key) {
        return key.getScope().getProjectId();
    }

    private static dev.flywheel.experiments.ExperimentStatus status(ExperimentStatus status) {
        return switch (status) {
            case EXPERIMENT_STATUS_DRAFT -> dev.flywheel.experiments.ExperimentStatus.DRAFT;
            case EXPERIMENT_STATUS_RUNNING -> dev.flywheel.experiments.ExperimentStatus.RUNNING;
            case EXPERIMENT_STATUS_STOPPED -> dev.flywheel.experiments.ExperimentStatus.STOPPED;
            default -> null;
        };
    }

    static ExperimentRecord record(ExperimentEntity e) {
        ExperimentRecord.Builder record = ExperimentRecord.newBuilder().setKey(e.key)
                .setDefinitionJson(e.definition)
                .setStatus(ExperimentStatus.valueOf("EXPERIMENT_STATUS_" + e.status))
                .setVersion(e.version).setCreatedAt(ProtoValues.timestamp(e.createdAt))
                .setUpdatedAt(ProtoValues.timestamp(e.updatedAt))
                .setUpdatedBy(e.updatedBy);
        if (e.releasedVariation != null) {
            record.setReleasedVariation(e.releasedVariation);
        }
        if (e.startedAt != null) {
            record.setStartedAt(ProtoValues.timestamp(e.startedAt));
        }
        if (e.stoppedAt != null) {
            record.setStoppedAt(ProtoValues.timestamp(e.stoppedAt));
        }
        return record.build();
    }

    static ProjectSettings settings(ProjectSettingsEntity s) {
        return ProjectSettings.newBuilder().setHoldoutShare(s.holdoutShare).setVersion(s.version).build();
    }

    static AuditEntry entry(ExperimentAuditEntity e) {
        return e.entry().toProto(AuditEntry.newBuilder());
    }

    static Throwable toStatus(Throwable failure) {
        return StoreFailures.toStatus(failure, "experiment storage");
    }
}
