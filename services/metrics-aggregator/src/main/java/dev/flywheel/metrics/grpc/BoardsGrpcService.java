package dev.flywheel.metrics.grpc;

import dev.flywheel.metrics.model.MetricDefinitions;
import dev.flywheel.metrics.service.BoardService;
import dev.flywheel.proto.analytics.v1.BoardsService;
import dev.flywheel.proto.analytics.v1.Dashboard;
import dev.flywheel.proto.analytics.v1.DeleteDashboardRequest;
import dev.flywheel.proto.analytics.v1.DeleteDashboardResponse;
import dev.flywheel.proto.analytics.v1.DeleteSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.DeleteSavedInsightResponse;
import dev.flywheel.proto.analytics.v1.GetDashboardRequest;
import dev.flywheel.proto.analytics.v1.GetSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.ListBoardAuditRequest;
import dev.flywheel.proto.analytics.v1.ListDashboardsRequest;
import dev.flywheel.proto.analytics.v1.ListDashboardsResponse;
import dev.flywheel.proto.analytics.v1.ListSavedInsightsRequest;
import dev.flywheel.proto.analytics.v1.ListSavedInsightsResponse;
import dev.flywheel.proto.analytics.v1.PutDashboardRequest;
import dev.flywheel.proto.analytics.v1.PutSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.SavedInsight;
import dev.flywheel.proto.common.v1.AuditEntry;
import dev.flywheel.proto.common.v1.AuditPage;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/** A project's saved insights and dashboards over gRPC, with an admin key (a person's delegated one included). */
@GrpcService
public class BoardsGrpcService implements BoardsService {

    private final CallerScope caller;
    private final BoardService boards;

    public BoardsGrpcService(CallerScope caller, BoardService boards) {
        this.caller = caller;
        this.boards = boards;
    }

    @Override
    public Uni<ListSavedInsightsResponse> listInsights(ListSavedInsightsRequest request) {
        return caller.admin().chain(admin -> boards.list(admin.projectId(), BoardService.INSIGHTS))
                .map(list -> ListSavedInsightsResponse.newBuilder().addAllInsights(list).build())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<SavedInsight> getInsight(GetSavedInsightRequest request) {
        return caller.admin().chain(admin -> boards.get(admin.projectId(), BoardService.INSIGHTS,
                MetricDefinitions.key(request.getKey()))).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<SavedInsight> putInsight(PutSavedInsightRequest request) {
        return caller.admin().chain(admin -> boards.put(admin.projectId(), BoardService.INSIGHTS,
                request.getInsight(), request.getInsight().getKey(), request.getExpectedVersion(), admin.actor()))
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<DeleteSavedInsightResponse> deleteInsight(DeleteSavedInsightRequest request) {
        return caller.admin().chain(admin -> boards.delete(admin.projectId(), BoardService.INSIGHTS,
                MetricDefinitions.key(request.getKey()), request.getExpectedVersion(), admin.actor()))
                .replaceWith(DeleteSavedInsightResponse.getDefaultInstance())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<ListDashboardsResponse> listDashboards(ListDashboardsRequest request) {
        return caller.admin().chain(admin -> boards.list(admin.projectId(), BoardService.DASHBOARDS))
                .map(list -> ListDashboardsResponse.newBuilder().addAllDashboards(list).build())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<Dashboard> getDashboard(GetDashboardRequest request) {
        return caller.admin().chain(admin -> boards.get(admin.projectId(), BoardService.DASHBOARDS,
                MetricDefinitions.key(request.getKey()))).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<Dashboard> putDashboard(PutDashboardRequest request) {
        return caller.admin().chain(admin -> boards.put(admin.projectId(), BoardService.DASHBOARDS,
                request.getDashboard(), request.getDashboard().getKey(), request.getExpectedVersion(),
                admin.actor())).onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<DeleteDashboardResponse> deleteDashboard(DeleteDashboardRequest request) {
        return caller.admin().chain(admin -> boards.delete(admin.projectId(), BoardService.DASHBOARDS,
                MetricDefinitions.key(request.getKey()), request.getExpectedVersion(), admin.actor()))
                .replaceWith(DeleteDashboardResponse.getDefaultInstance())
                .onFailure().transform(CallerScope::toStatus);
    }

    @Override
    public Uni<AuditPage> listBoardAudit(ListBoardAuditRequest request) {
        return caller.admin().chain(admin -> boards.audit(admin.projectId(), request.getKey(),
                request.getBeforeId(), request.getPageSize()))
                .map(entries -> AuditPage.newBuilder().addAllEntries(entries.stream()
                        .map(entry -> entry.<AuditEntry>toProto(AuditEntry.newBuilder())).toList()).build())
                .onFailure().transform(CallerScope::toStatus);
    }
}
