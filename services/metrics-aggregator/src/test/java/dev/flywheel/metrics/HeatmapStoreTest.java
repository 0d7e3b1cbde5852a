package dev.flywheel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.recordings.v1.DeleteHeatmapDataRequest;
import dev.flywheel.proto.recordings.v1.EventOccurrences;
import dev.flywheel.proto.recordings.v1.FindEventOccurrencesRequest;
import dev.flywheel.proto.recordings.v1.Heatmap;
import dev.flywheel.proto.recordings.v1.HeatmapCell;
import dev.flywheel.proto.recordings.v1.HeatmapKind;
import dev.flywheel.proto.recordings.v1.HeatmapRequest;
import dev.flywheel.proto.recordings.v1.HeatmapServiceGrpc;
import dev.flywheel.proto.recordings.v1.HeatmapServiceGrpc.HeatmapServiceBlockingStub;
import dev.flywheel.proto.recordings.v1.RecordingEventsServiceGrpc;
import dev.flywheel.proto.recordings.v1.ScrollMap;
import dev.flywheel.proto.recordings.v1.UrlMatch;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The browser SDK's heatmap events become points per page when stored (each event once): a click grid, the elements
 * clicked, rage clicks, pointer positions, the scroll map; URL matching, viewport bands, erasure and bad requests.
 */
@QuarkusTest
class HeatmapStoreTest {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @Inject
    Pool pool;

    static Event.Builder withPage(Event.Builder event, String url) {
        return event.setContext(ProtoValues.toStruct(Map.of("page", Map.of("url", url))));
    }

    @Test
    void heatmapEventsBecomeAGridElementsAndAScrollMap() throws Exception {
        String environment = "heatmaps-" + UUID.randomUUID().toString().substring(0, 8);
        StoreQueries store = new StoreQueries(pool);
        List<Event.Builder> events = new ArrayList<>();
        try (EventFeed feed = new EventFeed("project-a", environment); AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            String pricing = "https://shop.example/pricing?plan=pro#faq";
            // 3 clicks on the buy button (the third a rage click), 1 on the logo, on desktops; 1 on a phone
            for (int i = 0; i < 3; i++) {
                events.add(withPage(feed.track("u1", "$heatmap_click", T0.plusMillis(i * 200), Map.of("x", 0.52,
                        "y", 900, "selector", "#buy", "viewportWidth", 1280, "rage", i == 2)), pricing));
            }
            events.add(withPage(feed.track("u2", "$heatmap_click", T0, Map.of("x", 0.01, "y", 10, "selector",
                    "#logo", "viewportWidth", 1440)), pricing));
            // the logo did nothing: the same click again, marked dead (not counted as a second click)
            events.add(withPage(feed.track("u2", "$heatmap_click", T0.plusSeconds(1), Map.of("x", 0.01, "y", 10,
                    "selector", "#logo", "viewportWidth", 1440, "dead", true)), pricing));
            events.add(withPage(feed.track("u3", "$heatmap_click", T0, Map.of("x", 0.5, "y", 700, "selector",
                    "#buy", "viewportWidth", 390)), pricing));
            // positions, and one off the page that is left out
            events.add(withPage(feed.track("u1", "$heatmap_move", T0, Map.of("points", List.of(List.of(0.5, 100),
                    List.of(0.51, 110), List.of(1.7, 5)), "viewportWidth", 1280)), pricing));
            // scroll depths of 4 page views: 800, 1500, 2500, 2500 px on a 3,000 px page
            for (int depth : new int[]{800, 1500, 2500, 2500}) {
                events.add(withPage(feed.track("u" + depth, "$heatmap_scroll", T0, Map.of("depth", depth,
                        "pageHeight", 3000, "viewportWidth", 1280)), pricing));
            }
            // another page, and an event without a page: neither counts on /pricing
            events.add(withPage(feed.track("u1", "$heatmap_click", T0, Map.of("x", 0.5, "y", 5, "selector", "#x",
                    "viewportWidth", 1280)), "https://shop.example/product/7"));
            events.add(feed.track("u1", "$heatmap_click", T0, Map.of("x", 0.5, "y", 5, "viewportWidth", 1280)));
            feed.send(events.toArray(Event.Builder[]::new));
            store.awaitEvents(environment, events.size());
            // a replay of the same events stores nothing twice
            feed.send(events.toArray(Event.Builder[]::new));
            feed.send(feed.track("u9", "Marker", T0, Map.of()));
            store.awaitEvents(environment, events.size() + 1);

            HeatmapServiceBlockingStub heatmaps = TestKeys.ADMIN_A.on(HeatmapServiceGrpc.newBlockingStub(grpc
                    .channel()));
            HeatmapRequest.Builder desktop = HeatmapRequest.newBuilder().setEnvironment(environment)
                    .setUrl("https://shop.example/pricing").setMinWidth(1024).setColumns(10).setCellPx(100);
            Heatmap clicks = heatmaps.getHeatmap(desktop.build());
            assertEquals(4, clicks.getTotal());
            assertEquals(List.of(cell(0, 0, 1), cell(5, 9, 3)), clicks.getCellsList());
            assertEquals("#buy", clicks.getElements(0).getSelector());
            assertEquals(3, clicks.getElements(0).getClicks());
            assertEquals(1, clicks.getElements(0).getRageClicks());
            assertEquals(1, heatmaps.getHeatmap(desktop.clone().setKind(HeatmapKind.HEATMAP_KIND_RAGE).build())
                    .getTotal());
            assertEquals(1, heatmaps.getHeatmap(desktop.clone().setKind(HeatmapKind.HEATMAP_KIND_DEAD).build())
                    .getTotal());
            assertEquals("#logo", clicks.getElements(1).getSelector());
            assertEquals(1, clicks.getElements(1).getDeadClicks());
            assertEquals(2, heatmaps.getHeatmap(desktop.clone().setKind(HeatmapKind.HEATMAP_KIND_MOVE).build())
                    .getTotal());
            // every width, and the pages by prefix and by pattern
            assertEquals(5, heatmaps.getHeatmap(desktop.clone().setMinWidth(0).build()).getTotal());
            assertEquals(6, heatmaps.getHeatmap(desktop.clone().setMinWidth(0).setUrl("https://shop.example/")
                    .setMatch(UrlMatch.URL_MATCH_PREFIX).build()).getTotal());
            assertEquals(1, heatmaps.getHeatmap(desktop.clone().setMinWidth(0).setUrl("https://shop.example/product/*")
                    .setMatch(UrlMatch.URL_MATCH_PATTERN).build()).getTotal());
            assertEquals(1, heatmaps.getHeatmap(desktop.clone().setMinWidth(0).setMaxWidth(800).build()).getTotal());

            // ranges count the whole UTC days they touch; a coarser grid sums the stored one's cells
            assertEquals(4, heatmaps.getHeatmap(desktop.clone().setFrom(ProtoValues.timestamp(T0.plusSeconds(3600)))
                    .build()).getTotal());
            assertEquals(0, heatmaps.getHeatmap(desktop.clone().setTo(ProtoValues.timestamp(Instant.parse(
                    "2026-11-20T00:00:00Z"))).build()).getTotal());
            assertEquals(0, heatmaps.getHeatmap(desktop.clone().setFrom(ProtoValues.timestamp(Instant.parse(
                    "2026-11-21T00:00:00Z"))).build()).getTotal());
            assertEquals(List.of(cell(0, 0, 4)), heatmaps.getHeatmap(desktop.clone().setColumns(1).setCellPx(1000)
                    .build()).getCellsList());

            ScrollMap scroll = heatmaps.getScrollMap(desktop.build());
            assertEquals(4, scroll.getViews());
            assertEquals(3000, scroll.getMedianPageHeight());
            assertEquals(1.0, scroll.getDepths(0).getShare());
            assertEquals(0.75, scroll.getDepths(10).getShare()); // 1,000 px: all but the 800
            assertEquals(0.5, scroll.getDepths(20).getShare()); // 2,000 px
            assertEquals(0.5, scroll.getDepths(25).getShare()); // 2,500 px
            assertEquals(26, scroll.getDepthsCount());

            // bad requests
            for (HeatmapRequest bad : List.of(desktop.clone().setUrl("").build(),
                    desktop.clone().setUrl("/pricing").build(), desktop.clone().setColumns(401).build(),
                    desktop.clone().setColumns(50).build(), desktop.clone().setCellPx(10).build(),
                    desktop.clone().setCellPx(1004).build(), desktop.clone().setCellPx(2).build(),
                    desktop.clone().setMinWidth(900).setMaxWidth(800).build())) {
                assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                        () -> heatmaps.getHeatmap(bad)).getStatus().getCode(), bad.toString());
            }
            assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                    () -> TestKeys.CLIENT_A.on(HeatmapServiceGrpc.newBlockingStub(grpc.channel())).getHeatmap(
                            desktop.build()))
                    .getStatus().getCode());

            // who performed an event when (filtering recordings by it)
            var occurrences = TestKeys.ADMIN_A.on(RecordingEventsServiceGrpc.newBlockingStub(grpc.channel()));
            FindEventOccurrencesRequest.Builder find = FindEventOccurrencesRequest.newBuilder()
                    .setEnvironment(environment).setEvent("$heatmap_scroll")
                    .setFrom(ProtoValues.timestamp(T0.minusSeconds(60)))
                    .setTo(ProtoValues.timestamp(T0.plusSeconds(60)));
            EventOccurrences all = occurrences.findEventOccurrences(find.build());
            assertEquals(4, all.getOccurrencesCount());
            assertEquals(false, all.getTruncated());
            EventOccurrences two = occurrences.findEventOccurrences(find.clone().setLimit(2).build());
            assertEquals(2, two.getOccurrencesCount());
            assertEquals(true, two.getTruncated());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> occurrences.findEventOccurrences(find.clone().clearFrom().build())).getStatus().getCode());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> occurrences.findEventOccurrences(find.clone().setEvent("").build())).getStatus().getCode());

            assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                    () -> TestKeys.CLIENT_A.on(RecordingEventsServiceGrpc.newBlockingStub(grpc.channel()))
                            .findEventOccurrences(find.build()))
                    .getStatus().getCode());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> occurrences.findEventOccurrences(find.clone().setLimit(10_001).build())).getStatus()
                    .getCode());
            // erasure: admins only, a distinct id and an environment
            assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
                    () -> TestKeys.SERVER_A.on(HeatmapServiceGrpc.newBlockingStub(grpc.channel())).deleteHeatmapData(
                            DeleteHeatmapDataRequest.newBuilder().setEnvironment(environment).setDistinctId("u1")
                                    .build()))
                    .getStatus().getCode());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> heatmaps.deleteHeatmapData(DeleteHeatmapDataRequest.newBuilder().setEnvironment(
                            environment).build()))
                    .getStatus().getCode());
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class,
                    () -> heatmaps.deleteHeatmapData(DeleteHeatmapDataRequest.newBuilder().setEnvironment("Bad Env")
                            .setDistinctId("u1").build()))
                    .getStatus().getCode());

            // a person's erasure takes their points and depths
            assertEquals(6, heatmaps.deleteHeatmapData(DeleteHeatmapDataRequest.newBuilder().setEnvironment(
                    environment).setDistinctId("u1").build()).getPointsDeleted());
            Heatmap left = heatmaps.getHeatmap(desktop.clone().setMinWidth(0).build());
            assertEquals(2, left.getTotal());
            assertEquals(List.of("#buy", "#logo"), left.getElementsList().stream().map(e -> e.getSelector())
                    .toList());
            assertEquals(1, left.getElements(0).getClicks());
            assertEquals(0, left.getElements(0).getRageClicks());
            assertEquals(0, heatmaps.getHeatmap(desktop.clone().setKind(HeatmapKind.HEATMAP_KIND_MOVE).build())
                    .getTotal());
            // no emptied rollup rows are left behind
            assertEquals(0L, pool.preparedQuery("SELECT (SELECT count(*) FROM heatmap_cell_daily WHERE points <= 0)"
                    + " + (SELECT count(*) FROM heatmap_element_daily WHERE clicks <= 0 AND dead_clicks <= 0)")
                    .execute().await().indefinitely().iterator().next().getLong(0));
        }
    }

    private static HeatmapCell cell(int column, int row, long count) {
        return HeatmapCell.newBuilder().setColumn(column).setRow(row).setCount(count).build();
    }
}
