package dev.flywheel.gateway.analytics.client;

import static dev.flywheel.gateway.upstream.ServiceCalls.as;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.gateway.problem.GrpcProblems;
import dev.flywheel.proto.analytics.v1.AarrrRequest;
import dev.flywheel.proto.analytics.v1.AarrrResponse;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryRequest;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryResponse;
import dev.flywheel.proto.analytics.v1.ActiveUsersRequest;
import dev.flywheel.proto.analytics.v1.ActiveUsersResponse;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.proto.analytics.v1.ChurnRequest;
import dev.flywheel.proto.analytics.v1.ChurnResponse;
import dev.flywheel.proto.analytics.v1.CorrelationResponse;
import dev.flywheel.proto.analytics.v1.DeleteMetricRequest;
import dev.flywheel.proto.analytics.v1.DeleteMetricResponse;
import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentResults;
import dev.flywheel.proto.analytics.v1.FunnelCorrelationRequest;
import dev.flywheel.proto.analytics.v1.FunnelPeopleRequest;
import dev.flywheel.proto.analytics.v1.FunnelPeopleResponse;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.FunnelResponse;
import dev.flywheel.proto.analytics.v1.GetAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.GetExperimentHealthRequest;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.proto.analytics.v1.GetMetricRequest;
import dev.flywheel.proto.analytics.v1.GetPersonRequest;
import dev.flywheel.proto.analytics.v1.LifecycleRequest;
import dev.flywheel.proto.analytics.v1.LifecycleResponse;
import dev.flywheel.proto.analytics.v1.ListMetricAuditRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsRequest;
import dev.flywheel.proto.analytics.v1.ListMetricsResponse;
import dev.flywheel.proto.analytics.v1.MutinyAnalyticsAdminServiceGrpc.MutinyAnalyticsAdminServiceStub;
import dev.flywheel.proto.analytics.v1.MutinyAnalyticsQueryServiceGrpc.MutinyAnalyticsQueryServiceStub;
import dev.flywheel.proto.analytics.v1.MutinyExperimentMetricsServiceGrpc.MutinyExperimentMetricsServiceStub;
import dev.flywheel.proto.analytics.v1.MutinyExperimentResultsServiceGrpc.MutinyExperimentResultsServiceStub;
import dev.flywheel.proto.analytics.v1.NorthStarRequest;
import dev.flywheel.proto.analytics.v1.NorthStarResponse;
import dev.flywheel.proto.analytics.v1.PathPeopleRequest;
import dev.flywheel.proto.analytics.v1.PathPeopleResponse;
import dev.flywheel.proto.analytics.v1.PathsRequest;
import dev.flywheel.proto.analytics.v1.PathsResponse;
import dev.flywheel.proto.analytics.v1.PersonProfile;
import dev.flywheel.proto.analytics.v1.PutAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.PutMetricRequest;
import dev.flywheel.proto.analytics.v1.RetentionCorrelationRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleRequest;
import dev.flywheel.proto.analytics.v1.RetentionPeopleResponse;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.RetentionResponse;
import dev.flywheel.proto.analytics.v1.SearchPeopleRequest;
import dev.flywheel.proto.analytics.v1.SearchPeopleResponse;
import dev.flywheel.proto.analytics.v1.TimeToValueRequest;
import dev.flywheel.proto.analytics.v1.TimeToValueResponse;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import dev.flywheel.proto.analytics.v1.TrendsResponse;
import dev.flywheel.proto.common.v1.AuditPage;
import dev.flywheel.proto.recordings.v1.DeleteHeatmapDataRequest;
import dev.flywheel.proto.recordings.v1.DeleteHeatmapDataResponse;
import dev.flywheel.proto.recordings.v1.EventOccurrences;
import dev.flywheel.proto.recordings.v1.FindEventOccurrencesRequest;
import dev.flywheel.proto.recordings.v1.Heatmap;
import dev.flywheel.proto.recordings.v1.HeatmapRequest;
import dev.flywheel.proto.recordings.v1.MutinyHeatmapServiceGrpc.MutinyHeatmapServiceStub;
import dev.flywheel.proto.recordings.v1.MutinyRecordingEventsServiceGrpc.MutinyRecordingEventsServiceStub;
import dev.flywheel.proto.recordings.v1.ScrollMap;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;

/**
 * The gateway's one way to the metrics-aggregator. The caller's key travels with each call (ADR 0003); failures
 * become problem+json errors.
 */
@ApplicationScoped
public class AnalyticsClient {

    /** Longer than the aggregator's own query time limit (60 s), so its answer, not ours, says what happened. */
    private static final Duration QUERY_DEADLINE = Duration.ofSeconds(70);

    private final MutinyAnalyticsQueryServiceStub queries;
    private final MutinyAnalyticsAdminServiceStub admin;
    private final MutinyExperimentResultsServiceStub results;
    private final MutinyExperimentMetricsServiceStub metrics;
    private final MutinyHeatmapServiceStub heatmaps;
    private final MutinyRecordingEventsServiceStub recordingEvents;

    public AnalyticsClient(@GrpcClient("metrics-aggregator") MutinyAnalyticsQueryServiceStub queries,
            @GrpcClient("metrics-aggregator") MutinyAnalyticsAdminServiceStub admin,
            @GrpcClient("metrics-aggregator") MutinyExperimentResultsServiceStub results,
            @GrpcClient("metrics-aggregator") MutinyExperimentMetricsServiceStub metrics,
            @GrpcClient("metrics-aggregator") MutinyHeatmapServiceStub heatmaps,
            @GrpcClient("metrics-aggregator") MutinyRecordingEventsServiceStub recordingEvents) {
        this.recordingEvents = recordingEvents;
        this.heatmaps = heatmaps;
        this.queries = queries;
        this.admin = admin;
        this.results = results;
        this.metrics = metrics;
    }

    public Uni<Heatmap> heatmap(String key, HeatmapRequest request) {
        return as(heatmaps, key).getHeatmap(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<EventOccurrences> eventOccurrences(String key, FindEventOccurrencesRequest request) {
        return as(recordingEvents, key).findEventOccurrences(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ScrollMap> scrollMap(String key, HeatmapRequest request) {
        return as(heatmaps, key).getScrollMap(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<DeleteHeatmapDataResponse> deleteHeatmapData(String key, DeleteHeatmapDataRequest request) {
        return as(heatmaps, key).deleteHeatmapData(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ExperimentHealth> experimentHealth(String key, GetExperimentHealthRequest request) {
        return as(results, key).getExperimentHealth(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ExperimentResults> experimentResults(String key, GetExperimentResultsRequest request) {
        return as(results, key).getExperimentResults(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ListMetricsResponse> listMetrics(String key) {
        return as(metrics, key).listMetrics(ListMetricsRequest.getDefaultInstance()).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<ExperimentMetric> getMetric(String key, GetMetricRequest request) {
        return as(metrics, key).getMetric(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<AuditPage> metricAudit(String key, ListMetricAuditRequest request) {
        return as(metrics, key).listMetricAudit(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ExperimentMetric> putMetric(String key, PutMetricRequest request) {
        return as(metrics, key).putMetric(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<DeleteMetricResponse> deleteMetric(String key, DeleteMetricRequest request) {
        return as(metrics, key).deleteMetric(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<TrendsResponse> trends(String key, TrendsRequest request) {
        return as(queries, key, QUERY_DEADLINE).trends(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ActiveUsersResponse> activeUsers(String key, ActiveUsersRequest request) {
        return as(queries, key, QUERY_DEADLINE).activeUsers(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<FunnelResponse> funnel(String key, FunnelRequest request) {
        return as(queries, key, QUERY_DEADLINE).funnel(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<PathsResponse> paths(String key, PathsRequest request) {
        return as(queries, key, QUERY_DEADLINE).paths(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<PathPeopleResponse> pathPeople(String key, PathPeopleRequest request) {
        return as(queries, key, QUERY_DEADLINE).pathPeople(request).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<CorrelationResponse> funnelCorrelation(String key, FunnelCorrelationRequest request) {
        return as(queries, key, QUERY_DEADLINE).funnelCorrelation(request).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<CorrelationResponse> retentionCorrelation(String key, RetentionCorrelationRequest request) {
        return as(queries, key, QUERY_DEADLINE).retentionCorrelation(request).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<ActivationDiscoveryResponse> activationDiscovery(String key, ActivationDiscoveryRequest request) {
        return as(queries, key, QUERY_DEADLINE).activationDiscovery(request).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<RetentionResponse> retention(String key, RetentionRequest request) {
        return as(queries, key, QUERY_DEADLINE).retention(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<LifecycleResponse> lifecycle(String key, LifecycleRequest request) {
        return as(queries, key, QUERY_DEADLINE).lifecycle(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<ChurnResponse> churn(String key, ChurnRequest request) {
        return as(queries, key, QUERY_DEADLINE).churn(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<TimeToValueResponse> timeToValue(String key, TimeToValueRequest request) {
        return as(queries, key, QUERY_DEADLINE).timeToValue(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<RetentionPeopleResponse> retentionPeople(String key, RetentionPeopleRequest request) {
        return as(queries, key, QUERY_DEADLINE).retentionPeople(request).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<SearchPeopleResponse> searchPeople(String key, SearchPeopleRequest request) {
        return as(queries, key, QUERY_DEADLINE).searchPeople(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<PersonProfile> person(String key, GetPersonRequest request) {
        return as(queries, key, QUERY_DEADLINE).getPerson(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<FunnelPeopleResponse> funnelPeople(String key, FunnelPeopleRequest request) {
        return as(queries, key, QUERY_DEADLINE).funnelPeople(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<AarrrResponse> aarrr(String key, AarrrRequest request) {
        return as(queries, key, QUERY_DEADLINE).aarrr(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<NorthStarResponse> northStar(String key, NorthStarRequest request) {
        return as(queries, key, QUERY_DEADLINE).northStar(request).onFailure().transform(AnalyticsClient::problem);
    }

    public Uni<AnalyticsSettings> settings(String key) {
        return as(admin, key).getSettings(GetAnalyticsSettingsRequest.getDefaultInstance()).onFailure()
                .transform(AnalyticsClient::problem);
    }

    public Uni<AnalyticsSettings> putSettings(String key, PutAnalyticsSettingsRequest request) {
        return as(admin, key).putSettings(request).onFailure().transform(AnalyticsClient::problem);
    }

    private static Throwable problem(Throwable failure) {
        return GrpcProblems.toApiException(failure, "analytics");
    }
}
