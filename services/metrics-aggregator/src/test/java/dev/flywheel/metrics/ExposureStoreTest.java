package dev.flywheel.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.ExperimentResultsServiceGrpc;
import dev.flywheel.proto.analytics.v1.GetExperimentHealthRequest;
import dev.flywheel.proto.analytics.v1.ListUnitVariationsRequest;
import dev.flywheel.proto.analytics.v1.UnitVariation;
import dev.flywheel.proto.analytics.v1.VariationUnits;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.stats.SampleRatio;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Each unit's first exposure per experiment, and units per variation, kept exactly whatever the arrival order; the
 * sample-ratio guard over them.
 */
@QuarkusTest
class ExposureStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @Inject
    Pool pool;

    @Test
    void firstExposuresAndUnitsPerVariation() throws Exception {
        String environment = "exposures-" + UUID.randomUUID().toString().substring(0, 8);
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            Event.Builder[] first = {
                    feed.exposure("u1", "checkout", 0, T0), feed.exposure("u2", "checkout", 0, T0.plusSeconds(1)),
                    feed.exposure("u3", "checkout", 0, T0.plusSeconds(2)),
                    feed.exposure("u4", "checkout", 1, T0.plusSeconds(3)),
                    feed.exposure("u5", "checkout", 1, T0.plusSeconds(4)),
                    // u6 is first seen in the treatment, at T0 + 10 s ...
                    feed.exposure("u6", "checkout", 1, T0.plusSeconds(10)),
                    // ... a later exposure of u1 changes nothing, another experiment is counted apart ...
                    feed.exposure("u1", "checkout", 0, T0.plusSeconds(60)),
                    feed.exposure("u1", "pricing", 1, T0.plusSeconds(5)),
                    // ... and an exposure without its experiment is stored as an event, not counted.
                    feed.track("u7", "$exposure", T0, Map.of("variation_index", 0))};
            feed.send(first);
            store.awaitEvents(environment, 9);
            // Then an earlier exposure of u6, in the control, arrives late: u6 moves to the control.
            feed.send(feed.exposure("u6", "checkout", 0, T0.plusSeconds(5)));
            store.awaitEvents(environment, 10);
            assertEquals("0:control=4,1:treatment=2", units(store, environment, "checkout"));
            assertEquals("1:treatment=1", units(store, environment, "pricing"));
            assertEquals(T0.plusSeconds(5).toString(), store.text("SELECT to_char(exposed_at AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM experiment_exposure WHERE environment = $1"
                    + " AND unit_id = 'u6'", environment));
            // Sending everything again (a replay) changes nothing.
            feed.send(first);
            feed.send(feed.track("u8", "Marker", T0, Map.of()));
            store.awaitEvents(environment, 11);
            assertEquals("0:control=4,1:treatment=2", units(store, environment, "checkout"));
            assertEquals(7, store.number("SELECT count(*) FROM experiment_exposure WHERE environment = $1",
                    environment));
            // Other services look units' variations up (survey answers by variation).
            try (AnalyticsGrpc grpc = new AnalyticsGrpc()) {
                var results = TestKeys.ADMIN_A.on(ExperimentResultsServiceGrpc.newBlockingStub(grpc.channel()));
                var found = results.listUnitVariations(ListUnitVariationsRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey("checkout")
                        .addAllUnitIds(List.of("u1", "u6", "u4", "nobody")).build()).getUnitsList();
                assertEquals(Map.of("u1", 0, "u6", 0, "u4", 1), found.stream().collect(java.util.stream.Collectors
                        .toMap(UnitVariation::getUnitId, UnitVariation::getVariationIndex)));
                List<String> tooMany = new ArrayList<>();
                for (int i = 0; i <= 10_000; i++) {
                    tooMany.add("u" + i);
                }
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> results
                        .listUnitVariations(ListUnitVariationsRequest.newBuilder().setEnvironment(environment)
                                .setExperimentKey("checkout").addAllUnitIds(tooMany).build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
            }
        }
    }

    @Test
    void healthComparesUnitsWithTheSplit() throws Exception {
        String environment = "health-" + UUID.randomUUID().toString().substring(0, 8);
        List<Event.Builder> exposures = new ArrayList<>();
        try (EventFeed feed = new EventFeed("project-a", environment);
                AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            for (int i = 0; i < 2200; i++) {
                exposures.add(feed.exposure("s" + i, "skewed", i < 1000 ? 0 : 1, T0.plusMillis(i)));
            }
            for (int i = 0; i < 6; i++) {
                exposures.add(feed.exposure("f" + i, "fair", i < 4 ? 0 : 1, T0.plusMillis(i)));
            }
            feed.send(exposures.toArray(Event.Builder[]::new));
            new StoreQueries(pool).awaitEvents(environment, 2206);
            var results = ExperimentResultsServiceGrpc.newBlockingStub(grpc.channel());
            ExperimentHealth skewed = TestKeys.ADMIN_A.on(results).getExperimentHealth(GetExperimentHealthRequest
                    .newBuilder().setEnvironment(environment).setExperimentKey("skewed").build());
            assertEquals(2200, skewed.getTotalUnits());
            assertEquals(List.of(1000L, 1200L), skewed.getVariationsList().stream().map(VariationUnits::getUnits)
                    .toList());
            assertEquals(0.5, skewed.getVariations(1).getExpectedShare(), 1e-12);
            assertEquals(2.0079e-05, skewed.getSrmPValue(), 1e-9);
            assertTrue(skewed.getSampleRatioMismatch());
            ExperimentHealth fair = TestKeys.ADMIN_A.on(results).getExperimentHealth(GetExperimentHealthRequest
                    .newBuilder().setEnvironment(environment).setExperimentKey("fair").build());
            assertEquals(SampleRatio.pValue(new long[]{4, 2}, new double[]{0.5, 0.5}), fair.getSrmPValue(), 1e-12);
            assertFalse(fair.getSampleRatioMismatch());
            assertEquals("treatment", fair.getVariations(1).getKey());

            StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> TestKeys.ADMIN_A
                    .on(results).getExperimentHealth(GetExperimentHealthRequest.newBuilder()
                            .setEnvironment(environment).setExperimentKey("nothing").build()));
            assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
            StatusRuntimeException empty = assertThrows(StatusRuntimeException.class, () -> TestKeys.ADMIN_A
                    .on(results).getExperimentHealth(GetExperimentHealthRequest.newBuilder()
                            .setEnvironment(environment).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
            StatusRuntimeException client = assertThrows(StatusRuntimeException.class, () -> TestKeys.CLIENT_A
                    .on(results).getExperimentHealth(GetExperimentHealthRequest.newBuilder()
                            .setExperimentKey("fair").build()));
            assertEquals(Status.Code.PERMISSION_DENIED, client.getStatus().getCode());
        }
    }

    private static String units(StoreQueries store, String environment, String experiment) {
        return store.text("SELECT string_agg(variation_index || ':' || variation_key || '=' || units, ','"
                + " ORDER BY variation_index) FROM experiment_variation WHERE environment = $1"
                + " AND experiment_key = $2", environment, experiment);
    }
}
