package dev.flywheel.analytics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Churn between consecutive periods: of the people active in a period, who is not active in the next; and how
 * revenue moved between the two periods (new, expansion, contraction, churned).
 */
public final class ChurnCalculator {

    private final PeriodIndex periods;
    private final int complete;
    private final long[] active;
    private final long[] retained;
    private final double[] revenue;
    private final double[] newRevenue;
    private final double[] expansion;
    private final double[] contraction;
    private final double[] churnedRevenue;

    /**
     * @param today
     *            periods whose next period has not ended by today get no churn figure yet
     */
    public ChurnCalculator(Interval interval, DateRange range, LocalDate today) {
        this.periods = new PeriodIndex(interval, interval.periods(range.from(), range.to()));
        int n = periods.size();
        this.complete = Math.min(n, periods.of(today) - 1);
        active = new long[n];
        retained = new long[n];
        revenue = new double[n];
        newRevenue = new double[n];
        expansion = new double[n];
        contraction = new double[n];
        churnedRevenue = new double[n];
    }

    /** Periods the caller gives revenue for: the range's periods and the one after. */
    public int revenuePeriods() {
        return periods.size() + 1;
    }

    /**
     * @param activeDays
     *            epoch days active, ascending (the range and the period after it)
     * @param revenueByPeriod
     *            revenue per period index, {@link #revenuePeriods()} long, or null for none
     */
    public void addPerson(int[] activeDays, double[] revenueByPeriod) {
        int n = periods.size();
        boolean[] on = new boolean[n + 1];
        for (int day : activeDays) {
            int p = periods.of(day);
            if (p >= 0 && p <= n) {
                on[p] = true;
            }
        }
        for (int p = 0; p < n; p++) {
            if (on[p]) {
                active[p]++;
                if (on[p + 1]) {
                    retained[p]++;
                }
            }
            if (revenueByPeriod != null) {
                double now = revenueByPeriod[p];
                double next = revenueByPeriod[p + 1];
                revenue[p] += now;
                if (now == 0 && next > 0) {
                    newRevenue[p] += next;
                } else if (now > 0 && next == 0) {
                    churnedRevenue[p] += now;
                } else if (next > now) {
                    expansion[p] += next - now;
                } else {
                    contraction[p] += now - next;
                }
            }
        }
    }

    public List<Period> result() {
        List<Period> rows = new ArrayList<>();
        for (int p = 0; p < periods.size(); p++) {
            boolean known = p < complete;
            long churned = active[p] - retained[p];
            rows.add(new Period(periods.start(p), active[p], known ? retained[p] : null, known ? churned : null,
                    known && active[p] > 0 ? (double) churned / active[p] : null, revenue[p],
                    known ? newRevenue[p] : null, known ? expansion[p] : null, known ? contraction[p] : null,
                    known ? churnedRevenue[p] : null));
        }
        return rows;
    }

    /** One period; the figures about the next period are null until it has ended. */
    public record Period(LocalDate start, long active, Long retained, Long churned, Double churnRate,
            double revenue, Double newRevenueNext, Double expansion, Double contraction, Double churnedRevenue) {
    }
}
