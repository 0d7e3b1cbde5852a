package dev.flywheel.analytics;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/** A reporting period, in the project's calendar: days, ISO weeks (starting Monday) or calendar months. */
public enum Interval {
    DAY, WEEK, MONTH;

    /** The first day of the period that holds {@code day}. */
    public LocalDate start(LocalDate day) {
        return switch (this) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
        };
    }

    /** The start of the period {@code n} periods after the one starting at {@code periodStart}. */
    public LocalDate plus(LocalDate periodStart, long n) {
        return switch (this) {
            case DAY -> periodStart.plusDays(n);
            case WEEK -> periodStart.plusWeeks(n);
            case MONTH -> periodStart.plusMonths(n);
        };
    }

    /** How many whole periods lie between two period starts (negative when {@code to} is earlier). */
    public long between(LocalDate fromStart, LocalDate toStart) {
        return switch (this) {
            case DAY -> ChronoUnit.DAYS.between(fromStart, toStart);
            case WEEK -> ChronoUnit.WEEKS.between(fromStart, toStart);
            case MONTH -> ChronoUnit.MONTHS.between(fromStart, toStart);
        };
    }

    /** The starts of every period touching the inclusive range [from, to]. */
    public List<LocalDate> periods(LocalDate from, LocalDate to) {
        List<LocalDate> starts = new ArrayList<>();
        for (LocalDate p = start(from); !p.isAfter(to); p = plus(p, 1)) {
            starts.add(p);
        }
        return starts;
    }
}
