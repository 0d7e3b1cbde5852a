package dev.flywheel.metrics.grpc;

import dev.flywheel.metrics.model.MetricDefinitions;
import dev.flywheel.metrics.service.MetricDefinitionService;
import dev.flywheel.proto.analytics.v1.DeleteMetricRequest;
import dev.flywheel.proto.analytics.v1.DeleteMetricResponse;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentMetricsService;
import dev.flywheel.proto.analytics.v1.GetMetricRequest;
import dev.flywheel.proto.analytics.v1.ListMetricAuditRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsResponse;
import dev.flywheel.proto.analytics.v1.PutMetricRequest;
import dev.flywheel.proto.common.v1.AuditEntry;
import dev.flywheel.proto.common.v1.AuditPage;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** A project's experiment metrics over gRPC, with an admin key. */
@GrpcService
public class ExperimentMetricsGrpcService implements ExperimentMetricsService {

    private final CallerScope caller;
    private final MetricDefinitionService metrics;

    public ExperimentMetricsGrpcService(CallerScope caller, MetricDefinitionService metrics) {
        this.caller = caller;
        this.metrics = metrics;
    }

    @Override
    public Uni<ListMetricsResponse> listMetrics(ListMetricsRequest request) {
        return caller.admin().chain(admin -> metrics.list(admin.projectId()))
                .map(list -> ListMetricsResponse.newBuilder().addAllMetrics(list).build())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ExperimentMetric> getMetric(GetMetricRequest request) {
        return caller.admin().chain(admin -> metrics.get(admin.projectId(), MetricDefinitions.key(request.getKey())))
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ExperimentMetric> putMetric(PutMetricRequest request) {
        return caller.admin().chain(admin -> metrics.put(admin.projectId(), request.getMetric(),
                request.getExpectedVersion(), admin.actor())).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<DeleteMetricResponse> deleteMetric(DeleteMetricRequest request) {
        return caller.admin().chain(admin -> metrics.delete(admin.projectId(),
                MetricDefinitions.key(request.getKey()), request.getExpectedVersion(), admin.actor()))
                .replaceWith(DeleteMetricResponse.getDefaultInstance())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<AuditPage> listMetricAudit(ListMetricAuditRequest request) {
        return caller.admin().chain(admin -> metrics.audit(admin.projectId(), request.getKey(),
                request.getBeforeId(), request.getPageSize()))
                .map(entries -> AuditPage.newBuilder().addAllEntries(entries.stream()
                        .map(entry -> entry.<AuditEntry>toProto(AuditEntry.newBuilder())).toList()).build())
                .onFailure().transform(CallerScope::toStatus);
    }
}
