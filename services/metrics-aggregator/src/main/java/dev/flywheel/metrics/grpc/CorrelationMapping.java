package dev.flywheel.metrics.grpc;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.flywheel.analytics.ActivationDiscovery;
import dev.flywheel.analytics.Correlation;
import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.PropertyCondition;
import dev.flywheel.metrics.model.QueryMapper;
import dev.flywheel.metrics.service.ActivationNextSteps;
import dev.flywheel.metrics.service.CorrelationQueries;
import dev.flywheel.proto.analytics.v1.ActivationCandidate;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryRequest;
import dev.flywheel.proto.analytics.v1.ActivationDiscoveryResponse;
import dev.flywheel.proto.analytics.v1.CorrelationCandidate;
import dev.flywheel.proto.analytics.v1.CorrelationOptions;
import dev.flywheel.proto.analytics.v1.CorrelationResponse;
import dev.flywheel.service.grpc.RefusedRequest;

/** Correlation and activation discovery between their protos and the service's questions and answers. */
final class CorrelationMapping {

    static final int MAX_PROPERTIES = 10;
    static final long DEFAULT_MIN_PEOPLE = 10;
    static final double DEFAULT_ALPHA = 0.05;
    static final int DEFAULT_CANDIDATES = 50;
    static final int MAX_CANDIDATES = 500;
    static final int DEFAULT_ACTION_DAYS = 7;
    static final int MAX_ACTION_DAYS = 90;
    static final int DEFAULT_RETURN_DAYS = 7;
    static final int MAX_RETURN_DAY = 365;
    static final int[] DEFAULT_THRESHOLDS = {1, 2, 3, 5, 10};
    static final int MAX_THRESHOLDS = 10;
    static final int MAX_THRESHOLD = 1_000;
    static final int MAX_ACTIONS = 100;
    static final long DEFAULT_ACTIVATION_MIN_PEOPLE = 20;
    static final int DEFAULT_FINDINGS = 20;
    static final int MAX_FINDINGS = 200;
    static final String CAUTION = "Correlation, not cause: people who do an action early may stay for other"
            + " reasons (they came with more intent, a plan, a team). Run the suggested experiment to learn whether"
            + " helping people do it makes them stay.";

    private CorrelationMapping() {
    }

    static CorrelationQueries.Options options(CorrelationOptions options) {
        List<String> eventProperties = properties(options.getEventPropertiesList(), "options.eventProperties");
        List<String> personProperties = properties(options.getPersonPropertiesList(), "options.personProperties");
        for (String trait : personProperties) {
            if (trait.startsWith(PropertyCondition.PERSON_PREFIX)) {
                throw RefusedRequest.invalid("options.personProperties: name traits without \"person.\" (\"" + trait
                        .substring(PropertyCondition.PERSON_PREFIX.length()) + "\")");
            }
        }
        if (options.getSkipEvents() && eventProperties.isEmpty() && personProperties.isEmpty()) {
            throw RefusedRequest.invalid("options: with skipEvents, name event or person properties to compare by");
        }
        long minPeople = options.getMinPeople() == 0 ? DEFAULT_MIN_PEOPLE : options.getMinPeople();
        if (minPeople < 1) {
            throw RefusedRequest.invalid("options.minPeople: at least 1");
        }
        int limit = options.getLimit() == 0 ? DEFAULT_CANDIDATES : options.getLimit();
        if (limit < 1 || limit > MAX_CANDIDATES) {
            throw RefusedRequest.invalid("options.limit: 1 to " + MAX_CANDIDATES);
        }
        return new CorrelationQueries.Options(eventProperties, personProperties, options.getSkipEvents(), minPeople,
                alpha(options.hasAlpha(), options.getAlpha(), "options.alpha"), limit);
    }

    private static List<String> properties(List<String> names, String field) {
        if (names.size() > MAX_PROPERTIES) {
            throw RefusedRequest.invalid(field + ": at most " + MAX_PROPERTIES);
        }
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            checked.add(QueryMapper.property(names.get(i), field + "[" + i + "]"));
            if (checked.get(i) == null) {
                throw RefusedRequest.invalid(field + "[" + i + "]: a property name is required");
            }
        }
        return List.copyOf(checked);
    }

    private static double alpha(boolean given, double alpha, String field) {
        if (!given) {
            return DEFAULT_ALPHA;
        }
        if (!(alpha >= 0.0001 && alpha <= 0.5)) {
            throw RefusedRequest.invalid(field + ": between 0.0001 and 0.5");
        }
        return alpha;
    }

    static CorrelationResponse answer(CorrelationQueries.Answer answer) {
        CorrelationResponse.Builder out = CorrelationResponse.newBuilder().setSuccesses(answer.successes())
                .setFailures(answer.failures()).setTested(answer.tested());
        for (CorrelationQueries.Candidate candidate : answer.candidates()) {
            Correlation.Result r = candidate.result();
            CorrelationCandidate.Builder c = CorrelationCandidate.newBuilder().setSuccessWith(r.outcomeWith())
                    .setFailureWith(r.noOutcomeWith()).setSuccessWithout(r.outcomeWithout())
                    .setFailureWithout(r.noOutcomeWithout()).setOddsRatio(r.oddsRatio())
                    .setOddsRatioLower(r.lower()).setOddsRatioUpper(r.upper()).setPValue(r.pValue())
                    .setAdjustedPValue(r.adjustedPValue()).setSignificant(r.significant());
            if (candidate.event() != null) {
                c.setEvent(candidate.event());
            } else {
                c.setProperty(candidate.property()).setValue(candidate.value());
            }
            out.addCandidates(c);
        }
        return out.build();
    }

    static CorrelationQueries.ActivationQuestion activation(ActivationDiscoveryRequest request) {
        LocalDate[] days = QueryMapper.days(request.getRange(), "range");
        int actionDays = request.getActionDays() == 0 ? DEFAULT_ACTION_DAYS : request.getActionDays();
        if (actionDays < 1 || actionDays > MAX_ACTION_DAYS) {
            throw RefusedRequest.invalid("actionDays: 1 to " + MAX_ACTION_DAYS);
        }
        int returnFrom = request.getReturnFromDay() == 0 ? actionDays : request.getReturnFromDay();
        int returnTo = request.getReturnToDay() == 0 ? returnFrom + DEFAULT_RETURN_DAYS : request.getReturnToDay();
        if (returnFrom < actionDays || returnTo <= returnFrom || returnTo > MAX_RETURN_DAY) {
            throw RefusedRequest.invalid("returnFromDay and returnToDay: a window starting no earlier than actionDays"
                    + " (" + actionDays + ") and ending after its start, by day " + MAX_RETURN_DAY);
        }
        EventMatch back = QueryMapper.match(request.getReturn(), "return", false);
        int[] thresholds = request.getThresholdsCount() == 0
                ? DEFAULT_THRESHOLDS
                : request.getThresholdsList().stream().mapToInt(Integer::intValue).toArray();
        if (thresholds.length > MAX_THRESHOLDS) {
            throw RefusedRequest.invalid("thresholds: at most " + MAX_THRESHOLDS);
        }
        for (int threshold : thresholds) {
            if (threshold > MAX_THRESHOLD) {
                throw RefusedRequest.invalid("thresholds: each 1 to " + MAX_THRESHOLD);
            }
        }
        if (request.getActionsCount() > MAX_ACTIONS) {
            throw RefusedRequest.invalid("actions: at most " + MAX_ACTIONS);
        }
        for (int i = 0; i < request.getActionsCount(); i++) {
            if (request.getActions(i).isBlank() || request.getActions(i).length() > QueryMapper.MAX_NAME) {
                throw RefusedRequest.invalid("actions[" + i + "]: an event name of 1 to " + QueryMapper.MAX_NAME
                        + " characters");
            }
        }
        long minPeople = request.getMinPeople() == 0 ? DEFAULT_ACTIVATION_MIN_PEOPLE : request.getMinPeople();
        if (minPeople < 1) {
            throw RefusedRequest.invalid("minPeople: at least 1");
        }
        int limit = request.getLimit() == 0 ? DEFAULT_FINDINGS : request.getLimit();
        if (limit < 1 || limit > MAX_FINDINGS) {
            throw RefusedRequest.invalid("limit: 1 to " + MAX_FINDINGS);
        }
        return new CorrelationQueries.ActivationQuestion(days[0], days[1], actionDays, returnFrom, returnTo, back,
                thresholds, Set.copyOf(request.getActionsList()), minPeople, alpha(request.hasAlpha(), request
                        .getAlpha(), "alpha"),
                limit);
    }

    static ActivationDiscoveryResponse activation(CorrelationQueries.Activation answer, int actionDays) {
        ActivationDiscoveryResponse.Builder out = ActivationDiscoveryResponse.newBuilder()
                .setNewPeople(answer.newPeople()).setObserved(answer.observed()).setRetained(answer.retained())
                .setRetention(answer.observed() == 0 ? 0 : (double) answer.retained() / answer.observed())
                .setTested(answer.tested()).setCaution(CAUTION);
        for (ActivationDiscovery.Finding f : answer.findings()) {
            ActivationNextSteps.Definition experiment = ActivationNextSteps.experiment(f, actionDays);
            ActivationNextSteps.Definition survey = ActivationNextSteps.survey(f);
            out.addCandidates(ActivationCandidate.newBuilder().setAction(f.action()).setAtLeast(f.atLeast())
                    .setPeople(f.did()).setRetained(f.didRetained()).setOthers(f.others())
                    .setOthersRetained(f.othersRetained()).setCoverage(f.coverage()).setRetention(f.retention())
                    .setOthersRetention(f.othersRetention()).setLift(f.lift()).setLiftLower(f.lower())
                    .setLiftUpper(f.upper()).setPValue(f.pValue()).setAdjustedPValue(f.adjustedPValue())
                    .setSignificant(f.significant()).setExperimentKey(experiment.key())
                    .setExperimentDefinitionJson(experiment.json()).setSurveyKey(survey.key())
                    .setSurveyDefinitionJson(survey.json()));
        }
        return out.build();
    }
}
