package dev.flywheel.feedback.service;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.feedback.store.SurveyResultsStore;
import dev.flywheel.feedback.store.SurveyResultsStore.AnswerRow;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.feedback.v1.BreakdownKind;
import dev.flywheel.proto.feedback.v1.Comment;
import dev.flywheel.proto.feedback.v1.GroupComparison;
import dev.flywheel.proto.feedback.v1.GroupResult;
import dev.flywheel.proto.feedback.v1.Period;
import dev.flywheel.proto.feedback.v1.PeriodScore;
import dev.flywheel.proto.feedback.v1.QuestionResult;
import dev.flywheel.proto.feedback.v1.Score;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import dev.flywheel.proto.feedback.v1.Theme;
import dev.flywheel.proto.feedback.v1.ValueCount;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.surveys.Question;
import dev.flywheel.surveys.Scores;
import dev.flywheel.surveys.Themes;
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
    static final int MAX_GROUPS = 20;
    static final int LATEST = 20;
    static final int THEMES = 10;

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
        SurveyResults.Builder out = SurveyResults.newBuilder().setSurveyKey(surveyKey).setShown(counts.shown())
                .setCompleted(counts.completed()).setDismissed(counts.dismissed()).setResponded(counts.responded())
                .setResponseRate(counts.shown() == 0 ? 0 : (double) counts.responded() / counts.shown())
                .setTruncated(truncated);
        if (live != null) {
            for (Question question : live.survey().questions()) {
                out.addQuestions(question(question, answers, groupOf, options));
            }
        }
        return out.build();
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

    private static QuestionResult question(Question question, List<AnswerRow> all, Map<UUID, String> groupOf,
            Options options) {
        List<AnswerRow> rows = all.stream().filter(r -> r.question().equals(question.id())).toList();
        QuestionResult.Builder out = QuestionResult.newBuilder().setQuestionId(question.id())
                .setType(question.type().name().toLowerCase(java.util.Locale.ROOT)).setText(question.text())
                .setAnswers(rows.size());
        out.addAllDistribution(distribution(question, rows));
        if (question.type().numeric()) {
            out.setScore(score(question, counts(question, rows), options.alpha()));
            Map<Instant, List<AnswerRow>> periods = new TreeMap<>();
            for (AnswerRow row : rows) {
                periods.computeIfAbsent(periodStart(row.at(), options.period()), p -> new ArrayList<>()).add(row);
            }
            periods.forEach((start, inPeriod) -> out.addOverTime(PeriodScore.newBuilder()
                    .setStart(ProtoValues.timestamp(start))
                    .setScore(score(question, counts(question, inPeriod), options.alpha()))));
        }
        if (options.breakdown() != BreakdownKind.BREAKDOWN_KIND_UNSPECIFIED) {
            out.addAllGroups(groups(question, rows, groupOf, options));
        }
        List<Comment> latest = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (AnswerRow row : rows) {
            String text = row.text() != null ? row.text() : row.other();
            if (text != null) {
                texts.add(text);
                if (latest.size() < LATEST) {
                    latest.add(Comment.newBuilder().setText(text).setSubmissionId(row.submission().toString())
                            .setAt(ProtoValues.timestamp(row.at())).build());
                }
            }
        }
        out.addAllLatest(latest);
        for (Themes.Theme theme : Themes.top(texts, THEMES)) {
            out.addThemes(Theme.newBuilder().setPhrase(theme.phrase()).setAnswers(theme.answers())
                    .setShare(theme.share()));
        }
        return out.build();
    }

    private static List<GroupResult> groups(Question question, List<AnswerRow> rows, Map<UUID, String> groupOf,
            Options options) {
        Map<String, List<AnswerRow>> byGroup = new HashMap<>();
        for (AnswerRow row : rows) {
            String group = groupOf.get(row.submission());
            if (group != null) {
                byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(row);
            }
        }
        Comparator<Map.Entry<String, List<AnswerRow>>> order = options
                .breakdown() == BreakdownKind.BREAKDOWN_KIND_EXPERIMENT
                        ? Comparator.comparing(e -> e.getKey().equals("control") ? 0 : 1)
                        : Comparator.comparing(e -> 0);
        List<Map.Entry<String, List<AnswerRow>>> ordered = byGroup.entrySet().stream()
                .sorted(order.thenComparing(e -> -e.getValue().size()).thenComparing(Map.Entry::getKey))
                .limit(MAX_GROUPS).toList();
        List<GroupResult> out = new ArrayList<>();
        long[] first = null;
        for (Map.Entry<String, List<AnswerRow>> group : ordered) {
            GroupResult.Builder result = GroupResult.newBuilder().setGroup(group.getKey())
                    .addAllDistribution(distribution(question, group.getValue()));
            if (question.type().numeric()) {
                long[] counts = counts(question, group.getValue());
                result.setScore(score(question, counts, options.alpha()));
                if (first == null) {
                    first = counts;
                } else {
                    result.setComparison(compare(question, first, counts, options.alpha()));
                }
            }
            out.add(result.build());
        }
        return out;
    }

    private static GroupComparison compare(Question question, long[] first, long[] other, double alpha) {
        Scores.Comparison c = switch (question.type()) {
            case NPS -> Scores.npsDifference(first, other, alpha);
            case CSAT -> Scores.topShareDifference(first, other, 4, alpha);
            case CES -> Scores.topShareDifference(first, other, 5, alpha);
            default -> Scores.meanDifference(first, other, alpha);
        };
        GroupComparison.Builder out = GroupComparison.newBuilder().setDifference(c.difference());
        if (c.noResult() != null) {
            return out.setNoResult(c.noResult()).build();
        }
        return out.setLower(c.lower()).setUpper(c.upper()).setPValue(c.pValue()).setSignificant(c.pValue() < alpha)
                .build();
    }

    private static Score score(Question question, long[] counts, double alpha) {
        String kind;
        Scores.Score s;
        switch (question.type()) {
            case NPS -> {
                kind = "nps";
                s = Scores.nps(counts, alpha);
            }
            case CSAT -> {
                kind = "csat";
                s = Scores.topShare(counts, 4, alpha);
            }
            case CES -> {
                kind = "ces";
                s = Scores.topShare(counts, 5, alpha);
            }
            default -> {
                kind = "mean";
                s = Scores.mean(counts, alpha);
            }
        }
        Score.Builder out = Score.newBuilder().setKind(kind).setValue(s.value()).setN(s.n());
        if (s.lower() != null) {
            out.setLower(s.lower()).setUpper(s.upper());
        }
        return out.build();
    }

    /** Answers per score, indexed by score (0..scale). */
    private static long[] counts(Question question, List<AnswerRow> rows) {
        long[] counts = new long[question.scale() + 1];
        for (AnswerRow row : rows) {
            if (row.score() != null && row.score() >= 0 && row.score() <= question.scale()) {
                counts[row.score().intValue()]++;
            }
        }
        return counts;
    }

    private static List<ValueCount> distribution(Question question, List<AnswerRow> rows) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (question.type().numeric()) {
            long[] byScore = counts(question, rows);
            for (int s = question.lowest(); s <= question.scale(); s++) {
                counts.put(Integer.toString(s), byScore[s]);
            }
        } else if (question.type().choice()) {
            question.choices().forEach(choice -> counts.put(choice, 0L));
            long other = 0;
            for (AnswerRow row : rows) {
                if (row.choices() != null) {
                    for (String choice : row.choices()) {
                        counts.computeIfPresent(choice, (k, v) -> v + 1);
                    }
                }
                other += row.other() != null ? 1 : 0;
            }
            if (question.allowOther()) {
                counts.put("other", other);
            }
        }
        List<ValueCount> out = new ArrayList<>();
        counts.forEach((value, count) -> out.add(ValueCount.newBuilder().setValue(value).setCount(count).build()));
        return out;
    }

    private static Instant periodStart(Instant at, Period period) {
        OffsetDateTime day = at.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return period == Period.PERIOD_WEEK
                ? day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant()
                : day.toInstant();
    }

    /** The distinct id behind a person key ("u:" user id, "a:" anonymous id). */
    static String distinctId(String personKey) {
        return personKey.substring(2);
    }

}
