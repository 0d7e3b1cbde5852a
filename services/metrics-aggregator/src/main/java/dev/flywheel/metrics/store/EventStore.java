package dev.flywheel.metrics.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelEvent;
import dev.flywheel.analytics.Interval;
import dev.flywheel.analytics.PathEvent;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.Metric;
import dev.flywheel.metrics.model.Scope;
import io.smallrye.mutiny.Uni;

/**
 * What analytics asks of the stored events. Every answer is about people after identity merges (a person is the
 * user id their distinct ids are linked to, else the distinct id) and about one project environment. Days are
 * the project's. PostgreSQL implements it today; a columnar store can take over raw-event reads at large volume
 * (docs/adr/0005-event-store.md) without the query engines changing.
 */
public interface EventStore {

    /** One value of a trend: the metric for a period (its first day) and a breakdown value (null: none). */
    record TrendRow(String breakdown, LocalDate period, double value) {
    }

    /** A person's first event ever, and the acquisition property of that event when one was asked for. */
    record FirstSeen(String person, Instant at, String source) {
    }

    /**
     * A funnel's events: steps and exclusions by position, the step-0 range, the last instant a later step may
     * happen, and whether every activity event is needed (strict order sees what lies between steps).
     */
    record FunnelQuery(List<EventMatch> steps, List<EventMatch> exclusions, Instant startFrom, Instant startUntil,
            Instant until, boolean everyEvent, String breakdown) {
    }

    /** What paths are made of: every activity event by its name, page calls by their path, screen calls. */
    enum PathKind {
        EVENTS, PAGES, SCREENS
    }

    /**
     * A paths read: the events of a kind in [from, until). With a {@link StartCut}, a store may leave out the events no
     * path uses.
     */
    record PathQuery(PathKind kind, Instant from, Instant until, StartCut cut) {

        public PathQuery(PathKind kind, Instant from, Instant until) {
            this(kind, from, until, null);
        }
    }

    /**
     * Paths begin at a person's first event labelled {@code start} (as stored, no cleaning; null: their first event
     * of any label) in [from, until) and last at most {@code windowMillis}: what lies before it or after its window
     * is no path's.
     */
    record StartCut(String start, Instant from, Instant until, long windowMillis) {
    }
    /**
     * What correlation and activation discovery compare people by, read from activity events in [from, until): each
     * event's name, and the value it carries of each named event property ({@link Candidates} spells them); per
     * candidate, its earliest {@code timesKept} times (0: whether the person holds it is all that is asked, a cheaper
     * read). With {@code earlyMillis}, only what happens that long after a person's first event in the read is asked
     * (a store may send more).
     */
    record CandidateQuery(Instant from, Instant until, List<String> eventProperties, int timesKept, long earlyMillis) {

        public CandidateQuery(Instant from, Instant until, List<String> eventProperties, int timesKept) {
            this(from, until, eventProperties, timesKept, 0);
        }
    }

    /**
     * The metric per period, split by an event property when {@code breakdown} is set: its most frequent
     * {@code maxBreakdownValues} values by name, the rest as "$other", events without it as "$none".
     */
    /** One event on a person's timeline: its name, its type (track, page, screen, identify, ...) and time. */
    record PersonEvent(String name, String type, Instant at) {
    }

    /**
     * The latest events (at most {@code limit}) of any of these distinct ids in [from, until), newest first (the
     * message id breaks ties), each once.
     */
    Uni<List<PersonEvent>> personEvents(Scope scope, List<String> distinctIds, Instant from, Instant until, int limit);

    Uni<List<TrendRow>> trend(Scope scope, Metric metric, DateRange range, Interval interval, String breakdown,
            int maxBreakdownValues);

    /** Per person, the epoch days (ascending) with matching events between two days inclusive. */
    Uni<Map<String, int[]>> activeDays(Scope scope, EventMatch match, LocalDate from, LocalDate to, ZoneId zone);

    /** People first seen in [from, until) (from null: since the beginning). */
    Uni<List<FirstSeen>> firstSeen(Scope scope, Instant from, Instant until, String acquisitionProperty);

    /** Per person, their first matching event in [from, until). */
    Uni<Map<String, Instant>> firstOccurrences(Scope scope, EventMatch match, Instant from, Instant until);

    /**
     * Hands {@code person} one timeline per person, every event carrying the steps and exclusions it matches; one
     * person's events at a time, so memory does not grow with the number of events.
     */
    Uni<Void> funnelTimelines(Scope scope, FunnelQuery query, BiConsumer<String, List<FunnelEvent>> person);

    /**
     * Hands {@code person} each person's id and events, labelled for paths (the event's name; a page's "path"
     * property, else its "url", else its name), one person at a time, in no particular order within a person.
     */
    Uni<Void> pathTimelines(Scope scope, PathQuery query, BiConsumer<String, List<PathEvent>> person);

    /**
     * Hands {@code person} each person's candidates ({@link Candidates}) with their earliest times in epoch
     * milliseconds, ascending; one person at a time.
     */
    Uni<Void> candidateTimes(Scope scope, CandidateQuery query, BiConsumer<String, Map<String, long[]>> person);

    /** Per person and period (first day), the sum of a numeric property over matching events. */
    Uni<Map<String, Map<LocalDate, Double>>> sums(Scope scope, EventMatch match, String property, DateRange range,
            Interval interval);
}
