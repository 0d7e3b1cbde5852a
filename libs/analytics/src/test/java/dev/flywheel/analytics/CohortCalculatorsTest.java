package dev.flywheel.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Hand-computed retention, lifecycle, active users, stickiness and churn. Days are of March 2026. */
class CohortCalculatorsTest {

    private static int d(int dayOfMarch) {
        return (int) LocalDate.of(2026, 3, 1).plusDays(dayOfMarch - 1L).toEpochDay();
    }

    private static int[] days(int... daysOfMarch) {
        int[] out = new int[daysOfMarch.length];
        for (int i = 0; i < daysOfMarch.length; i++) {
            out[i] = d(daysOfMarch[i]);
        }
        return out;
    }

    private static DateRange march(int from, int to) {
        return new DateRange(LocalDate.of(2026, 3, from), LocalDate.of(2026, 3, to), ZoneOffset.UTC);
    }

    @Test
    void firstTimeRetentionCohortsByTheFirstStartEver() {
        RetentionCalculator retention = new RetentionCalculator(Interval.DAY, march(1, 3), 3,
                RetentionCalculator.Type.FIRST_TIME, RetentionCalculator.Mode.ON, LocalDate.of(2026, 3, 31));
        retention.addPerson(days(1, 2), days(1, 2, 3)); // cohort 1: returns on +1 and +2
        retention.addPerson(days(1), days(3)); // cohort 1: returns on +2
        retention.addPerson(days(2), days(2)); // cohort 2: no return after
        retention.addPerson(new int[]{d(1) - 5, d(2)}, days(3)); // first start before the range: no cohort
        List<RetentionCalculator.Cohort> rows = retention.result();
        assertEquals(3, rows.size());
        assertEquals(2, rows.get(0).size());
        assertEquals(List.of(2L, 1L, 2L), rows.get(0).counts());
        assertEquals(List.of(1.0, 0.5, 1.0), rows.get(0).shares());
        assertEquals(List.of(1L, 0L, 0L), rows.get(1).counts());
        assertEquals(0, rows.get(2).size());
    }

    @Test
    void recurringRetentionAndOnOrAfter() {
        LocalDate today = LocalDate.of(2026, 3, 31);
        RetentionCalculator recurring = new RetentionCalculator(Interval.DAY, march(1, 2), 4,
                RetentionCalculator.Type.RECURRING, RetentionCalculator.Mode.ON, today);
        RetentionCalculator onOrAfter = new RetentionCalculator(Interval.DAY, march(1, 2), 4,
                RetentionCalculator.Type.FIRST_TIME, RetentionCalculator.Mode.ON_OR_AFTER, today);
        int[] starts = days(1, 2);
        int[] returns = days(4);
        recurring.addPerson(starts, returns);
        onOrAfter.addPerson(starts, returns);
        // Recurring: in cohorts 1 and 2. From day 1, the return on day 4 is period 3; from day 2, period 2.
        assertEquals(List.of(1L, 0L, 0L, 1L), recurring.result().get(0).counts());
        assertEquals(List.of(1L, 0L, 1L, 0L), recurring.result().get(1).counts());
        // On or after: returned on period 3, so also counts for 1 and 2.
        assertEquals(List.of(1L, 1L, 1L, 1L), onOrAfter.result().get(0).counts());
    }

    @Test
    void retentionRowsStopAtToday() {
        RetentionCalculator weekly = new RetentionCalculator(Interval.WEEK, march(2, 15), 8,
                RetentionCalculator.Type.FIRST_TIME, RetentionCalculator.Mode.ON, LocalDate.of(2026, 3, 18));
        weekly.addPerson(days(3), days(10, 17));
        List<RetentionCalculator.Cohort> rows = weekly.result();
        assertEquals(LocalDate.of(2026, 3, 2), rows.get(0).start());
        assertEquals(List.of(1L, 1L, 1L), rows.get(0).counts()); // weeks of the 2nd, 9th and 16th only
        assertEquals(2, rows.get(1).counts().size());
    }

    @Test
    void lifecycleClassifiesEveryPeriod() {
        LifecycleCalculator lifecycle = new LifecycleCalculator(Interval.DAY, march(2, 5));
        lifecycle.addPerson(d(2), days(2, 3, 5)); // new, returning, dormant, resurrecting
        lifecycle.addPerson(d(1), days(1, 2)); // returning on the 2nd, dormant on the 3rd
        lifecycle.addPerson(d(4), days(4)); // new on the 4th, dormant on the 5th
        List<LifecycleCalculator.Period> rows = lifecycle.result();
        assertEquals(new LifecycleCalculator.Period(LocalDate.of(2026, 3, 2), 1, 1, 0, 0), rows.get(0));
        assertEquals(new LifecycleCalculator.Period(LocalDate.of(2026, 3, 3), 0, 1, 0, -1), rows.get(1));
        assertEquals(new LifecycleCalculator.Period(LocalDate.of(2026, 3, 4), 1, 0, 0, -1), rows.get(2));
        assertEquals(new LifecycleCalculator.Period(LocalDate.of(2026, 3, 5), 0, 0, 1, -1), rows.get(3));
    }

    @Test
    void activeUsersUseRollingWindowsAndStickinessCountsDays() {
        ActiveUsersCalculator active = new ActiveUsersCalculator(march(8, 10));
        assertEquals(LocalDate.of(2026, 2, 7), active.lookbackStart());
        active.addPerson(days(8, 9, 10));
        active.addPerson(days(2)); // in the week of the 8th (2..8), not of the 9th
        active.addPerson(new int[]{d(10) - 29}); // inside the 10th's 30-day window, just
        active.addPerson(days(10));
        List<ActiveUsersCalculator.Day> rows = active.days();
        assertEquals(new ActiveUsersCalculator.Day(LocalDate.of(2026, 3, 8), 1, 2, 3, 1.0 / 3), rows.get(0));
        assertEquals(new ActiveUsersCalculator.Day(LocalDate.of(2026, 3, 9), 1, 1, 3, 1.0 / 3), rows.get(1));
        assertEquals(new ActiveUsersCalculator.Day(LocalDate.of(2026, 3, 10), 2, 2, 4, 0.5), rows.get(2));
        assertEquals(List.of(1L, 0L, 1L), active.stickiness());
    }

    @Test
    void churnComparesEachPeriodWithTheNext() {
        ChurnCalculator churn = new ChurnCalculator(Interval.WEEK, march(2, 15), LocalDate.of(2026, 3, 24));
        churn.addPerson(days(3, 10, 17), new double[]{10, 15, 15});
        churn.addPerson(days(4), new double[]{20, 0, 0});
        churn.addPerson(days(11, 18), new double[]{0, 5, 3});
        List<ChurnCalculator.Period> rows = churn.result();
        ChurnCalculator.Period first = rows.get(0);
        assertEquals(2, first.active());
        assertEquals(1L, first.churned());
        assertEquals(0.5, first.churnRate());
        assertEquals(5.0, first.newRevenueNext());
        assertEquals(5.0, first.expansion());
        assertEquals(20.0, first.churnedRevenue());
        ChurnCalculator.Period second = rows.get(1);
        assertEquals(2, second.active());
        assertEquals(0L, second.churned());
        assertEquals(2.0, second.contraction());
        ChurnCalculator early = new ChurnCalculator(Interval.WEEK, march(2, 15), LocalDate.of(2026, 3, 18));
        early.addPerson(days(3, 10), null);
        assertNull(early.result().get(1).churnRate());
    }
}
