package dev.flywheel.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * An inclusive range of days in a project's time zone. Day boundaries are local midnights, so a day around a
 * daylight-saving change lasts 23 or 25 hours.
 */
public record DateRange(LocalDate from, LocalDate to, ZoneId zone) {

    /** The longest range a query may cover: ten years of days keeps every answer bounded. */
    public static final int MAX_DAYS = 3_660;

    public DateRange {
        if (from == null || to == null || zone == null) {
            throw new IllegalArgumentException("a date range needs from, to and a time zone");
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the range ends (" + to + ") before it starts (" + from + ")");
        }
        if (from.plusDays(MAX_DAYS).isBefore(to)) {
            throw new IllegalArgumentException("a range may span at most " + MAX_DAYS + " days");
        }
    }

    /** The first instant of the range. */
    public Instant startInstant() {
        return from.atStartOfDay(zone).toInstant();
    }

    /** The first instant after the range. */
    public Instant endInstant() {
        return to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    public boolean contains(LocalDate day) {
        return !day.isBefore(from) && !day.isAfter(to);
    }

    /** The local day of an instant. */
    public LocalDate dayOf(Instant at) {
        return LocalDate.ofInstant(at, zone);
    }
}
