package dev.flywheel.analytics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Daily, weekly and monthly active users for each day of a range, as rolling windows ending that day (7 and 30
 * days), and stickiness: how many people were active on 1, 2, ... n days of the range.
 */
public final class ActiveUsersCalculator {

    private static final int WEEK = 7;
    private static final int MONTH = 30;

    private final DateRange range;
    private final int firstDay;
    private final int days;
    // Difference arrays: +1 where a person's coverage starts, -1 after it ends.
    private final long[] dau;
    private final long[] wau;
    private final long[] mau;
    private final long[] stickiness;

    public ActiveUsersCalculator(DateRange range) {
        this.range = range;
        this.firstDay = (int) range.from().toEpochDay();
        this.days = (int) (range.to().toEpochDay() - firstDay + 1);
        this.dau = new long[days + 1];
        this.wau = new long[days + 1];
        this.mau = new long[days + 1];
        this.stickiness = new long[days + 1];
    }

    /** The earliest day a person's activity matters: 29 days before the range, for the first day's MAU. */
    public LocalDate lookbackStart() {
        return range.from().minusDays(MONTH - 1);
    }

    /**
     * @param activeDays
     *            epoch days the person was active, ascending and distinct
     */
    public void addPerson(int[] activeDays) {
        cover(activeDays, 1, dau);
        cover(activeDays, WEEK, wau);
        cover(activeDays, MONTH, mau);
        int inRange = 0;
        for (int day : activeDays) {
            if (day >= firstDay && day < firstDay + days) {
                inRange++;
            }
        }
        if (inRange > 0) {
            stickiness[inRange]++;
        }
    }

    /** Adds the union of [day, day + width) over the active days, clipped to the range. */
    private void cover(int[] activeDays, int width, long[] diff) {
        int open = Integer.MIN_VALUE;
        int close = Integer.MIN_VALUE;
        for (int day : activeDays) {
            int from = Math.max(day - firstDay, 0);
            int to = Math.min(day - firstDay + width, days);
            if (to <= 0 || from >= days) {
                continue;
            }
            if (from <= close) {
                close = Math.max(close, to);
            } else {
                if (close > open) {
                    diff[open]++;
                    diff[close]--;
                }
                open = from;
                close = to;
            }
        }
        if (close > open) {
            diff[open]++;
            diff[close]--;
        }
    }

    public List<Day> days() {
        List<Day> rows = new ArrayList<>();
        long d = 0;
        long w = 0;
        long m = 0;
        for (int i = 0; i < days; i++) {
            d += dau[i];
            w += wau[i];
            m += mau[i];
            rows.add(new Day(range.from().plusDays(i), d, w, m, m == 0 ? 0.0 : (double) d / m));
        }
        return rows;
    }

    /** Index k: people active on exactly k days of the range (k from 1). */
    public List<Long> stickiness() {
        List<Long> counts = new ArrayList<>();
        for (int k = 1; k <= days; k++) {
            counts.add(stickiness[k]);
        }
        return counts;
    }

    public record Day(LocalDate day, long dau, long wau, long mau, double dauOverMau) {
    }
}
