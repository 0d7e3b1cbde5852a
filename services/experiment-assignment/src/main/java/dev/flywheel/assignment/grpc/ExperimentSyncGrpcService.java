package dev.flywheel.assignment.grpc;

import java.util.EnumSet;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.flywheel.assignment.service.ExperimentSnapshots;
import dev.flywheel.experiments.Experiment;
import dev.flywheel.proto.common.v1.KeyKind;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.ExperimentSnapshot;
import dev.flywheel.proto.experiments.v1.ExperimentStatus;
import dev.flywheel.proto.experiments.v1.ExperimentSyncService;
import dev.flywheel.proto.experiments.v1.SyncExperimentsRequest;
import dev.flywheel.service.auth.KeyAuthenticator;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;

/**
 * The environment's experiments streamed to SDKs that assign in-process with the same engine: the snapshot at once,
 * then whole again after every change (the PostgreSQL notification that reloads this replica's snapshot).
 */
@GrpcService
public class ExperimentSyncGrpcService implements ExperimentSyncService {

    private static final Logger LOG = Logger.getLogger(ExperimentSyncGrpcService.class);
    private static final Set<KeyKind> SYNCING_KEYS = EnumSet.of(KeyKind.KEY_KIND_SERVER);
    private static final int MAX_CLIENT = 256;

    private final KeyAuthenticator authenticator;
    private final ExperimentSnapshots snapshots;

    public ExperimentSyncGrpcService(KeyAuthenticator authenticator, ExperimentSnapshots snapshots) {
        this.authenticator = authenticator;
        this.snapshots = snapshots;
    }

    @Override
    public Multi<ExperimentSnapshot> syncExperiments(SyncExperimentsRequest request) {
        return authenticator.authenticateCaller(SYNCING_KEYS,
                "sync experiments (a snapshot holds every rule and forced user)")
                .invoke(key -> {
                    if (request.getClient().length() > MAX_CLIENT) {
                        throw Status.INVALID_ARGUMENT.withDescription("client is longer than " + MAX_CLIENT
                                + " characters").asRuntimeException();
                    }
                    LOG.debugf("%s syncs the experiments of %s/%s", request.getClient(),
                            key.getScope().getProjectId(), key.getScope().getEnvironment());
                })
                .onItem().transformToMulti(key -> snapshots.watch(key.getScope().getProjectId(),
                        key.getScope().getEnvironment(), key.getKeyId()))
                .map(ExperimentSyncGrpcService::toProto);
    }

    static ExperimentSnapshot toProto(ExperimentSnapshots.Snapshot snapshot) {
        ExperimentSnapshot.Builder out = ExperimentSnapshot.newBuilder().setProjectId(snapshot.projectId())
                .setEnvironment(snapshot.environment()).setVersion(snapshot.version())
                .setSettingsVersion(snapshot.settingsVersion()).setHoldoutShare(snapshot.holdout().share());
        for (Experiment experiment : snapshot.experiments().values()) {
            ExperimentRecord.Builder record = ExperimentRecord.newBuilder().setKey(experiment.key())
                    .setDefinitionJson(experiment.definition().toJson())
                    .setStatus(ExperimentStatus.valueOf("EXPERIMENT_STATUS_" + experiment.status().name()));
            if (experiment.releasedIndex() >= 0) {
                record.setReleasedVariation(experiment.definition().variations().get(experiment.releasedIndex())
                        .key());
            }
            out.addExperiments(record);
        }
        return out.build();
    }
}
