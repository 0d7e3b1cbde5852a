package dev.flywheel.analytics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Lifecycle per period: new (first seen in this period), returning (active now and in the previous period),
 * resurrecting (active now, not in the previous period, seen before), dormant (active in the previous period,
 * not now; reported as a negative number, as peers chart it).
 */
public final class LifecycleCalculator {

    private final PeriodIndex periods;
    private final long[] fresh;
    private final long[] returning;
    private final long[] resurrecting;
    private final long[] dormant;

    public LifecycleCalculator(Interval interval, DateRange range) {
        this.periods = new PeriodIndex(interval, interval.periods(range.from(), range.to()));
        int n = periods.size();
        fresh = new long[n];
        returning = new long[n];
        resurrecting = new long[n];
        dormant = new long[n];
    }

    /**
     * @param firstSeenDay
     *            epoch day of the person's first event ever
     * @param activeDays
     *            epoch days the person was active, ascending; include the period before the range
     */
    public void addPerson(int firstSeenDay, int[] activeDays) {
        int n = periods.size();
        // Index 0 is the period before the range.
        boolean[] active = new boolean[n + 1];
        for (int day : activeDays) {
            int p = periods.of(day);
            if (p >= -1 && p < n) {
                active[p + 1] = true;
            }
        }
        int created = periods.of(firstSeenDay);
        for (int p = 0; p < n; p++) {
            boolean now = active[p + 1];
            boolean before = active[p];
            if (now && p == created) {
                fresh[p]++;
            } else if (now && before) {
                returning[p]++;
            } else if (now && p > created) {
                resurrecting[p]++;
            } else if (!now && before) {
                dormant[p]--;
            }
        }
    }

    public List<Period> result() {
        List<Period> rows = new ArrayList<>();
        for (int p = 0; p < periods.size(); p++) {
            rows.add(new Period(periods.start(p), fresh[p], returning[p], resurrecting[p], dormant[p]));
        }
        return rows;
    }

    public record Period(LocalDate start, long fresh, long returning, long resurrecting, long dormant) {
    }
}
