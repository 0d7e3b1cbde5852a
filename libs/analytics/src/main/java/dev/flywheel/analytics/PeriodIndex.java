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

    PeriodIndex(Interval interval, List<LocalDate> starts) {
        this.interval = interval;
        this.starts = List.copyOf(starts);
        this.first = starts.get(0);
    }

    int size() {
        return starts.size();
    }

    LocalDate start(int index) {
        return starts.get(index);
    }

    int of(int epochDay) {
        return of(LocalDate.ofEpochDay(epochDay));
    }

    int of(LocalDate day) {
        return (int) interval.between(first, interval.start(day));
    }
}
