package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static dev.flywheel.metrics.AnalyticsGrpc.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.flywheel.proto.analytics.v1.ActiveDay;
import dev.flywheel.proto.analytics.v1.ActiveUsersRequest;
import dev.flywheel.proto.analytics.v1.ActiveUsersResponse;
import dev.flywheel.proto.analytics.v1.ChurnPeriod;
import dev.flywheel.proto.analytics.v1.ChurnRequest;
import dev.flywheel.proto.analytics.v1.Cohort;
import dev.flywheel.proto.analytics.v1.Interval;
import dev.flywheel.proto.analytics.v1.LifecyclePeriod;
import dev.flywheel.proto.analytics.v1.LifecycleRequest;
import dev.flywheel.proto.analytics.v1.RetentionMode;
import dev.flywheel.proto.analytics.v1.RetentionRequest;
import dev.flywheel.proto.analytics.v1.RetentionType;
import dev.flywheel.testsupport.TestKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Active users, stickiness, lifecycle, retention and churn over one hand-computed dataset ("Used" events, UTC):
 * a on March 2, 3 and 4; b on 2 and 4; c on 3; d on February 20 and March 4.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CohortQueriesTest {

    @Inject
    Pool pool;

    private final String environment = "cohorts-" + UUID.randomUUID().toString().substring(0, 8);
    private AnalyticsGrpc grpc;

    @BeforeAll
    void sendEvents() throws Exception {
        grpc = new AnalyticsGrpc();
        try (EventFeed feed = new EventFeed("project-a", environment)) {
            String[][] activity = {{"a", "03-02"}, {"a", "03-03"}, {"a", "03-04"}, {"b", "03-02"}, {"b", "03-04"},
                    {"c", "03-03"}, {"d", "02-20"}, {"d", "03-04"}};
            for (String[] use : activity) {
                feed.send(feed.track(use[0], "Used", Instant.parse("2026-" + use[1] + "T12:00:00Z"), Map.of()));
            }
            // A second use the same day changes no count of people.
            feed.send(feed.track("a", "Used", Instant.parse("2026-03-02T13:00:00Z"), Map.of()));
            new StoreQueries(pool).awaitEvents(environment, 9);
        }
    }

    @AfterAll
    void close() {
        grpc.close();
    }

    @Test
    void activeUsersOverRollingWindowsAndStickiness() {
        ActiveUsersResponse active = grpc.queries(TestKeys.ADMIN_A).activeUsers(ActiveUsersRequest.newBuilder()
                .setEnvironment(environment).setRange(range("2026-03-02", "2026-03-04")).build());
        List<ActiveDay> days = active.getDaysList();
        assertEquals(List.of(2L, 2L, 3L), days.stream().map(ActiveDay::getDau).toList());
        assertEquals(List.of(2L, 3L, 4L), days.stream().map(ActiveDay::getWau).toList());
        assertEquals(List.of(3L, 4L, 4L), days.stream().map(ActiveDay::getMau).toList());
        assertEquals(0.75, days.get(2).getDauOverMau(), 1e-12);
        // Days active within the range: c and d one day, b two, a three.
        assertEquals(List.of(2L, 1L, 1L), active.getStickinessList());
    }

    @Test
    void lifecycleNewReturningResurrectingDormant() {
        List<LifecyclePeriod> periods = grpc.queries(TestKeys.ADMIN_A).lifecycle(LifecycleRequest.newBuilder()
                .setEnvironment(environment).setRange(range("2026-03-02", "2026-03-04")).build()).getPeriodsList();
        assertEquals(List.of(2L, 1L, 0L), periods.stream().map(LifecyclePeriod::getNew).toList());
        assertEquals(List.of(0L, 1L, 1L), periods.stream().map(LifecyclePeriod::getReturning).toList());
        assertEquals(List.of(0L, 0L, 2L), periods.stream().map(LifecyclePeriod::getResurrecting).toList());
        assertEquals(List.of(0L, -1L, -1L), periods.stream().map(LifecyclePeriod::getDormant).toList());
    }

    private List<Cohort> retention(RetentionType type, RetentionMode mode) {
        return grpc.queries(TestKeys.ADMIN_A).retention(RetentionRequest.newBuilder().setEnvironment(environment)
                .setStart(event("Used")).setReturn(event("Used")).setRange(range("2026-03-02", "2026-03-03"))
                .setInterval(Interval.INTERVAL_DAY).setPeriods(3).setType(type).setMode(mode).build())
                .getCohortsList();
    }

    @Test
    void firstTimeAndRecurringRetention() {
        List<Cohort> firstTime = retention(RetentionType.RETENTION_TYPE_FIRST_TIME, RetentionMode.RETENTION_MODE_ON);
        // d used it first in February: in no cohort of the range.
        assertEquals(2, firstTime.get(0).getSize());
        assertEquals(List.of(2L, 1L, 2L), firstTime.get(0).getCountsList());
        assertEquals(List.of(1.0, 0.5, 1.0), firstTime.get(0).getSharesList());
        assertEquals(List.of(1L, 0L, 0L), firstTime.get(1).getCountsList());
        List<Cohort> recurring = retention(RetentionType.RETENTION_TYPE_RECURRING, RetentionMode.RETENTION_MODE_ON);
        assertEquals(List.of(2L, 1L, 2L), recurring.get(0).getCountsList());
        assertEquals(List.of(2L, 1L, 0L), recurring.get(1).getCountsList());
        List<Cohort> onOrAfter = retention(RetentionType.RETENTION_TYPE_FIRST_TIME,
                RetentionMode.RETENTION_MODE_ON_OR_AFTER);
        assertEquals(List.of(2L, 2L, 2L), onOrAfter.get(0).getCountsList());
    }

    @Test
    void weeklyChurnComparesEachWeekWithTheNext() {
        List<ChurnPeriod> weeks = grpc.queries(TestKeys.ADMIN_A).churn(ChurnRequest.newBuilder()
                .setEnvironment(environment).setRange(range("2026-02-16", "2026-03-08"))
                .setInterval(Interval.INTERVAL_WEEK).build()).getPeriodsList();
        // Week of Feb 16: d; of Feb 23: nobody; of Mar 2: a, b, c, d; of Mar 9: nobody.
        assertEquals(List.of(1L, 0L, 4L), weeks.stream().map(ChurnPeriod::getActive).toList());
        assertEquals(1.0, weeks.get(0).getChurnRate(), 1e-12);
        assertFalse(weeks.get(1).hasChurnRate());
        assertTrue(weeks.get(2).hasChurned());
        assertEquals(4, weeks.get(2).getChurned());
    }
}
