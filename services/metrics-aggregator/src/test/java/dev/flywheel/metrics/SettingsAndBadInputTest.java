package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static dev.flywheel.metrics.AnalyticsGrpc.filter;
import static dev.flywheel.metrics.AnalyticsGrpc.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import dev.flywheel.proto.analytics.v1.AarrrRequest;
import dev.flywheel.proto.analytics.v1.Aggregation;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.proto.analytics.v1.FunnelExclusion;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.GetAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.MetricDefinition;
import dev.flywheel.proto.analytics.v1.Point;
import dev.flywheel.proto.analytics.v1.PropertyOperator;
import dev.flywheel.proto.analytics.v1.PutAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/** Time zones (a daylight-saving change, re-bucketing on a zone change), settings, and every bad input. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettingsAndBadInputTest {

    @Inject
    Pool pool;

    private final String environment = "zones-" + UUID.randomUUID().toString().substring(0, 8);
    private AnalyticsGrpc grpc;

    @BeforeAll
    void connect() {
        grpc = new AnalyticsGrpc();
    }

    @AfterAll
    void close() {
        grpc.close();
    }

    private List<Double> daily(Aggregation aggregation, boolean filtered) {
        return daily(aggregation, filtered, "Opened");
    }

    private List<Double> daily(Aggregation aggregation, boolean filtered, String name) {
        var events = event(name).toBuilder();
        if (filtered) {
            events.addFilters(filter("app", PropertyOperator.PROPERTY_OPERATOR_EQUALS, "ios"));
        }
        return grpc.queries(TestKeys.ADMIN_B).trends(TrendsRequest.newBuilder().setEnvironment(environment)
                .setRange(range("2026-03-07", "2026-03-09")).setMetric(MetricDefinition.newBuilder()
                        .setAggregation(aggregation).setEvents(events))
                .build()).getSeries(0).getPointsList().stream().map(Point::getValue).toList();
    }

    @Test
    void daysFollowTheProjectTimeZoneAcrossDaylightSaving() throws Exception {
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-b", environment)) {
            // New York moves to daylight time at 02:00 on Sunday March 8, 2026: that day has 23 hours.
            feed.send(feed.track("n1", "Opened", Instant.parse("2026-03-08T04:30:00Z"), Map.of("app", "ios")), // Mar 7, 23:30 EST
                    feed.track("n2", "Opened", Instant.parse("2026-03-08T05:30:00Z"), Map.of("app", "ios")), // Mar 8, 00:30 EST
                    feed.track("n1", "Opened", Instant.parse("2026-03-09T03:30:00Z"), Map.of("app", "ios")), // Mar 8, 23:30 EDT
                    feed.track("n2", "Opened", Instant.parse("2026-03-09T04:30:00Z"), Map.of("app", "ios"))); // Mar 9, 00:30 EDT
            store.awaitEvents(environment, 4);
            assertEquals(List.of(0.0, 2.0, 2.0), daily(Aggregation.AGGREGATION_TOTAL, false)); // still UTC

            AnalyticsSettings settings = grpc.admin(TestKeys.ADMIN_B).putSettings(PutAnalyticsSettingsRequest
                    .newBuilder().setSettings(AnalyticsSettings.newBuilder().setTimeZone("America/New_York")).build());
            assertEquals("America/New_York", settings.getTimeZone());
            // The rollups were re-bucketed; the raw-event path (a filter) agrees with them.
            assertEquals(List.of(1.0, 2.0, 1.0), daily(Aggregation.AGGREGATION_TOTAL, false));
            assertEquals(List.of(1.0, 2.0, 1.0), daily(Aggregation.AGGREGATION_UNIQUE_USERS, false));
            assertEquals(List.of(1.0, 2.0, 1.0), daily(Aggregation.AGGREGATION_TOTAL, true));
            assertEquals(List.of(1.0, 2.0, 1.0), daily(Aggregation.AGGREGATION_UNIQUE_USERS, false, ""));

            // Events after the change land in the new zone's days.
            feed.send(feed.track("n3", "Opened", Instant.parse("2026-03-08T06:30:00Z"), Map.of("app", "ios")));
            store.awaitEvents(environment, 5);
            assertEquals(List.of(1.0, 3.0, 1.0), daily(Aggregation.AGGREGATION_TOTAL, false));
            assertEquals(List.of(1.0, 3.0, 1.0), daily(Aggregation.AGGREGATION_UNIQUE_USERS, true));
            assertEquals(List.of(1.0, 3.0, 1.0), daily(Aggregation.AGGREGATION_UNIQUE_USERS, false, ""));
        }
    }

    private static void assertStatus(Status.Code code, String message, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().getDescription());
        if (message != null) {
            assertTrue(e.getStatus().getDescription().contains(message), e.getStatus().getDescription());
        }
    }

    private TrendsRequest.Builder trend() {
        return TrendsRequest.newBuilder().setEnvironment("production").setRange(range("2026-03-01", "2026-03-02"))
                .setMetric(MetricDefinition.newBuilder().setEvents(event("Opened")));
    }

    @Test
    void keysDecideWhoReadsWhat() {
        assertStatus(Status.Code.UNAUTHENTICATED, null, () -> grpc.anonymous().trends(trend().build()));
        assertStatus(Status.Code.PERMISSION_DENIED, "client", () -> grpc.queries(TestKeys.CLIENT_A)
                .trends(trend().build()));
        assertStatus(Status.Code.PERMISSION_DENIED, "staging", () -> grpc.queries(TestKeys.SERVER_A)
                .trends(trend().setEnvironment("staging").build()));
        // A server key reads its own environment, named or not.
        assertEquals(1, grpc.queries(TestKeys.SERVER_A).trends(trend().setEnvironment("").build()).getSeriesCount());
        assertStatus(Status.Code.PERMISSION_DENIED, null, () -> grpc.admin(TestKeys.SERVER_A)
                .getSettings(GetAnalyticsSettingsRequest.getDefaultInstance()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "environment", () -> grpc.queries(TestKeys.ADMIN_A)
                .trends(trend().setEnvironment("").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "environment", () -> grpc.queries(TestKeys.ADMIN_A)
                .trends(trend().setEnvironment("Prod uction").build()));
    }

    @Test
    void malformedQueriesAreRefusedWithTheFieldNamed() {
        var queries = grpc.queries(TestKeys.ADMIN_A);
        assertStatus(Status.Code.INVALID_ARGUMENT, "range.from", () -> queries.trends(trend()
                .setRange(range("2026-13-01", "2026-03-02")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "before", () -> queries.trends(trend()
                .setRange(range("2026-03-05", "2026-03-02")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "days", () -> queries.trends(trend()
                .setRange(range("2000-01-01", "2026-03-02")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "metric", () -> queries.trends(trend().clearMetric().build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "not a number", () -> queries.trends(trend()
                .setMetric(MetricDefinition.newBuilder().setEvents(event("Opened").toBuilder().addFilters(
                        filter("amount", PropertyOperator.PROPERTY_OPERATOR_GREATER_THAN, "abc"))))
                .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "empty path segment", () -> queries.trends(trend()
                .setBreakdown("context..campaign").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "property is required to SUM", () -> queries.trends(trend()
                .setMetric(MetricDefinition.newBuilder().setAggregation(Aggregation.AGGREGATION_SUM)
                        .setEvents(event("Paid")))
                .build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "longer than", () -> queries.trends(trend()
                .setMetric(MetricDefinition.newBuilder().setEvents(event("x".repeat(201)))).build()));
        Function<FunnelRequest.Builder, FunnelRequest> funnel = f -> f.setEnvironment("production")
                .setRange(range("2026-03-01", "2026-03-02")).build();
        assertStatus(Status.Code.INVALID_ARGUMENT, "2 to 20 steps", () -> queries.funnel(funnel.apply(
                FunnelRequest.newBuilder().addSteps(event("A")))));
        assertStatus(Status.Code.INVALID_ARGUMENT, "steps[1].event", () -> queries.funnel(funnel.apply(
                FunnelRequest.newBuilder().addSteps(event("A")).addSteps(event("")))));
        assertStatus(Status.Code.INVALID_ARGUMENT, "exclusion", () -> queries.funnel(funnel.apply(
                FunnelRequest.newBuilder().addSteps(event("A")).addSteps(event("B")).addExclusions(
                        FunnelExclusion.newBuilder().setEvents(event("X")).setFromStep(1).setToStep(0)))));
        assertStatus(Status.Code.INVALID_ARGUMENT, "windowSeconds", () -> queries.funnel(funnel.apply(
                FunnelRequest.newBuilder().addSteps(event("A")).addSteps(event("B")).setWindowSeconds(-5))));
        var tooManyFilters = event("Opened").toBuilder();
        for (int i = 0; i < 21; i++) {
            tooManyFilters.addFilters(filter("p" + i, PropertyOperator.PROPERTY_OPERATOR_IS_SET));
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, "at most 20 filters", () -> queries.trends(trend()
                .setMetric(MetricDefinition.newBuilder().setEvents(tooManyFilters)).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "at most 100 values", () -> queries.trends(trend()
                .setMetric(MetricDefinition.newBuilder().setEvents(event("Opened").toBuilder().addFilters(
                        filter("plan", PropertyOperator.PROPERTY_OPERATOR_EQUALS, "v".repeat(101).split("")))))
                .build()));
        FunnelRequest.Builder longFunnel = FunnelRequest.newBuilder();
        for (int i = 0; i < 21; i++) {
            longFunnel.addSteps(event("S" + i));
        }
        assertStatus(Status.Code.INVALID_ARGUMENT, "2 to 20 steps", () -> queries.funnel(funnel.apply(longFunnel)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "120 periods", () -> queries.retention(RetentionRequest
                .newBuilder().setEnvironment("production").setRange(range("2026-03-01", "2026-03-02"))
                .setPeriods(500).build()));
    }

    @Test
    void settingsAreCheckedAndVersioned() {
        var admin = grpc.admin(TestKeys.ADMIN_B);
        assertStatus(Status.Code.INVALID_ARGUMENT, "time zone", () -> admin.putSettings(PutAnalyticsSettingsRequest
                .newBuilder().setSettings(AnalyticsSettings.newBuilder().setTimeZone("Mars/Olympus")).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "northStar", () -> admin.putSettings(PutAnalyticsSettingsRequest
                .newBuilder().setSettings(AnalyticsSettings.newBuilder().addNorthStarInputs(MetricDefinition
                        .newBuilder().setEvents(event("A"))))
                .build()));
        assertStatus(Status.Code.ABORTED, "version", () -> admin.putSettings(PutAnalyticsSettingsRequest.newBuilder()
                .setExpectedVersion(999).setSettings(AnalyticsSettings.getDefaultInstance()).build()));
        // Project B has no AARRR stages: the query says what to configure.
        assertStatus(Status.Code.FAILED_PRECONDITION, "AARRR", () -> grpc.queries(TestKeys.ADMIN_B).aarrr(
                AarrrRequest.newBuilder().setEnvironment("production").setRange(range("2026-03-01", "2026-03-02"))
                        .build()));
    }
}
