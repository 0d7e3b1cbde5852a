package dev.flywheel.metrics.grpc;

import dev.flywheel.metrics.mapping.MetricDefinitions;
import dev.flywheel.metrics.service.MetricDefinitionService;
import dev.flywheel.proto.analytics.v1.DeleteMetricRequest;
import dev.flywheel.proto.analytics.v1.DeleteMetricResponse;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentMetricsService;
import dev.flywheel.proto.analytics.v1.GetMetricRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsResponse;
import dev.flywheel.proto.analytics.v1.PutMetricRequest;
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
        return caller.admin().chain(metrics::list)
                .map(list -> ListMetricsResponse.newBuilder().addAllMetrics(list).build())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ExperimentMetric> getMetric(GetMetricRequest request) {
        return caller.admin().chain(project -> metrics.get(project, MetricDefinitions.key(request.getKey())))
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ExperimentMetric> putMetric(PutMetricRequest request) {
        return caller.admin().chain(project -> metrics.put(project, request.getMetric(),
                request.getExpectedVersion())).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<DeleteMetricResponse> deleteMetric(DeleteMetricRequest request) {
        return caller.admin().chain(project -> metrics.delete(project, MetricDefinitions.key(request.getKey()),
                request.getExpectedVersion())).replaceWith(DeleteMetricResponse.getDefaultInstance())
                .onFailure().transform(CallerScope::toStatus);
    }
}
