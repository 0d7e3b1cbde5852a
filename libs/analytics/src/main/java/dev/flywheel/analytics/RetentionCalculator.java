package dev.flywheel.analytics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * A cohort x period retention matrix. A person belongs to the cohort of the period in which they did the start
 * event: the first time ever ({@link Type#FIRST_TIME}) or every time ({@link Type#RECURRING}). Period 0 is the
 * cohort itself; period k counts cohort members who did the return event in the k-th period after it
 * ({@link Mode#ON}) or in that period or any later one ({@link Mode#ON_OR_AFTER}).
 */
public final class RetentionCalculator {

    public enum Type {
        FIRST_TIME, RECURRING
    }

    public enum Mode {
        ON, ON_OR_AFTER
    }

    public static final int MAX_PERIODS = 120;

    private final PeriodIndex cohorts;
    private final int periods;
    private final Type type;
    private final Mode mode;
    private final int lastPeriod;
    private final long[] sizes;
    private final long[][] returned;

    /**
     * @param range
     *            the cohorts: every period touching it
     * @param periods
     *            how many periods to follow each cohort (period 0 included)
     * @param today
     *            the current day; later periods are left out of a cohort's row
     */
    public RetentionCalculator(Interval interval, DateRange range, int periods, Type type, Mode mode,
            LocalDate today) {
        if (periods < 1 || periods > MAX_PERIODS) {
            throw new IllegalArgumentException("retention follows 1 to " + MAX_PERIODS + " periods");
        }
        this.cohorts = new PeriodIndex(interval, interval.periods(range.from(), range.to()));
        this.periods = periods;
        this.type = type;
        this.mode = mode;
        this.lastPeriod = cohorts.of(today);
        this.sizes = new long[cohorts.size()];
        this.returned = new long[cohorts.size()][periods];
    }

    /**
     * One person. For first-time retention {@code startDays} must hold their first start event ever, even
     * before the range.
     *
     * @param startDays
     *            epoch days with the start event, ascending
     * @param returnDays
     *            epoch days with the return event, ascending
     */
    public void addPerson(int[] startDays, int[] returnDays) {
        if (startDays.length == 0) {
            return;
        }
        int previousCohort = Integer.MIN_VALUE;
        for (int day : startDays) {
            int cohort = cohorts.of(day);
            if (cohort != previousCohort && cohort >= 0 && cohort < cohorts.size()) {
                count(cohort, returnDays);
            }
            previousCohort = cohort;
            if (type == Type.FIRST_TIME) {
                return;
            }
        }
    }

    private void count(int cohort, int[] returnDays) {
        sizes[cohort]++;
        returned[cohort][0]++;
        int latest = Integer.MIN_VALUE;
        boolean[] seen = new boolean[periods];
        for (int day : returnDays) {
            int offset = cohorts.of(day) - cohort;
            if (offset >= 1 && offset < periods) {
                seen[offset] = true;
            }
            latest = Math.max(latest, offset);
        }
        for (int offset = 1; offset < periods; offset++) {
            boolean counts = mode == Mode.ON ? seen[offset] : latest >= offset;
            if (counts) {
                returned[cohort][offset]++;
            }
        }
    }

    public List<Cohort> result() {
        List<Cohort> rows = new ArrayList<>();
        for (int c = 0; c < cohorts.size(); c++) {
            if (c > lastPeriod) {
                break;
            }
            int known = Math.min(periods, lastPeriod - c + 1);
            List<Long> counts = new ArrayList<>();
            List<Double> shares = new ArrayList<>();
            for (int k = 0; k < known; k++) {
                counts.add(returned[c][k]);
                shares.add(sizes[c] == 0 ? 0.0 : (double) returned[c][k] / sizes[c]);
            }
            rows.add(new Cohort(cohorts.start(c), sizes[c], counts, shares));
        }
        return rows;
    }

    /** One row: the cohort's period start, its size, and per period the count and the share of the size. */
    public record Cohort(LocalDate start, long size, List<Long> counts, List<Double> shares) {
    }
}
