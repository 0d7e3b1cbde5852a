package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static dev.flywheel.metrics.AnalyticsGrpc.range;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.flywheel.proto.analytics.v1.AarrrPeriod;
import dev.flywheel.proto.analytics.v1.AarrrRequest;
import dev.flywheel.proto.analytics.v1.AarrrStages;
import dev.flywheel.proto.analytics.v1.Aggregation;
import dev.flywheel.proto.analytics.v1.AnalyticsSettings;
import dev.flywheel.proto.analytics.v1.GetAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.Interval;
import dev.flywheel.proto.analytics.v1.MetricDefinition;
import dev.flywheel.proto.analytics.v1.NorthStarRequest;
import dev.flywheel.proto.analytics.v1.NorthStarResponse;
import dev.flywheel.proto.analytics.v1.Point;
import dev.flywheel.proto.analytics.v1.PutAnalyticsSettingsRequest;
import dev.flywheel.proto.analytics.v1.TimeToValueRequest;
import dev.flywheel.proto.analytics.v1.TimeToValueResponse;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * AARRR, time-to-value and the North Star over a hand-computed dataset, with project-a's stages configured:
 * p1 (from google) visits March 2, activates March 4, pays 30 on March 10; p2 (referred) visits and invites on
 * March 3 and visits again March 10; p3 (no source) visits March 10 and activates ten days later.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrowthQueriesTest {

    @Inject
    Pool pool;

    private final String environment = "growth-" + UUID.randomUUID().toString().substring(0, 8);
    private AnalyticsGrpc grpc;

    @BeforeAll
    void configureAndSend() throws Exception {
        grpc = new AnalyticsGrpc();
        AnalyticsSettings current = grpc.admin(TestKeys.ADMIN_A).getSettings(GetAnalyticsSettingsRequest
                .getDefaultInstance());
        grpc.admin(TestKeys.ADMIN_A).putSettings(PutAnalyticsSettingsRequest.newBuilder()
                .setExpectedVersion(current.getVersion()).setSettings(AnalyticsSettings.newBuilder()
                        .setTimeZone("UTC")
                        .setAarrr(AarrrStages.newBuilder().setActivation(event("Activated")).setActivationDays(7)
                                .setReferral(event("Invite Sent")).setRevenue(event("Paid"))
                                .setRevenueProperty("amount"))
                        .setNorthStar(MetricDefinition.newBuilder().setName("Revenue").setEvents(event("Paid"))
                                .setAggregation(Aggregation.AGGREGATION_SUM).setProperty("amount"))
                        .addNorthStarInputs(MetricDefinition.newBuilder().setName("Activated users")
                                .setEvents(event("Activated")).setAggregation(Aggregation.AGGREGATION_UNIQUE_USERS)))
                .build());
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            feed.send(visit(feed, "p1", "2026-03-02T10:00:00Z", "google"),
                    feed.track("p1", "Activated", Instant.parse("2026-03-04T10:00:00Z"), Map.of()),
                    feed.track("p1", "Paid", Instant.parse("2026-03-10T10:00:00Z"), Map.of("amount", 30)),
                    visit(feed, "p2", "2026-03-03T10:00:00Z", "referral"),
                    feed.track("p2", "Invite Sent", Instant.parse("2026-03-03T11:00:00Z"), Map.of()),
                    feed.track("p2", "Visited", Instant.parse("2026-03-10T10:00:00Z"), Map.of()),
                    visit(feed, "p3", "2026-03-10T10:00:00Z", null),
                    feed.track("p3", "Activated", Instant.parse("2026-03-20T10:00:00Z"), Map.of()));
            new StoreQueries(pool).awaitEvents(environment, 8);
        }
    }

    private static Event.Builder visit(EventFeed feed, String who, String at, String source) {
        Event.Builder visit = feed.track(who, "Visited", Instant.parse(at), Map.of());
        if (source != null) {
            visit.setContext(ProtoValues.toStruct(Map.of("campaign", Map.of("source", source))));
        }
        return visit;
    }

    @AfterAll
    void close() {
        grpc.close();
    }

    @Test
    void aarrrPerWeek() {
        List<AarrrPeriod> weeks = grpc.queries(TestKeys.ADMIN_A).aarrr(AarrrRequest.newBuilder()
                .setEnvironment(environment).setRange(range("2026-03-02", "2026-03-15"))
                .setInterval(Interval.INTERVAL_WEEK).build()).getPeriodsList();
        AarrrPeriod first = weeks.get(0);
        assertEquals("2026-03-02", first.getPeriod());
        assertEquals(2, first.getNewUsers());
        assertEquals(Map.of("google", 1L, "referral", 1L), first.getNewUsersBySourceMap());
        assertEquals(1, first.getActivated());
        assertEquals(0.5, first.getActivationRate(), 1e-12);
        assertEquals(1, first.getReferralEvents());
        assertEquals(1, first.getReferrers());
        assertEquals(1, first.getReferredUsers());
        assertEquals(2, first.getActiveUsers());
        assertEquals(0.0, first.getRevenue(), 1e-12);
        AarrrPeriod second = weeks.get(1);
        assertEquals(1, second.getNewUsers());
        assertEquals(Map.of("$none", 1L), second.getNewUsersBySourceMap());
        assertEquals(0, second.getActivated()); // p3 activated after 10 days, past the 7
        assertEquals(2, second.getRetained());
        assertEquals(1.0, second.getRetentionRate(), 1e-12);
        assertEquals(3, second.getActiveUsers());
        assertEquals(30.0, second.getRevenue(), 1e-12);
        assertEquals(10.0, second.getArpu(), 1e-12);
        assertEquals(1.0 / 3, second.getPayingShare(), 1e-12);
    }

    @Test
    void timeToValueFromFirstSeenToActivation() {
        TimeToValueResponse ttv = grpc.queries(TestKeys.ADMIN_A).timeToValue(TimeToValueRequest.newBuilder()
                .setEnvironment(environment).setRange(range("2026-03-02", "2026-03-15")).build());
        assertEquals(3, ttv.getPeople());
        assertEquals(2, ttv.getActivated());
        assertEquals(518_400.0, ttv.getMedianSeconds(), 1e-9); // 2 and 10 days
        assertEquals(518_400.0, ttv.getAverageSeconds(), 1e-9);
        assertEquals(794_880.0, ttv.getP90Seconds(), 1e-9);
    }

    @Test
    void northStarWithItsInputs() {
        NorthStarResponse northStar = grpc.queries(TestKeys.ADMIN_A).northStar(NorthStarRequest.newBuilder()
                .setEnvironment(environment).setRange(range("2026-03-02", "2026-03-15"))
                .setInterval(Interval.INTERVAL_WEEK).build());
        assertEquals("Revenue", northStar.getName());
        assertEquals(List.of(0.0, 30.0), northStar.getNorthStar().getSeries(0).getPointsList().stream()
                .map(Point::getValue).toList());
        assertEquals("Activated users", northStar.getInputs(0).getName());
        assertEquals(List.of(1.0, 0.0), northStar.getInputs(0).getSeries().getPointsList().stream()
                .map(Point::getValue).toList());
    }
}
