package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static dev.flywheel.metrics.AnalyticsGrpc.filter;
import static dev.flywheel.metrics.AnalyticsGrpc.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.flywheel.proto.analytics.v1.Aggregation;
import dev.flywheel.proto.analytics.v1.FunnelExclusion;
import dev.flywheel.proto.analytics.v1.FunnelGroup;
import dev.flywheel.proto.analytics.v1.FunnelOrder;
import dev.flywheel.proto.analytics.v1.FunnelRequest;
import dev.flywheel.proto.analytics.v1.FunnelStep;
import dev.flywheel.proto.analytics.v1.Interval;
import dev.flywheel.proto.analytics.v1.MetricDefinition;
import dev.flywheel.proto.analytics.v1.PathCleaningRule;
import dev.flywheel.proto.analytics.v1.PathPeopleRequest;
import dev.flywheel.proto.analytics.v1.PathsRequest;
import dev.flywheel.proto.analytics.v1.PathsResponse;
import dev.flywheel.proto.analytics.v1.Point;
import dev.flywheel.proto.analytics.v1.PropertyFilter;
import dev.flywheel.proto.analytics.v1.PropertyOperator;
import dev.flywheel.proto.analytics.v1.Series;
import dev.flywheel.proto.analytics.v1.TrendsRequest;
import dev.flywheel.proto.analytics.v1.TrendsResponse;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Funnels and trends over small hand-computed datasets sent through Kafka: an identity merge in the middle of a
 * funnel, equal timestamps, a late event, strict order, exclusions and breakdowns. All in March 2026 (UTC).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunnelAndTrendQueriesTest {

    @Inject
    Pool pool;

    private final String funnels = "funnels-" + UUID.randomUUID().toString().substring(0, 8);
    private final String trends = "trends-" + UUID.randomUUID().toString().substring(0, 8);
    private AnalyticsGrpc grpc;

    private static Instant at(String text) {
        return Instant.parse(text);
    }

    @BeforeAll
    void sendEvents() throws Exception {
        grpc = new AnalyticsGrpc();
        StoreQueries store = new StoreQueries(pool);
        try (EventFeed feed = new EventFeed("project-a", funnels)) {
            // anon-1 views pricing anonymously, identifies as u1, then signs up and purchases as u1.
            feed.send(feed.anonymous("anon-1", "Viewed Pricing", at("2026-03-02T10:00:00Z"))
                    .setProperties(ProtoValues.toStruct(Map.of("plan", "pro"))),
                    feed.identify("anon-1", "u1", at("2026-03-02T10:05:00Z"), Map.of("email", "u1@example.com")),
                    feed.track("u1", "Signed Up", at("2026-03-02T10:10:00Z"), Map.of()),
                    feed.track("u1", "Purchased", at("2026-03-02T11:00:00Z"), Map.of()),
                    // u2: both steps in the same millisecond; never purchases.
                    feed.track("u2", "Viewed Pricing", at("2026-03-03T09:00:00Z"), Map.of("plan", "free")),
                    feed.track("u2", "Signed Up", at("2026-03-03T09:00:00Z"), Map.of()),
                    // u3 signs up two days later: outside a one-day window.
                    feed.track("u3", "Signed Up", at("2026-03-06T12:00:00Z"), Map.of()),
                    // u4 never views pricing.
                    feed.track("u4", "Signed Up", at("2026-03-02T12:00:00Z"), Map.of()),
                    // u5 browses between viewing and signing up: fine when ordered, not when strict.
                    feed.track("u5", "Viewed Pricing", at("2026-03-05T08:00:00Z"), Map.of("plan", "free")),
                    feed.track("u5", "Browsed", at("2026-03-05T08:10:00Z"), Map.of()),
                    feed.track("u5", "Signed Up", at("2026-03-05T08:30:00Z"), Map.of()),
                    feed.track("u5", "Purchased", at("2026-03-05T09:00:00Z"), Map.of()));
            // A late event: u3's view of the pricing page arrives after everything else.
            feed.send(feed.track("u3", "Viewed Pricing", at("2026-03-04T12:00:00Z"), Map.of("plan", "free")));
            store.awaitEvents(funnels, 13);
        }
        try (EventFeed feed = new EventFeed("project-a", trends)) {
            feed.send(feed.track("u1", "Purchased", at("2026-03-02T08:00:00Z"), Map.of("amount", 10, "plan", "free")),
                    feed.track("u1", "Purchased", at("2026-03-02T09:00:00Z"), Map.of("amount", 5, "plan", "free")),
                    feed.track("u2", "Purchased", at("2026-03-02T23:59:59Z"), Map.of("amount", 20, "plan", "pro")),
                    feed.track("u1", "Purchased", at("2026-03-03T00:00:00Z"), Map.of("amount", 7, "plan", "free")),
                    feed.track("u3", "Purchased", at("2026-03-09T12:00:00Z"), Map.of("amount", 1)),
                    feed.track("u3", "Viewed", at("2026-03-09T12:00:00Z"), Map.of()));
            store.awaitEvents(trends, 6);
        }
    }

    @AfterAll
    void close() {
        grpc.close();
    }

    private FunnelRequest.Builder funnel() {
        return FunnelRequest.newBuilder().setEnvironment(funnels).setRange(range("2026-03-02", "2026-03-08"))
                .addSteps(event("Viewed Pricing")).addSteps(event("Signed Up")).addSteps(event("Purchased"))
                .setWindowSeconds(86_400);
    }

    private static List<Long> counts(FunnelGroup group) {
        return group.getStepsList().stream().map(FunnelStep::getCount).toList();
    }

    @Test
    void orderedFunnelFollowsPeopleAcrossTheirIdentityMerge() {
        FunnelGroup group = grpc.queries(TestKeys.ADMIN_A).funnel(funnel().build()).getGroups(0);
        assertEquals(List.of(4L, 3L, 2L), counts(group));
        FunnelStep signedUp = group.getSteps(1);
        assertEquals(0.75, signedUp.getConversionFromPrevious(), 1e-9);
        assertEquals(600.0, signedUp.getMedianSecondsToConvert(), 1e-9); // 10 min, 0 and 30 min
        assertEquals(800.0, signedUp.getAverageSecondsToConvert(), 1e-9);
        assertEquals(1, signedUp.getDropped()); // u3: the window closed long ago
        assertEquals(0, signedUp.getInProgress());
        FunnelStep purchased = group.getSteps(2);
        assertEquals(2400.0, purchased.getMedianSecondsToConvert(), 1e-9); // 50 and 30 min
        assertEquals(0.5, purchased.getConversionFromFirst(), 1e-9);
        assertEquals(1, purchased.getDropped()); // u2
    }

    @Test
    void strictFunnelStopsAtEventsInBetween() {
        FunnelGroup group = grpc.queries(TestKeys.ADMIN_A).funnel(funnel().setOrder(FunnelOrder.FUNNEL_ORDER_STRICT)
                .build()).getGroups(0);
        // u5's "Browsed" breaks the strict path; u1's identify call is not an action and does not.
        assertEquals(List.of(4L, 2L, 1L), counts(group));
    }

    @Test
    void unorderedFunnelAndAWiderWindow() {
        FunnelGroup unordered = grpc.queries(TestKeys.ADMIN_A).funnel(funnel()
                .setOrder(FunnelOrder.FUNNEL_ORDER_UNORDERED).build()).getGroups(0);
        // u4's lone "Signed Up" now starts a path, and u3's sign-up two days later still falls outside.
        assertEquals(List.of(5L, 3L, 2L), counts(unordered));
        FunnelGroup week = grpc.queries(TestKeys.ADMIN_A).funnel(funnel().setWindowSeconds(7 * 86_400L).build())
                .getGroups(0);
        assertEquals(List.of(4L, 4L, 2L), counts(week));
    }

    @Test
    void exclusionsRemoveThePathAndBreakdownsAreFirstTouch() {
        FunnelGroup excluded = grpc.queries(TestKeys.ADMIN_A).funnel(funnel().addExclusions(FunnelExclusion
                .newBuilder().setEvents(event("Browsed")).setFromStep(0).setToStep(1)).build()).getGroups(0);
        assertEquals(List.of(3L, 2L, 1L), counts(excluded));
        List<FunnelGroup> byPlan = grpc.queries(TestKeys.ADMIN_A).funnel(funnel().setBreakdown("plan").build())
                .getGroupsList();
        assertEquals("free", byPlan.get(0).getBreakdown());
        assertEquals(List.of(3L, 2L, 1L), counts(byPlan.get(0)));
        assertEquals("pro", byPlan.get(1).getBreakdown());
        assertEquals(List.of(1L, 1L, 1L), counts(byPlan.get(1)));
        List<FunnelGroup> byEmail = grpc.queries(TestKeys.ADMIN_A).funnel(funnel().setBreakdown("person.email")
                .build()).getGroupsList();
        assertEquals(List.of("", "u1@example.com"), byEmail.stream().map(FunnelGroup::getBreakdown).sorted()
                .toList());
    }

    private TrendsResponse trend(Aggregation aggregation, Interval interval, String breakdown,
            PropertyFilter... filters) {
        MetricDefinition.Builder metric = MetricDefinition.newBuilder().setAggregation(aggregation)
                .setEvents(event("Purchased").toBuilder().addAllFilters(List.of(filters)));
        if (aggregation == Aggregation.AGGREGATION_SUM) {
            metric.setProperty("amount");
        }
        return grpc.queries(TestKeys.ADMIN_A).trends(TrendsRequest.newBuilder().setEnvironment(trends)
                .setRange(range("2026-03-02", "2026-03-10")).setInterval(interval).setMetric(metric)
                .setBreakdown(breakdown).build());
    }

    private static List<Double> values(Series series) {
        return series.getPointsList().stream().map(Point::getValue).toList();
    }

    @Test
    void trendsCountSumAndCountPeoplePerPeriod() {
        assertEquals(List.of(3.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0),
                values(trend(Aggregation.AGGREGATION_TOTAL, Interval.INTERVAL_DAY, "").getSeries(0)));
        assertEquals(List.of(2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0),
                values(trend(Aggregation.AGGREGATION_UNIQUE_USERS, Interval.INTERVAL_DAY, "").getSeries(0)));
        assertEquals(List.of(35.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0),
                values(trend(Aggregation.AGGREGATION_SUM, Interval.INTERVAL_DAY, "").getSeries(0)));
        Series weekly = trend(Aggregation.AGGREGATION_UNIQUE_USERS, Interval.INTERVAL_WEEK, "").getSeries(0);
        assertEquals(List.of("2026-03-02", "2026-03-09"), weekly.getPointsList().stream().map(Point::getPeriod)
                .toList());
        assertEquals(List.of(2.0, 1.0), values(weekly));
    }

    @Test
    void trendsFilterAndBreakDownByAProperty() {
        assertEquals(List.of(2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
                values(trend(Aggregation.AGGREGATION_TOTAL, Interval.INTERVAL_DAY, "",
                        filter("amount", PropertyOperator.PROPERTY_OPERATOR_GREATER_THAN, "6")).getSeries(0)));
        TrendsResponse byPlan = trend(Aggregation.AGGREGATION_TOTAL, Interval.INTERVAL_WEEK, "plan");
        // Largest first; equal totals in name order.
        assertEquals(List.of("free", "$none", "pro"), byPlan.getSeriesList().stream().map(Series::getBreakdown)
                .toList());
        Map<String, Double> totals = new TreeMap<>();
        byPlan.getSeriesList().forEach(s -> totals.put(s.getBreakdown(), s.getTotal()));
        assertEquals(Map.of("$none", 1.0, "free", 3.0, "pro", 1.0), totals);
        assertEquals(List.of(3.0, 0.0), values(byPlan.getSeries(0)));
    }

    private PathsRequest.Builder paths() {
        return PathsRequest.newBuilder().setEnvironment(funnels).setRange(range("2026-03-02", "2026-03-08"))
                .setStart("Viewed Pricing").setSteps(3);
    }

    @Test
    void pathsFollowPeopleAcrossTheirIdentityMergeWithinTheWindow() {
        PathsResponse answer = grpc.queries(TestKeys.ADMIN_A).paths(paths().build());
        // u2's two events share a millisecond: the label sorts first ("Signed Up"), so the path is the view alone;
        // u3 signed up two days after the view, outside the default one-day window; u4 never viewed pricing.
        assertEquals(4, answer.getPeople());
        assertEquals(List.of("1:Viewed Pricing=4/2", "2:Browsed=1/0", "2:Signed Up=1/0", "3:Purchased=1/1",
                "3:Signed Up=1/1"),
                answer.getNodesList().stream().map(n -> n.getStep() + ":" + n.getLabel() + "="
                        + n.getPeople() + "/" + n.getLeaving()).toList());
        assertEquals(List.of("1:Viewed Pricing>Browsed=1", "1:Viewed Pricing>Signed Up=1", "2:Browsed>Signed Up=1",
                "2:Signed Up>Purchased=1"),
                answer.getEdgesList().stream().map(e -> e.getStep() + ":" + e.getFrom()
                        + ">" + e.getTo() + "=" + e.getPeople()).toList());
        assertEquals(List.of("u1"), grpc.queries(TestKeys.ADMIN_A).pathPeople(PathPeopleRequest.newBuilder()
                .setEnvironment(funnels).setPaths(paths()).setStep(1).setFrom("Viewed Pricing").setTo("Signed Up")
                .build()).getPeopleList());
    }

    @Test
    void badPathsAreRefused() {
        for (PathsRequest bad : List.of(paths().setSteps(11).build(), paths().setWindowSeconds(-1).build(), paths()
                .addCleaning(PathCleaningRule.newBuilder().setPattern("(unclosed")).build(),
                paths().setMinShare(1)
                        .build(),
                paths().setStart("Same").setEnd("Same").build())) {
            StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                    TestKeys.ADMIN_A).paths(bad));
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), bad.toString());
        }
        StatusRuntimeException noMove = assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.ADMIN_A).pathPeople(
                        PathPeopleRequest.newBuilder().setEnvironment(funnels).setPaths(paths())
                                .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noMove.getStatus().getCode());
    }

    @Test
    void pathsNeedAReaderKeyAndBoundedRequests() {
        PathsRequest.Builder tooManyExclusions = paths();
        for (int i = 0; i <= 100; i++) {
            tooManyExclusions.addExclude("label-" + i);
        }
        PathsRequest.Builder tooManyRules = paths();
        for (int i = 0; i <= 20; i++) {
            tooManyRules.addCleaning(PathCleaningRule.newBuilder().setPattern("x" + i));
        }
        for (PathsRequest oversized : List.of(tooManyExclusions.build(), tooManyRules.build(), paths()
                .addCleaning(PathCleaningRule.newBuilder().setPattern("a".repeat(201))).build())) {
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                    TestKeys.ADMIN_A).paths(oversized)).getStatus().getCode());
        }
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> grpc.anonymous()
                .paths(paths().build())).getStatus().getCode());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class, () -> grpc.queries(
                TestKeys.CLIENT_A).paths(paths().build())).getStatus().getCode());
        assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class, () -> grpc.anonymous()
                .pathPeople(PathPeopleRequest.newBuilder().setEnvironment(funnels).setPaths(paths()).setStep(1)
                        .setFrom("a").setTo("b").build()))
                .getStatus().getCode());
    }
}
