package dev.flywheel.analytics;

import java.time.LocalDate;
import java.util.List;

/**
 * Maps days (as epoch days, how timelines carry them) to the index of their period in a list of consecutive
 * period starts. Days before the first period get negative indexes, so "the period before" stays computable.
 */
final class PeriodIndex {

    private final Interval interval;
    private final LocalDate first;
    private final List<LocalDate> starts;
    /** Indexes of the days around the periods, computed once: engines ask for millions of days. */
    private final int cachedFrom;
    private final int[] cached;

    PeriodIndex(Interval interval, List<LocalDate> starts) {
        this.interval = interval;
        this.starts = List.copyOf(starts);
        this.first = starts.get(0);
        this.cachedFrom = (int) first.toEpochDay() - CACHED_MARGIN;
        int days = (int) (interval.plus(starts.get(starts.size() - 1), 1).toEpochDay() - cachedFrom) + CACHED_MARGIN;
        this.cached = new int[Math.min(days, MAX_CACHED)];
        for (int i = 0; i < cached.length; i++) {
            cached[i] = of(LocalDate.ofEpochDay(cachedFrom + i));
        }
    }

    private static final int CACHED_MARGIN = 400;
    private static final int MAX_CACHED = 20_000;

    int size() {
        return starts.size();
    }

    LocalDate start(int index) {
        return starts.get(index);
    }

    int of(int epochDay) {
        int at = epochDay - cachedFrom;
        return at >= 0 && at < cached.length ? cached[at] : of(LocalDate.ofEpochDay(epochDay));
    }

    int of(LocalDate day) {
        return (int) interval.between(first, interval.start(day));
    }
}
