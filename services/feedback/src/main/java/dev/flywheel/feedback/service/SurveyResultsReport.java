package dev.flywheel.feedback.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.feedback.analysis.SurveyAnalysis;
import dev.flywheel.feedback.store.SurveyResultsStore;
import dev.flywheel.feedback.store.SurveyResultsStore.AnswerRow;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.feedback.v1.BreakdownKind;
import dev.flywheel.proto.feedback.v1.Period;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;

/**
 * A survey's results: counts of showings and answers, and per question the distribution, the score with its
 * interval (NPS, CSAT, CES, mean rating), the score over time, a breakdown by person property, flag value or
 * experiment variation with a test of each group against the first, the latest comments and the themes of text.
 */
@ApplicationScoped
public class SurveyResultsReport {

    /** Answers read per report, at most (the latest); the report says when it was cut. */
    static final int MAX_ANSWERS = 200_000;

    /** Looks respondents' experiment variations up (the metrics-aggregator), as the caller. */
    public interface Variations {
        /** Person distinct id to variation key, for those exposed. */
        Uni<Map<String, String>> of(String environment, String experiment, List<String> distinctIds);
    }

    public record Options(BreakdownKind breakdown, String breakdownKey, Instant from, Instant to, Period period,
            double alpha) {
    }

    private final SurveyResultsStore store;
    private final SurveyCatalog catalog;

    public SurveyResultsReport(SurveyResultsStore store, SurveyCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    public Uni<SurveyResults> results(Scope scope, String surveyKey, Options options, Variations variations) {
        return catalog.get(scope.getProjectId(), scope.getEnvironment(), surveyKey).chain(stored -> {
            SurveySnapshots.Live live = SurveySnapshots.live(surveyKey, stored.definition(), stored.version());
            Uni<SurveyResultsStore.Counts> counts = store.counts(scope, surveyKey, options.from(), options.to());
            Uni<List<AnswerRow>> answers = store.answers(scope, surveyKey, options.from(), options.to(),
                    MAX_ANSWERS + 1);
            return Uni.combine().all().unis(counts, answers).asTuple().chain(both -> {
                List<AnswerRow> rows = both.getItem2();
                boolean truncated = rows.size() > MAX_ANSWERS;
                List<AnswerRow> kept = truncated ? rows.subList(0, MAX_ANSWERS) : rows;
                return groups(scope.getEnvironment(), kept, options, variations)
                        .map(groupOf -> report(surveyKey, live, both.getItem1(), kept, truncated, groupOf,
                                options));
            });
        });
    }

    /** The report from plain values: the counts, the answers kept and each answer's group. */
    static SurveyResults report(String surveyKey, SurveySnapshots.Live live, SurveyResultsStore.Counts counts,
            List<AnswerRow> answers, boolean truncated, Map<UUID, String> groupOf, Options options) {
        SurveyAnalysis.Results results = SurveyAnalysis.analyse(live == null ? null : live.survey(),
                new SurveyAnalysis.Showings(counts.shown(), counts.completed(), counts.dismissed(),
                        counts.responded()),
                answers.stream().map(a -> new SurveyAnalysis.Answer(a.submission(), a.question(), a.score(),
                        a.choices(), a.other(), a.text(), a.at())).toList(),
                truncated, groupOf, new SurveyAnalysis.Options(options.period() == Period.PERIOD_WEEK,
                        options.alpha(), options.breakdown() == BreakdownKind.BREAKDOWN_KIND_EXPERIMENT,
                        options.breakdown() != BreakdownKind.BREAKDOWN_KIND_UNSPECIFIED));
        return SurveyResultsMapper.toProto(surveyKey, results);
    }

    /** Each answer's group for the breakdown (by submission), or an empty map without one. */
    private static Uni<Map<UUID, String>> groups(String environment, List<AnswerRow> rows, Options options,
            Variations variations) {
        Map<UUID, String> out = new HashMap<>();
        switch (options.breakdown()) {
            case BREAKDOWN_KIND_PERSON_PROPERTY, BREAKDOWN_KIND_FLAG -> {
                String section = options.breakdown() == BreakdownKind.BREAKDOWN_KIND_FLAG ? "flags" : "properties";
                for (AnswerRow row : rows) {
                    JsonObject values = row.context() == null ? null : row.context().getJsonObject(section);
                    Object value = values == null ? null : values.getValue(options.breakdownKey());
                    out.put(row.submission(), value == null ? "(none)" : String.valueOf(value));
                }
                return Uni.createFrom().item(out);
            }
            case BREAKDOWN_KIND_EXPERIMENT -> {
                Map<String, List<UUID>> byPerson = new LinkedHashMap<>();
                for (AnswerRow row : rows) {
                    byPerson.computeIfAbsent(distinctId(row.person()), p -> new ArrayList<>()).add(row.submission());
                }
                List<String> people = new ArrayList<>(byPerson.keySet());
                Uni<Map<String, String>> all = Uni.createFrom().item(new HashMap<>());
                for (int from = 0; from < people.size(); from += 10_000) {
                    List<String> chunk = people.subList(from, Math.min(people.size(), from + 10_000));
                    all = all.chain(found -> variations.of(environment, options.breakdownKey(), chunk).map(more -> {
                        found.putAll(more);
                        return found;
                    }));
                }
                return all.map(found -> {
                    byPerson.forEach((person, submissions) -> {
                        String variation = found.get(person);
                        // Respondents never exposed to the experiment are left out of its breakdown.
                        if (variation != null) {
                            submissions.forEach(s -> out.put(s, variation));
                        }
                    });
                    return out;
                });
            }
            default -> {
                return Uni.createFrom().item(out);
            }
        }
    }

    /** The distinct id behind a person key ("u:" user id, "a:" anonymous id). */
    static String distinctId(String personKey) {
        return personKey.substring(2);
    }

}
