package dev.flywheel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.flywheel.proto.analytics.v1.BoardsServiceGrpc;
import dev.flywheel.proto.analytics.v1.BoardsServiceGrpc.BoardsServiceBlockingStub;
import dev.flywheel.proto.analytics.v1.Dashboard;
import dev.flywheel.proto.analytics.v1.DashboardTile;
import dev.flywheel.proto.analytics.v1.DeleteDashboardRequest;
import dev.flywheel.proto.analytics.v1.DeleteSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.GetDashboardRequest;
import dev.flywheel.proto.analytics.v1.GetSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.ListBoardAuditRequest;
import dev.flywheel.proto.analytics.v1.ListDashboardsRequest;
import dev.flywheel.proto.analytics.v1.ListSavedInsightsRequest;
import dev.flywheel.proto.analytics.v1.PutDashboardRequest;
import dev.flywheel.proto.analytics.v1.PutSavedInsightRequest;
import dev.flywheel.proto.analytics.v1.SavedInsight;
import dev.flywheel.proto.common.v1.AuditEntry;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;

/** Saved insights and dashboards: versioned, audited, checked as a whole, dashboards naming only real insights. */
@QuarkusTest
class BoardsTest {

    private static final SavedInsight SIGNUPS = SavedInsight.newBuilder().setKey("signup-funnel")
            .setName("Sign-up funnel").setEnvironment("production")
            .setQueryJson("{\"kind\": \"funnel\", \"steps\": [\"Viewed Pricing\", \"Signed Up\"]}").build();

    private static void assertStatus(Status.Code code, String text, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
        assertTrue(text == null || e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
    }

    private static Dashboard board(String key, String... insights) {
        Dashboard.Builder board = Dashboard.newBuilder().setKey(key).setName("Growth");
        for (String insight : insights) {
            board.addTiles(DashboardTile.newBuilder().setInsightKey(insight));
        }
        return board.build();
    }

    @Test
    void insightsAndDashboardsAreVersionedAndADashboardShowsOnlyRealInsights() {
        try (AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            BoardsServiceBlockingStub boards = TestKeys.ADMIN_A.on(BoardsServiceGrpc.newBlockingStub(grpc.channel()));
            SavedInsight saved = boards.putInsight(PutSavedInsightRequest.newBuilder().setInsight(SIGNUPS)
                    .setExpectedVersion(-1).build());
            assertEquals(1, saved.getVersion());
            assertEquals("funnel", saved.getKind(), "the kind is read from the question");
            assertTrue(saved.getUpdatedBy().startsWith("key:"), saved.getUpdatedBy());
            assertStatus(Status.Code.ABORTED, "exists", () -> boards.putInsight(PutSavedInsightRequest.newBuilder()
                    .setInsight(SIGNUPS).setExpectedVersion(-1).build()));
            assertEquals(2, boards.putInsight(PutSavedInsightRequest.newBuilder().setInsight(SIGNUPS.toBuilder()
                    .setName("Renamed")).setExpectedVersion(1).build()).getVersion());
            assertStatus(Status.Code.ABORTED, "version 2", () -> boards.putInsight(PutSavedInsightRequest
                    .newBuilder().setInsight(SIGNUPS).setExpectedVersion(1).build()));
            assertEquals("Renamed", boards.getInsight(GetSavedInsightRequest.newBuilder().setKey("signup-funnel")
                    .build()).getName());

            // a dashboard names insights that exist, with widths 1 or 2
            assertStatus(Status.Code.INVALID_ARGUMENT, "[nowhere]", () -> boards.putDashboard(PutDashboardRequest
                    .newBuilder().setDashboard(board("growth", "signup-funnel", "nowhere")).build()));
            Dashboard growth = boards.putDashboard(PutDashboardRequest.newBuilder().setDashboard(board("growth",
                    "signup-funnel", "signup-funnel")).setExpectedVersion(-1).build());
            assertEquals(List.of(1, 1), growth.getTilesList().stream().map(DashboardTile::getWidth).toList());
            assertEquals(1, boards.listDashboards(ListDashboardsRequest.getDefaultInstance()).getDashboardsCount());
            assertEquals(2, boards.getDashboard(GetDashboardRequest.newBuilder().setKey("growth").build())
                    .getTilesCount());

            // an insight on a dashboard stays until it is taken off
            assertStatus(Status.Code.FAILED_PRECONDITION, "[growth]", () -> boards.deleteInsight(
                    DeleteSavedInsightRequest.newBuilder().setKey("signup-funnel").build()));
            boards.deleteDashboard(DeleteDashboardRequest.newBuilder().setKey("growth").setExpectedVersion(1).build());
            boards.deleteInsight(DeleteSavedInsightRequest.newBuilder().setKey("signup-funnel").setExpectedVersion(2)
                    .build());
            assertStatus(Status.Code.NOT_FOUND, "signup-funnel", () -> boards.getInsight(GetSavedInsightRequest
                    .newBuilder().setKey("signup-funnel").build()));
            assertEquals(0, boards.listInsights(ListSavedInsightsRequest.getDefaultInstance()).getInsightsCount());

            List<AuditEntry> log = boards.listBoardAudit(ListBoardAuditRequest.getDefaultInstance()).getEntriesList();
            assertEquals(List.of("insights/signup-funnel deleted", "dashboards/growth deleted",
                    "dashboards/growth created", "insights/signup-funnel updated", "insights/signup-funnel created"),
                    log.stream().map(entry -> entry.getKey() + " " + entry.getAction()).toList());
            assertTrue(log.get(3).getBeforeJson().contains("Sign-up funnel") && log.get(3).getAfterJson()
                    .contains("Renamed"), log.get(3).toString());
            assertEquals(0, TestKeys.ADMIN_B.on(BoardsServiceGrpc.newBlockingStub(grpc.channel()))
                    .listBoardAudit(ListBoardAuditRequest.getDefaultInstance()).getEntriesCount(),
                    "another project's log is its own");
        }
    }

    @Test
    void badDefinitionsNameTheFieldAndOnlyAdminKeysReachThem() {
        try (AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            BoardsServiceBlockingStub boards = TestKeys.ADMIN_B.on(BoardsServiceGrpc.newBlockingStub(grpc.channel()));
            Map<String, UnaryOperator<SavedInsight.Builder>> bad = new LinkedHashMap<>();
            bad.put("key", i -> i.setKey("Bad Key"));
            bad.put("name", i -> i.setName(" "));
            bad.put("description", i -> i.setDescription("x".repeat(2_001)));
            bad.put("environment", i -> i.setEnvironment("Not An Environment"));
            bad.put("queryJson must be a JSON object", i -> i.setQueryJson("[1, 2]"));
            bad.put("queryJson must be a JSON object:", i -> i.setQueryJson("{\"kind\": "));
            bad.put("queryJson.kind", i -> i.setQueryJson("{\"steps\": []}"));
            bad.put("32768 bytes", i -> i.setQueryJson("{\"kind\": \"funnel\", \"pad\": \"" + "x".repeat(33_000)
                    + "\"}"));
            for (var entry : bad.entrySet()) {
                assertStatus(Status.Code.INVALID_ARGUMENT, entry.getKey(), () -> boards.putInsight(
                        PutSavedInsightRequest.newBuilder().setInsight(entry.getValue().apply(SIGNUPS.toBuilder()))
                                .build()));
            }
            Dashboard.Builder crowded = board("crowded").toBuilder();
            for (int i = 0; i < 25; i++) {
                crowded.addTiles(DashboardTile.newBuilder().setInsightKey("signup-funnel"));
            }
            assertStatus(Status.Code.INVALID_ARGUMENT, "at most 24", () -> boards.putDashboard(PutDashboardRequest
                    .newBuilder().setDashboard(crowded).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "tiles[0].width", () -> boards.putDashboard(
                    PutDashboardRequest.newBuilder().setDashboard(board("wide").toBuilder().addTiles(DashboardTile
                            .newBuilder().setInsightKey("signup-funnel").setWidth(3))).build()));
            assertStatus(Status.Code.INVALID_ARGUMENT, "tiles[0].insightKey", () -> boards.putDashboard(
                    PutDashboardRequest.newBuilder().setDashboard(board("odd", "Not A Key")).build()));
            assertStatus(Status.Code.PERMISSION_DENIED, null, () -> TestKeys.SERVER_B.on(BoardsServiceGrpc
                    .newBlockingStub(grpc.channel())).listInsights(ListSavedInsightsRequest.getDefaultInstance()));
            assertStatus(Status.Code.UNAUTHENTICATED, null, () -> BoardsServiceGrpc.newBlockingStub(grpc.channel())
                    .listDashboards(ListDashboardsRequest.getDefaultInstance()));
        }
    }
}
