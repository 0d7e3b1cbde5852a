package dev.flywheel.metrics.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.analytics.FunnelCalculator;
import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.EventStore;
import dev.flywheel.metrics.store.PeopleStore;
import dev.flywheel.service.grpc.RefusedRequest;
import io.smallrye.mutiny.Uni;

/**
 * People: found by id or trait, one person's profile (ids, traits, experiments and latest events), and who is at a
 * funnel's step.
 */
@ApplicationScoped
public class PeopleQueries {

    public static final int MAX_QUERY = 200;

    /** A person as the console shows them. */
    public record Profile(PeopleStore.Identity identity, String traitsJson, List<PeopleStore.Exposure> experiments,
            List<EventStore.PersonEvent> events) {
    }

    private final PeopleStore people;
    private final EventStore events;
    private final AnalyticsSettingsService settings;
    private final CorrelationQueries correlations;

    public PeopleQueries(PeopleStore people, EventStore events, AnalyticsSettingsService settings,
            CorrelationQueries correlations) {
        this.people = people;
        this.events = events;
        this.settings = settings;
        this.correlations = correlations;
    }

    /** Who to list at a funnel step (flywheel.analytics.v1.FunnelOutcome). */
    public enum StepOutcome {
        REACHED, CONVERTED, DROPPED, IN_PROGRESS
    }

    /** The people at a funnel step or in a retention cell, sorted, at most {@code limit}, and how many in all. */
    public record StepPeople(List<String> people, long total) {

        /** The first {@code limit} of the people found, in order, and how many were found. */
        static StepPeople first(List<String> found, int limit) {
            found.sort(null);
            return new StepPeople(List.copyOf(found.subList(0, Math.min(limit, found.size()))), found.size());
        }
    }

    /** The people at one step of a funnel ({@code step} from 0), by what became of them there. */
    public Uni<StepPeople> funnelPeople(Scope scope, AnalyticsQueries.FunnelQuestion question, int step,
            StepOutcome outcome, int limit) {
        int last = question.steps().size() - 1;
        if (step < 0 || step > last) {
            throw RefusedRequest.invalid("step: 0 to " + last + " (the funnel's steps, from 0)");
        }
        if (step == last && outcome != StepOutcome.REACHED) {
            throw RefusedRequest.invalid("outcome: the last step has no next one; only reached applies");
        }
        return settings.zone(scope.projectId()).chain(zone -> {
            AnalyticsQueries.FunnelRun run = AnalyticsQueries.funnelRun(question, zone);
            List<String> found = new ArrayList<>();
            return events.funnelTimelines(scope, run.query(), (person, timeline) -> {
                FunnelCalculator.Reached reached = run.calculator().addPerson(timeline);
                if (reached != null && switch (outcome) {
                    case REACHED -> reached.step() >= step;
                    case CONVERTED -> reached.step() > step;
                    case DROPPED -> reached.step() == step && !reached.windowOpen();
                    case IN_PROGRESS -> reached.step() == step && reached.windowOpen();
                }) {
                    found.add(person);
                }
            }).map(ignored -> StepPeople.first(found, limit));
        });
    }

    /** The people in one cell of a retention table: members of the cohort starting {@code cohort} retained then. */
    public Uni<StepPeople> retentionPeople(Scope scope, AnalyticsQueries.RetentionQuestion question, LocalDate cohort,
            int period, int limit) {
        if (period < 0 || period >= question.periods()) {
            throw RefusedRequest.invalid("period: 0 to " + (question.periods() - 1) + " (the question's periods)");
        }
        if (!question.interval().start(cohort).equals(cohort)) {
            throw RefusedRequest.invalid("cohort: the first day of a " + question.interval().name().toLowerCase(
                    java.util.Locale.ROOT) + ", as the answer's cohorts name them");
        }
        return settings.zone(scope.projectId()).chain(zone -> correlations.retentionOutcomes(scope, question, period,
                zone)).map(outcomes -> {
                    List<String> found = new ArrayList<>();
                    outcomes.forEach((person, outcome) -> {
                        if (outcome.cohort().equals(cohort) && outcome.retained()) {
                            found.add(person);
                        }
                    });
                    return StepPeople.first(found, limit);
                });
    }

    /** "plan=pro" finds a trait's value; anything else, ids and trait values containing it. */
    public Uni<List<PeopleStore.Found>> search(Scope scope, String query, int limit) {
        String text = query.strip();
        if (text.isEmpty() || text.length() > MAX_QUERY) {
            throw RefusedRequest.invalid("query: 1 to " + MAX_QUERY + " characters");
        }
        int equals = text.indexOf('=');
        return equals > 0 && !text.substring(0, equals).isBlank()
                ? people.search(scope, text.substring(0, equals).strip(), text.substring(equals + 1).strip(), limit)
                : people.search(scope, null, text, limit);
    }

    /** One person: every id of theirs, their traits, their experiments and their events of the last {@code days}. */
    public Uni<Profile> profile(Scope scope, String distinctId, int days, int limit) {
        if (distinctId.isBlank() || distinctId.length() > MAX_QUERY) {
            throw RefusedRequest.invalid("distinctId: 1 to " + MAX_QUERY + " characters");
        }
        Instant now = Instant.now();
        return people.identity(scope, distinctId).chain(identity -> Uni.combine().all().unis(
                people.traits(scope, identity.distinctIds()), people.exposures(scope, identity.distinctIds()),
                events.personEvents(scope, identity.distinctIds(), now.minus(Duration.ofDays(days)),
                        now.plus(Duration.ofDays(1)), limit))
                .with((traits, exposures, latest) -> new Profile(identity, traits, exposures, latest)));
    }
}
