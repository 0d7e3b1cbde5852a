package dev.flywheel.metrics.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.analytics.ActivationDiscovery;
import dev.flywheel.analytics.Correlation;
import dev.flywheel.analytics.DateRange;
import dev.flywheel.analytics.FunnelCalculator;
import dev.flywheel.analytics.Interval;
import dev.flywheel.analytics.RetentionCalculator;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.PropertyCondition;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.Candidates;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.PersonTraitsStore;
import dev.flywheel.service.grpc.RefusedRequest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The value map's statistics (docs/analytics.md): which events and property values go with converting in a funnel
 * or being retained, and which early actions go with new people staying. The stores read per-person candidates;
 * the engines of libs/analytics count and test.
 */
@ApplicationScoped
public class CorrelationQueries {

    private final EventStore store;
    private final PersonTraitsStore traits;
    private final AnalyticsSettingsService settings;
    private final AnalyticsQueries queries;

    public CorrelationQueries(EventStore store, PersonTraitsStore traits, AnalyticsSettingsService settings,
            AnalyticsQueries queries) {
        this.store = store;
        this.traits = traits;
        this.settings = settings;
        this.queries = queries;
    }

    /** What people are compared by, and how the answer is cut. */
    public record Options(List<String> eventProperties, List<String> personProperties, boolean skipEvents,
            long minPeople, double alpha, int limit) {
    }

    /**
     * One candidate: an event (property null), an event property's value, or a person property's value (property
     * "person.&lt;name&gt;").
     */
    public record Candidate(String event, String property, String value, Correlation.Result result) {
    }

    public record Answer(long successes, long failures, long tested, List<Candidate> candidates) {
    }

    /**
     * Converted (reached the last step) against dropped (entered, did not, and their window has closed: who may still
     * convert is left out), by what people did in the funnel's read.
     */
    public Uni<Answer> funnel(Scope scope, AnalyticsQueries.FunnelQuestion question, Options options) {
        return settings.zone(scope.projectId()).chain(zone -> {
            AnalyticsQueries.FunnelRun run = AnalyticsQueries.funnelRun(question, zone);
            int last = question.steps().size() - 1;
            Map<String, Boolean> converted = new HashMap<>();
            Set<String> stepEvents = new HashSet<>();
            question.steps().stream().filter(step -> !step.anyActivity()).forEach(step -> stepEvents.add(step
                    .event()));
            Uni<Map<String, Boolean>> outcomes = store.funnelTimelines(scope, run.query(), (person, events) -> {
                FunnelCalculator.Reached reached = run.calculator().addPerson(events);
                // people who may still convert have not dropped yet: they are left out
                if (reached != null && (reached.step() == last || !reached.windowOpen())) {
                    converted.put(person, reached.step() == last);
                }
            }).replaceWith(converted);
            // whether a person did something in the read is all that counts: no times asked
            return correlate(scope, outcomes, new EventStore.CandidateQuery(run.query().startFrom(), run.query()
                    .until(), options.eventProperties(), 0), null, stepEvents, options);
        });
    }

    /** A person of a retention question's cohorts: their cohort (its first day), and whether they came back. */
    public record RetentionOutcome(LocalDate cohort, boolean retained) {
    }

    /**
     * Per person whose cohort (the period of their first start event in the range; first time: ever) is the
     * question's and whose period {@code period} after it is known (ended; begun, counting on or after): their cohort
     * and whether they came back then. Period 0 is the cohort itself: everyone in it, retained.
     */
    public Uni<Map<String, RetentionOutcome>> retentionOutcomes(Scope scope,
            AnalyticsQueries.RetentionQuestion question,
            int period, ZoneId zone) {
        Interval interval = question.interval();
        DateRange range = AnalyticsQueries.range(question.from(), question.to(), zone);
        LocalDate cohortsFrom = interval.start(question.from());
        LocalDate cohortsTo = AnalyticsQueries.periodEnd(interval, question.to());
        LocalDate today = LocalDate.now(zone);
        boolean firstTime = question.type() == RetentionCalculator.Type.FIRST_TIME;
        boolean onOrAfter = question.mode() == RetentionCalculator.Mode.ON_OR_AFTER;
        LocalDate returnsTo = onOrAfter
                ? today
                : AnalyticsQueries.periodEnd(interval, interval.plus(interval.start(question.to()), period));
        return queries.bothActiveDays(scope, question.start(), firstTime
                ? LocalDate.EPOCH
                : cohortsFrom, cohortsTo, question.back(), cohortsFrom, returnsTo, zone).map(both -> {
                    Map<String, RetentionOutcome> outcomes = new HashMap<>();
                    both.get(0).forEach((person, days) -> {
                        // first time: their first start ever must be in the range
                        LocalDate first = firstTime
                                ? LocalDate.ofEpochDay(days[0])
                                : firstDayIn(days, range);
                        if (first == null || !range.contains(first)) {
                            return;
                        }
                        LocalDate cohort = interval.start(first);
                        if (period == 0) {
                            outcomes.put(person, new RetentionOutcome(cohort, true));
                            return;
                        }
                        LocalDate target = interval.plus(cohort, period);
                        LocalDate targetEnd = interval.plus(cohort, period + 1);
                        if (onOrAfter ? target.isAfter(today) : targetEnd.isAfter(today)) {
                            return; // not known yet
                        }
                        int[] returns = both.get(1).getOrDefault(person, new int[0]);
                        outcomes.put(person, new RetentionOutcome(cohort, returned(returns, target, onOrAfter
                                ? null
                                : targetEnd)));
                    });
                    return outcomes;
                });
    }

    /**
     * Retained in {@code period} after their cohort's (the period of their first start event in the range) against
     * not, by what people had done by the end of their cohort's period.
     */
    public Uni<Answer> retention(Scope scope, AnalyticsQueries.RetentionQuestion question, int period,
            Options options) {
        if (period < 1 || period >= question.periods()) {
            throw RefusedRequest
                    .invalid("period: 1 to " + (question.periods() - 1) + " (below the question's periods)");
        }
        Interval interval = question.interval();
        return settings.zone(scope.projectId()).chain(zone -> {
            LocalDate cohortsFrom = interval.start(question.from());
            LocalDate cohortsTo = AnalyticsQueries.periodEnd(interval, question.to());
            Map<String, Long> cohortEnd = new HashMap<>();
            Uni<Map<String, Boolean>> outcomes = retentionOutcomes(scope, question, period, zone).map(found -> {
                Map<String, Boolean> retained = new HashMap<>(found.size() * 2);
                found.forEach((person, outcome) -> {
                    retained.put(person, outcome.retained());
                    cohortEnd.put(person, startOf(interval.plus(outcome.cohort(), 1), zone));
                });
                return retained;
            });
            // what each person had done by the end of their cohort period (from the first cohort's start): the first
            // time of each candidate tells
            return correlate(scope, outcomes, new EventStore.CandidateQuery(Instant.ofEpochMilli(startOf(cohortsFrom,
                    zone)), Instant.ofEpochMilli(startOf(cohortsTo.plusDays(1), zone)), options.eventProperties(), 1),
                    (person, at) -> at < cohortEnd.get(person), Set.of(), options);
        });
    }

    private static LocalDate firstDayIn(int[] days, DateRange range) {
        for (int day : days) {
            if (day >= range.from().toEpochDay() && day <= range.to().toEpochDay()) {
                return LocalDate.ofEpochDay(day);
            }
        }
        return null;
    }

    /** Whether a day of {@code days} falls in [from, until) ({@code until} null: on or after from). */
    private static boolean returned(int[] days, LocalDate from, LocalDate until) {
        for (int day : days) {
            if (day >= from.toEpochDay() && (until == null || day < until.toEpochDay())) {
                return true;
            }
        }
        return false;
    }

    private static long startOf(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant().toEpochMilli();
    }

    /** When a candidate held at a time counts for a person. */
    private interface Window {
        boolean holds(String person, long at);
    }

    /**
     * Feeds each person with an outcome, with their candidates, to the engine: the events and event property values
     * read (those in the person's window; every one read when the window is null), and the person property values.
     * The candidates are read while the outcomes are computed, kept compact until both are there.
     */
    private Uni<Answer> correlate(Scope scope, Uni<Map<String, Boolean>> outcomes, EventStore.CandidateQuery query,
            Window window, Set<String> skippedEvents, Options options) {
        Correlation correlation = new Correlation();
        HeldCandidates held = new HeldCandidates(correlation, query.timesKept() > 0);
        Uni<Boolean> read = options.skipEvents() && options.eventProperties().isEmpty()
                ? Uni.createFrom().item(true)
                : store.candidateTimes(scope, query, (person, times) -> held.add(person, times, candidate -> {
                    boolean event = Candidates.propertyOf(candidate).isEmpty();
                    return !event || !options.skipEvents() && !skippedEvents.contains(Candidates.valueOf(
                            candidate));
                })).replaceWith(true);
        // the traits' read may finish last, on the event loop: the per-person pass and the tests run on a worker
        return Uni.combine().all().unis(outcomes, read, traits.values(scope, options.personProperties())).asTuple()
                .emitOn(Infrastructure.getDefaultWorkerPool()).map(all -> {
                    Map<String, Boolean> outcome = all.getItem1();
                    Map<String, Map<String, String>> personValues = all.getItem3();
                    int[] buffer = new int[16];
                    for (Map.Entry<String, Boolean> person : outcome.entrySet()) {
                        int[] ids = held.ids.getOrDefault(person.getKey(), NONE);
                        long[] firsts = held.firsts.get(person.getKey());
                        Map<String, String> values = personValues.getOrDefault(person.getKey(), Map.of());
                        if (buffer.length < ids.length + values.size()) {
                            buffer = new int[ids.length + values.size()];
                        }
                        int count = 0;
                        for (int i = 0; i < ids.length; i++) {
                            if (window == null || window.holds(person.getKey(), firsts[i])) {
                                buffer[count++] = ids[i];
                            }
                        }
                        for (Map.Entry<String, String> value : values.entrySet()) {
                            buffer[count++] = correlation
                                    .candidate(Candidates.property(PropertyCondition.PERSON_PREFIX + value.getKey(),
                                            value.getValue()));
                        }
                        correlation.addPerson(person.getValue(), buffer, count);
                    }
                    long successes = outcome.values().stream().filter(Boolean::booleanValue).count();
                    List<Correlation.Result> results = correlation.result(options.alpha(), options.minPeople());
                    List<Candidate> shown = new ArrayList<>();
                    for (Correlation.Result result : results.subList(0, Math.min(options.limit(), results.size()))) {
                        String property = Candidates.propertyOf(result.candidate());
                        String value = Candidates.valueOf(result.candidate());
                        shown.add(property.isEmpty()
                                ? new Candidate(value, null, null, result)
                                : new Candidate(null, property, value, result));
                    }
                    return new Answer(successes, outcome.size() - successes, results.size(), shown);
                });
    }

    private static final int[] NONE = new int[0];

    /** Per person, the ids of their candidates in the engine, and (when times were read) the first time of each. */
    private static final class HeldCandidates {
        final Correlation correlation;
        final boolean timed;
        final Map<String, int[]> ids = new HashMap<>();
        final Map<String, long[]> firsts = new HashMap<>();

        HeldCandidates(Correlation correlation, boolean timed) {
            this.correlation = correlation;
            this.timed = timed;
        }

        void add(String person, Map<String, long[]> times, Predicate<String> kept) {
            int[] held = new int[times.size()];
            long[] first = timed ? new long[times.size()] : null;
            int count = 0;
            for (Map.Entry<String, long[]> candidate : times.entrySet()) {
                if (kept.test(candidate.getKey())) {
                    if (timed) {
                        first[count] = candidate.getValue()[0];
                    }
                    held[count++] = correlation.candidate(candidate.getKey());
                }
            }
            ids.put(person, count == held.length ? held : Arrays.copyOf(held, count));
            if (timed) {
                firsts.put(person, first);
            }
        }
    }

    /** An activation question: new people of a range, and what counts as acting early and as staying. */
    public record ActivationQuestion(LocalDate from, LocalDate to, int actionDays, int returnFromDay,
            int returnToDay, EventMatch back, int[] thresholds, Set<String> actions, long minPeople, double alpha,
            int limit) {
    }

    public record Activation(long newPeople, long observed, long retained, long tested,
            List<ActivationDiscovery.Finding> findings) {
    }

    /**
     * New people (first seen in the range) whose return window has ended; each action counted over their first
     * {@code actionDays} days; retained: the return event on a day in [returnFromDay, returnToDay) after the first.
     */
    public Uni<Activation> activation(Scope scope, ActivationQuestion question) {
        ActivationDiscovery discovery;
        try {
            discovery = new ActivationDiscovery(question.thresholds());
        } catch (IllegalArgumentException e) {
            throw RefusedRequest.invalid("thresholds: " + e.getMessage());
        }
        int most = question.thresholds()[question.thresholds().length - 1];
        return settings.zone(scope.projectId()).chain(zone -> {
            DateRange range = AnalyticsQueries.range(question.from(), question.to(), zone);
            long now = Instant.now().toEpochMilli();
            LocalDate lastReturnDay = question.to().plusDays(question.returnToDay());
            return Uni.combine().all().unis(store.firstSeen(scope, range.startInstant(), range.endInstant(), null),
                    store.activeDays(scope, question.back(), question.from(), lastReturnDay, zone))
                    .asTuple().chain(both -> {
                        long newPeople = both.getItem1().size();
                        Map<String, int[]> returns = both.getItem2();
                        // per observed person: the end of their action days, and whether they stayed
                        Map<String, Long> actionsUntil = new HashMap<>();
                        Map<String, Boolean> retained = new HashMap<>();
                        for (EventStore.FirstSeen person : both.getItem1()) {
                            LocalDate first = range.dayOf(person.at());
                            if (startOf(first.plusDays(question.returnToDay()), zone) > now) {
                                continue;
                            }
                            actionsUntil.put(person.person(), startOf(first.plusDays(question.actionDays()), zone));
                            retained.put(person.person(), returned(returns.getOrDefault(person.person(), new int[0]),
                                    first.plusDays(question.returnFromDay()), first.plusDays(question
                                            .returnToDay())));
                        }
                        // a person's first days are at most this long (a day of 25 hours included)
                        long early = Duration.ofHours(25L * question.actionDays()).toMillis();
                        EventStore.CandidateQuery read = new EventStore.CandidateQuery(range.startInstant(), Instant
                                .ofEpochMilli(startOf(question.to().plusDays(question.actionDays() + 1L), zone)),
                                List.of(), most, early);
                        return store.candidateTimes(scope, read, (person, times) -> {
                            Long until = actionsUntil.remove(person);
                            if (until == null) {
                                return;
                            }
                            Map<String, Integer> counts = new HashMap<>();
                            times.forEach((candidate, at) -> {
                                String action = Candidates.valueOf(candidate);
                                if (question.actions().isEmpty() || question.actions().contains(action)) {
                                    int count = 0;
                                    while (count < at.length && at[count] < until) {
                                        count++;
                                    }
                                    if (count > 0) {
                                        counts.put(action, count);
                                    }
                                }
                            });
                            discovery.addPerson(retained.get(person), counts);
                        }).map(done -> {
                            actionsUntil.keySet().forEach(person -> discovery.addPerson(retained.get(person), Map
                                    .of()));
                            List<ActivationDiscovery.Finding> all = discovery.result(question.alpha(), question
                                    .minPeople(), Integer.MAX_VALUE);
                            return new Activation(newPeople, discovery.people(), discovery.retained(), all.size(), all
                                    .subList(0, Math.min(question.limit(), all.size())));
                        });
                    });
        });
    }
}
