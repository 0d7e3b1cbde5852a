package dev.flywheel.gateway.experiments.client;

import static dev.flywheel.gateway.upstream.ServiceCalls.as;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.problem.GrpcProblems;
import dev.flywheel.proto.experiments.v1.AssignAllRequest;
import dev.flywheel.proto.experiments.v1.AssignAllResponse;
import dev.flywheel.proto.experiments.v1.AssignRequest;
import dev.flywheel.proto.experiments.v1.AssignResponse;
import dev.flywheel.proto.experiments.v1.ChangeStatusRequest;
import dev.flywheel.proto.experiments.v1.DeleteExperimentRequest;
import dev.flywheel.proto.experiments.v1.DeleteExperimentResponse;
import dev.flywheel.proto.experiments.v1.ExperimentRecord;
import dev.flywheel.proto.experiments.v1.GetExperimentRequest;
import dev.flywheel.proto.experiments.v1.GetSettingsRequest;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesRequest;
import dev.flywheel.proto.experiments.v1.GrowthBookFeaturesResponse;
import dev.flywheel.proto.experiments.v1.ListAuditRequest;
import dev.flywheel.proto.experiments.v1.ListAuditResponse;
import dev.flywheel.proto.experiments.v1.ListExperimentsRequest;
import dev.flywheel.proto.experiments.v1.ListExperimentsResponse;
import dev.flywheel.proto.experiments.v1.MutinyExperimentAdminServiceGrpc.MutinyExperimentAdminServiceStub;
import dev.flywheel.proto.experiments.v1.MutinyExperimentAssignmentServiceGrpc.MutinyExperimentAssignmentServiceStub;
import dev.flywheel.proto.experiments.v1.ProjectSettings;
import dev.flywheel.proto.experiments.v1.PutExperimentRequest;
import dev.flywheel.proto.experiments.v1.PutExperimentResponse;
import dev.flywheel.proto.experiments.v1.PutSettingsRequest;
import dev.flywheel.proto.experiments.v1.RecordExposuresRequest;
import dev.flywheel.proto.experiments.v1.RecordExposuresResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The gateway's one way to the experiment-assignment service. The caller's key travels with each call (ADR 0003), so
 * the service applies the same rules to REST and direct gRPC callers; failures become problem+json errors.
 */
@ApplicationScoped
public class ExperimentsClient {

    private final MutinyExperimentAdminServiceStub admin;
    private final MutinyExperimentAssignmentServiceStub assignment;

    public ExperimentsClient(@GrpcClient("experiment-assignment") MutinyExperimentAdminServiceStub admin,
            @GrpcClient("experiment-assignment") MutinyExperimentAssignmentServiceStub assignment) {
        this.admin = admin;
        this.assignment = assignment;
    }

    public Uni<ListExperimentsResponse> list(String key, ListExperimentsRequest request) {
        return as(admin, key).listExperiments(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<ExperimentRecord> get(String key, GetExperimentRequest request) {
        return as(admin, key).getExperiment(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<PutExperimentResponse> put(String key, PutExperimentRequest request) {
        return as(admin, key).putExperiment(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<ExperimentRecord> changeStatus(String key, ChangeStatusRequest request) {
        return as(admin, key).changeStatus(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<DeleteExperimentResponse> delete(String key, DeleteExperimentRequest request) {
        return as(admin, key).deleteExperiment(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<ProjectSettings> settings(String key) {
        return as(admin, key).getSettings(GetSettingsRequest.getDefaultInstance()).onFailure()
                .transform(ExperimentsClient::problem);
    }

    public Uni<ProjectSettings> putSettings(String key, PutSettingsRequest request) {
        return as(admin, key).putSettings(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<ListAuditResponse> audit(String key, ListAuditRequest request) {
        return as(admin, key).listAudit(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<AssignResponse> assign(String key, AssignRequest request) {
        return as(assignment, key).assign(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<AssignAllResponse> assignAll(String key, AssignAllRequest request) {
        return as(assignment, key).assignAll(request).onFailure().transform(ExperimentsClient::problem);
    }

    public Uni<RecordExposuresResponse> recordExposures(String key, RecordExposuresRequest request) {
        return as(assignment, key).recordExposures(request).onFailure().transform(ExperimentsClient::problem);
    }

    /** GrowthBook's payload of the key's environment (or, for an admin key, the named one); again on each change. */
    public Multi<GrowthBookFeaturesResponse> growthBookFeatures(String key, GrowthBookFeaturesRequest request) {
        return as(assignment, key).growthBookFeatures(request).onFailure().transform(ExperimentsClient::problem);
    }

    private static Throwable problem(Throwable failure) {
        return GrpcProblems.toApiException(failure, "experiments");
    }
}
