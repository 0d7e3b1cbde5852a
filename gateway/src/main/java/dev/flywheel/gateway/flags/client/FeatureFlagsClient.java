package dev.flywheel.gateway.flags.client;

import static dev.flywheel.gateway.upstream.ServiceCalls.as;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.problem.GrpcProblems;
import dev.flywheel.proto.flags.v1.DeleteFlagRequest;
import dev.flywheel.proto.flags.v1.DeleteFlagResponse;
import dev.flywheel.proto.flags.v1.EvaluateFlagsRequest;
import dev.flywheel.proto.flags.v1.EvaluateFlagsResponse;
import dev.flywheel.proto.flags.v1.ExportFlagsRequest;
import dev.flywheel.proto.flags.v1.ExportFlagsResponse;
import dev.flywheel.proto.flags.v1.FlagRecord;
import dev.flywheel.proto.flags.v1.GetFlagRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsRequest;
import dev.flywheel.proto.flags.v1.ImportFlagsResponse;
import dev.flywheel.proto.flags.v1.ListAuditRequest;
import dev.flywheel.proto.flags.v1.ListAuditResponse;
import dev.flywheel.proto.flags.v1.ListFlagsRequest;
import dev.flywheel.proto.flags.v1.ListFlagsResponse;
import dev.flywheel.proto.flags.v1.MutinyFlagAdminServiceGrpc.MutinyFlagAdminServiceStub;
import dev.flywheel.proto.flags.v1.MutinyFlagEvaluationServiceGrpc.MutinyFlagEvaluationServiceStub;
import dev.flywheel.proto.flags.v1.PutFlagRequest;
import dev.flywheel.proto.flags.v1.PutFlagResponse;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * The gateway's one way to the feature-flags service. The caller's own key travels with each call (ADR 0003), so the
 * service applies the same access rules to REST and direct gRPC callers; answers are mapped to problem+json errors.
 */
@ApplicationScoped
public class FeatureFlagsClient {

    private final MutinyFlagAdminServiceStub admin;
    private final MutinyFlagEvaluationServiceStub evaluation;

    public FeatureFlagsClient(@GrpcClient("feature-flags") MutinyFlagAdminServiceStub admin,
            @GrpcClient("feature-flags") MutinyFlagEvaluationServiceStub evaluation) {
        this.admin = admin;
        this.evaluation = evaluation;
    }

    public Uni<ListFlagsResponse> list(String key, ListFlagsRequest request) {
        return as(admin, key).listFlags(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    public Uni<FlagRecord> get(String key, GetFlagRequest request) {
        return as(admin, key).getFlag(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    public Uni<PutFlagResponse> put(String key, PutFlagRequest request) {
        return as(admin, key).putFlag(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    public Uni<DeleteFlagResponse> delete(String key, DeleteFlagRequest request) {
        return as(admin, key).deleteFlag(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    public Uni<ImportFlagsResponse> importFlags(String key, ImportFlagsRequest request) {
        return as(admin, key).importFlags(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    public Uni<ExportFlagsResponse> export(String key, ExportFlagsRequest request) {
        return as(admin, key).exportFlags(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    public Uni<ListAuditResponse> audit(String key, ListAuditRequest request) {
        return as(admin, key).listAudit(request).onFailure().transform(FeatureFlagsClient::toApiException);
    }

    /** Evaluation for OFREP: failures stay gRPC statuses, because OFREP has its own error bodies. */
    public Uni<EvaluateFlagsResponse> evaluate(String key, EvaluateFlagsRequest request) {
        return as(evaluation, key).evaluateFlags(request);
    }

    public static Throwable toApiException(Throwable failure) {
        return GrpcProblems.toApiException(failure, "feature flags");
    }
}
