package dev.flywheel.metrics.grpc;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;

import dev.flywheel.metrics.service.PeopleQueries;
import dev.flywheel.metrics.store.PeopleStore;
import dev.flywheel.proto.analytics.v1.FunnelOutcome;
import dev.flywheel.proto.analytics.v1.PersonEvent;
import dev.flywheel.proto.analytics.v1.PersonExperiment;
import dev.flywheel.proto.analytics.v1.PersonProfile;
import dev.flywheel.proto.analytics.v1.PersonSummary;
import dev.flywheel.service.grpc.RefusedRequest;

/** The people RPCs' requests and answers as the people queries take and give them: limits, outcomes, profiles. */
final class PeopleMapping {

    static final int DEFAULT_PEOPLE = 100;
    static final int MAX_PEOPLE = 1_000;
    static final int DEFAULT_FOUND = 50;
    static final int MAX_FOUND = 200;
    static final int DEFAULT_DAYS = 30;
    static final int MAX_DAYS = 365;

    private PeopleMapping() {
    }

    /** A requested count: {@code fallback} for 0, else 1 to {@code max} (INVALID_ARGUMENT naming the field). */
    static int count(int requested, int fallback, int max, String field) {
        int count = requested == 0 ? fallback : requested;
        if (count < 1 || count > max) {
            throw RefusedRequest.invalid(field + ": 1 to " + max);
        }
        return count;
    }

    static PeopleQueries.StepOutcome outcome(FunnelOutcome outcome) {
        return switch (outcome) {
            case FUNNEL_OUTCOME_REACHED -> PeopleQueries.StepOutcome.REACHED;
            case FUNNEL_OUTCOME_CONVERTED -> PeopleQueries.StepOutcome.CONVERTED;
            case FUNNEL_OUTCOME_DROPPED -> PeopleQueries.StepOutcome.DROPPED;
            case FUNNEL_OUTCOME_IN_PROGRESS -> PeopleQueries.StepOutcome.IN_PROGRESS;
            default -> throw RefusedRequest.invalid("outcome: reached, converted, dropped or in_progress");
        };
    }

    static LocalDate cohort(String day) {
        try {
            return LocalDate.parse(day);
        } catch (DateTimeParseException e) {
            throw RefusedRequest.invalid("cohort: a day, YYYY-MM-DD");
        }
    }

    static List<PersonSummary> found(List<PeopleStore.Found> found) {
        return found.stream().map(f -> PersonSummary.newBuilder().setDistinctId(f.distinctId())
                .setPersonId(f.personId()).setTraitsJson(f.traitsJson()).build()).toList();
    }

    static PersonProfile profile(PeopleQueries.Profile p) {
        return PersonProfile.newBuilder().setPersonId(p.identity().personId())
                .addAllDistinctIds(p.identity().distinctIds()).setTraitsJson(p.traitsJson())
                .addAllExperiments(p.experiments().stream().map(x -> PersonExperiment.newBuilder()
                        .setExperimentKey(x.experimentKey()).setVariationKey(x.variationKey())
                        .setFirstExposedAt(x.at().toString()).build()).toList())
                .addAllEvents(p.events().stream().map(e -> PersonEvent.newBuilder().setName(e.name())
                        .setType(e.type()).setAt(e.at().toString()).build()).toList())
                .build();
    }
}
