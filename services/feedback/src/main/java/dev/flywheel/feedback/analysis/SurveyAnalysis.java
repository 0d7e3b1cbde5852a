package dev.flywheel.feedback.analysis;

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
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import dev.flywheel.surveys.Question;
import dev.flywheel.surveys.Scores;
import dev.flywheel.surveys.Survey;
import dev.flywheel.surveys.Themes;

/**
 * A survey's results as a pure function of plain values: per question the distribution, the score with its interval
 * (NPS, CSAT, CES, mean rating), the score per day or week, the breakdown's groups each tested against the first, the
 * latest comments and the themes of the text. No database: the answers and each one's group are given.
 */
public final class SurveyAnalysis {

    public static final int MAX_GROUPS = 20;
    public static final int LATEST = 20;
    public static final int THEMES = 10;

    private SurveyAnalysis() {
    }

    /** One answer: its submission, question, and the value given (a score, choices, an "other" or a text). */
    public record Answer(UUID submission, String question, Double score, String[] choices, String other,
            String text, Instant at) {
    }

    /** How results are computed: per day or per week over time, the significance level, the breakdown's kind. */
    public record Options(boolean weekly, double alpha, boolean experimentBreakdown, boolean breakdown) {
    }

    public record Showings(long shown, long completed, long dismissed, long responded) {
    }

    public record Count(String value, long count) {
    }

    /** {@code lower} and {@code upper} are null with too few answers for an interval. */
    public record Score(String kind, double value, long n, Double lower, Double upper) {
    }

    public record PeriodScore(Instant start, Score score) {
    }

    /** Against the first group; {@code noResult} says why there is no test (then only the difference is set). */
    public record Comparison(double difference, String noResult, Double lower, Double upper, Double pValue,
            boolean significant) {
    }

    /** {@code score} and {@code comparison} are null for non-numeric questions; comparison also for the first group. */
    public record Group(String group, List<Count> distribution, Score score, Comparison comparison) {
    }

    public record Comment(String text, UUID submission, Instant at) {
    }

    public record Theme(String phrase, long answers, double share) {
    }

    /** {@code score} is null for choice and text questions. */
    public record QuestionResults(String id, String type, String text, long answers, List<Count> distribution,
            Score score, List<PeriodScore> overTime, List<Group> groups, List<Comment> latest, List<Theme> themes) {
    }

    public record Results(Showings showings, double responseRate, boolean truncated, List<QuestionResults> questions) {
    }

    /**
     * @param survey
     *            null when its definition no longer parses: then only the showings are reported
     * @param answers
     *            newest first
     * @param groupOf
     *            each answer's group by submission, for a breakdown (answers without one are left out of it)
     */
    public static Results analyse(Survey survey, Showings showings, List<Answer> answers, boolean truncated,
            Map<UUID, String> groupOf, Options options) {
        List<QuestionResults> questions = new ArrayList<>();
        if (survey != null) {
            for (Question question : survey.questions()) {
                questions.add(question(question, answers, groupOf, options));
            }
        }
        double rate = showings.shown() == 0 ? 0 : (double) showings.responded() / showings.shown();
        return new Results(showings, rate, truncated, questions);
    }

    private static QuestionResults question(Question question, List<Answer> all, Map<UUID, String> groupOf,
            Options options) {
        List<Answer> rows = all.stream().filter(r -> r.question().equals(question.id())).toList();
        Score score = null;
        List<PeriodScore> overTime = new ArrayList<>();
        if (question.type().numeric()) {
            score = score(question, counts(question, rows), options.alpha());
            Map<Instant, List<Answer>> periods = new TreeMap<>();
            for (Answer row : rows) {
                periods.computeIfAbsent(periodStart(row.at(), options.weekly()), p -> new ArrayList<>()).add(row);
            }
            periods.forEach((start, inPeriod) -> overTime.add(new PeriodScore(start,
                    score(question, counts(question, inPeriod), options.alpha()))));
        }
        List<Group> groups = options.breakdown() ? groups(question, rows, groupOf, options) : List.of();
        List<Comment> latest = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Answer row : rows) {
            String text = row.text() != null ? row.text() : row.other();
            if (text != null) {
                texts.add(text);
                if (latest.size() < LATEST) {
                    latest.add(new Comment(text, row.submission(), row.at()));
                }
            }
        }
        List<Theme> themes = Themes.top(texts, THEMES).stream()
                .map(t -> new Theme(t.phrase(), t.answers(), t.share())).toList();
        return new QuestionResults(question.id(), question.type().name().toLowerCase(Locale.ROOT), question.text(),
                rows.size(), distribution(question, rows), score, overTime, groups, latest, themes);
    }

    private static List<Group> groups(Question question, List<Answer> rows, Map<UUID, String> groupOf,
            Options options) {
        Map<String, List<Answer>> byGroup = new HashMap<>();
        for (Answer row : rows) {
            String group = groupOf.get(row.submission());
            if (group != null) {
                byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(row);
            }
        }
        Comparator<Map.Entry<String, List<Answer>>> order = options.experimentBreakdown()
                ? Comparator.comparing(e -> e.getKey().equals("control") ? 0 : 1)
                : Comparator.comparing(e -> 0);
        List<Map.Entry<String, List<Answer>>> ordered = byGroup.entrySet().stream()
                .sorted(order.thenComparing(e -> -e.getValue().size()).thenComparing(Map.Entry::getKey))
                .limit(MAX_GROUPS).toList();
        List<Group> out = new ArrayList<>();
        long[] first = null;
        for (Map.Entry<String, List<Answer>> group : ordered) {
            Score score = null;
            Comparison comparison = null;
            if (question.type().numeric()) {
                long[] counts = counts(question, group.getValue());
                score = score(question, counts, options.alpha());
                if (first == null) {
                    first = counts;
                } else {
                    comparison = compare(question, first, counts, options.alpha());
                }
            }
            out.add(new Group(group.getKey(), distribution(question, group.getValue()), score, comparison));
        }
        return out;
    }

    private static Comparison compare(Question question, long[] first, long[] other, double alpha) {
        Scores.Comparison c = switch (question.type()) {
            case NPS -> Scores.npsDifference(first, other, alpha);
            case CSAT -> Scores.topShareDifference(first, other, 4, alpha);
            case CES -> Scores.topShareDifference(first, other, 5, alpha);
            default -> Scores.meanDifference(first, other, alpha);
        };
        if (c.noResult() != null) {
            return new Comparison(c.difference(), c.noResult(), null, null, null, false);
        }
        return new Comparison(c.difference(), null, c.lower(), c.upper(), c.pValue(), c.pValue() < alpha);
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
        return new Score(kind, s.value(), s.n(), s.lower(), s.lower() == null ? null : s.upper());
    }

    /** Answers per score, indexed by score (0..scale). */
    private static long[] counts(Question question, List<Answer> rows) {
        long[] counts = new long[question.scale() + 1];
        for (Answer row : rows) {
            if (row.score() != null && row.score() >= 0 && row.score() <= question.scale()) {
                counts[row.score().intValue()]++;
            }
        }
        return counts;
    }

    private static List<Count> distribution(Question question, List<Answer> rows) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (question.type().numeric()) {
            long[] byScore = counts(question, rows);
            for (int s = question.lowest(); s <= question.scale(); s++) {
                counts.put(Integer.toString(s), byScore[s]);
            }
        } else if (question.type().choice()) {
            question.choices().forEach(choice -> counts.put(choice, 0L));
            long other = 0;
            for (Answer row : rows) {
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
        List<Count> out = new ArrayList<>();
        counts.forEach((value, count) -> out.add(new Count(value, count)));
        return out;
    }

    private static Instant periodStart(Instant at, boolean weekly) {
        OffsetDateTime day = at.atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return weekly ? day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant() : day.toInstant();
    }
}
