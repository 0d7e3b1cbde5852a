package dev.flywheel.feedback.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.flywheel.feedback.store.SurveyResultsStore.AnswerRow;
import dev.flywheel.feedback.store.SurveyResultsStore.Counts;
import dev.flywheel.proto.feedback.v1.BreakdownKind;
import dev.flywheel.proto.feedback.v1.Period;
import dev.flywheel.proto.feedback.v1.QuestionResult;
import dev.flywheel.proto.feedback.v1.SurveyResults;
import dev.flywheel.proto.feedback.v1.ValueCount;

/** A survey's results from plain rows (no database): scores, distributions, periods, breakdowns, comments. */
class SurveyResultsReportTest {

    private static final String SURVEY = """
            {"name": "Onboarding",
             "questions": [
               {"id": "score", "type": "nps", "text": "How likely are you to recommend us?"},
               {"id": "ease", "type": "csat", "text": "How satisfied are you?"},
               {"id": "plan", "type": "single_choice", "text": "Which plan?", "choices": ["free", "pro"],
                "allowOther": true},
               {"id": "why", "type": "open_text", "text": "Why?", "optional": true}
             ]}""";
    private static final SurveySnapshots.Live LIVE = SurveySnapshots.live("onboarding", SURVEY, 3);
    private static final Instant MONDAY = Instant.parse("2026-11-30T09:00:00Z");
    private static final SurveyResultsReport.Options PLAIN = new SurveyResultsReport.Options(
            BreakdownKind.BREAKDOWN_KIND_UNSPECIFIED, "", null, null, Period.PERIOD_DAY, 0.05);

    static AnswerRow score(UUID submission, String question, double score, Instant at) {
        return new AnswerRow(submission, question, score, null, null, null, at, "u:someone", null);
    }

    static AnswerRow text(UUID submission, String text, Instant at) {
        return new AnswerRow(submission, "why", null, null, null, text, at, "u:someone", null);
    }

    static List<AnswerRow> npsAnswers(int... scores) {
        List<AnswerRow> rows = new ArrayList<>();
        for (int s : scores) {
            rows.add(score(UUID.randomUUID(), "score", s, MONDAY));
        }
        return rows;
    }

    static QuestionResult question(SurveyResults results, String id) {
        return results.getQuestionsList().stream().filter(q -> q.getQuestionId().equals(id)).findFirst()
                .orElseThrow();
    }

    static Stream<Arguments> npsScores() {
        return Stream.of(
                // scores answered, expected NPS (promoters share - detractors share, times 100)
                Arguments.of(new int[]{10, 10, 9, 9}, 100.0),
                Arguments.of(new int[]{0, 3, 6, 6}, -100.0),
                Arguments.of(new int[]{7, 8, 7, 8}, 0.0),
                Arguments.of(new int[]{10, 9, 8, 0}, 25.0),
                Arguments.of(new int[]{10, 6, 7, 8, 9}, 20.0));
    }

    @ParameterizedTest
    @MethodSource("npsScores")
    void scoresNps(int[] scores, double nps) {
        SurveyResults results = SurveyResultsReport.report("onboarding", LIVE, new Counts(10, 4, 1, 5),
                npsAnswers(scores), false, Map.of(), PLAIN);
        QuestionResult question = question(results, "score");
        assertEquals("nps", question.getScore().getKind());
        assertEquals(nps, question.getScore().getValue(), 1e-9);
        assertEquals(scores.length, question.getScore().getN());
        assertEquals(11, question.getDistributionCount(), "0 to 10");
        long total = question.getDistributionList().stream().mapToLong(ValueCount::getCount).sum();
        assertEquals(scores.length, total);
    }

    @Test
    void countsRatesAndTheCutAreReported() {
        SurveyResults results = SurveyResultsReport.report("onboarding", LIVE, new Counts(200, 40, 10, 50),
                List.of(), true, Map.of(), PLAIN);
        assertEquals(200, results.getShown());
        assertEquals(0.25, results.getResponseRate(), 1e-12);
        assertTrue(results.getTruncated());
        assertEquals(4, results.getQuestionsCount(), "every question, answered or not");
        assertEquals(0, SurveyResultsReport.report("onboarding", LIVE, new Counts(0, 0, 0, 0), List.of(), false,
                Map.of(), PLAIN).getResponseRate());
        // a survey that no longer parses still has its counts
        assertEquals(0, SurveyResultsReport.report("gone", null, new Counts(3, 1, 1, 1), List.of(), false,
                Map.of(), PLAIN).getQuestionsCount());
    }

    @Test
    void choicesCountEachChoiceAndOther() {
        List<AnswerRow> rows = List.of(
                new AnswerRow(UUID.randomUUID(), "plan", null, new String[]{"pro"}, null, null, MONDAY, "u:a", null),
                new AnswerRow(UUID.randomUUID(), "plan", null, new String[]{"pro"}, null, null, MONDAY, "u:b", null),
                new AnswerRow(UUID.randomUUID(), "plan", null, new String[]{}, "enterprise", null, MONDAY, "u:c",
                        null));
        QuestionResult plan = question(SurveyResultsReport.report("onboarding", LIVE, new Counts(3, 3, 0, 3), rows,
                false, Map.of(), PLAIN), "plan");
        Map<String, Long> counts = new HashMap<>();
        plan.getDistributionList().forEach(c -> counts.put(c.getValue(), c.getCount()));
        assertEquals(Map.of("free", 0L, "pro", 2L, "other", 1L), counts);
        assertEquals("enterprise", plan.getLatest(0).getText(), "other answers are comments too");
        assertFalse(plan.hasScore());
    }

    @Test
    void scoresOverTimeByDayOrWeek() {
        List<AnswerRow> rows = new ArrayList<>();
        for (int day = 0; day < 7; day++) {
            rows.add(score(UUID.randomUUID(), "score", 10, MONDAY.plusSeconds(day * 86_400L)));
        }
        SurveyResults daily = SurveyResultsReport.report("onboarding", LIVE, new Counts(7, 7, 0, 7), rows, false,
                Map.of(), PLAIN);
        assertEquals(7, question(daily, "score").getOverTimeCount());
        SurveyResults weekly = SurveyResultsReport.report("onboarding", LIVE, new Counts(7, 7, 0, 7), rows, false,
                Map.of(), new SurveyResultsReport.Options(BreakdownKind.BREAKDOWN_KIND_UNSPECIFIED, "", null, null,
                        Period.PERIOD_WEEK, 0.05));
        assertEquals(1, question(weekly, "score").getOverTimeCount(), "Monday to Sunday is one week");
        assertEquals(Instant.parse("2026-11-30T00:00:00Z").getEpochSecond(),
                question(weekly, "score").getOverTime(0).getStart().getSeconds());
    }

    @Test
    void aBreakdownComparesEachGroupWithTheControl() {
        List<AnswerRow> rows = new ArrayList<>();
        Map<UUID, String> groupOf = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            UUID submission = UUID.randomUUID();
            boolean treated = i % 2 == 1;
            // control: half detractors, half passives; treatment: half passives, half promoters
            rows.add(score(submission, "score", treated ? (i % 4 == 1 ? 8 : 10) : (i % 4 == 0 ? 2 : 8), MONDAY));
            groupOf.put(submission, treated ? "treatment" : "control");
        }
        SurveyResults results = SurveyResultsReport.report("onboarding", LIVE, new Counts(200, 200, 0, 200), rows,
                false, groupOf, new SurveyResultsReport.Options(BreakdownKind.BREAKDOWN_KIND_EXPERIMENT, "onboarding",
                        null, null, Period.PERIOD_DAY, 0.05));
        QuestionResult score = question(results, "score");
        assertEquals(List.of("control", "treatment"),
                score.getGroupsList().stream().map(g -> g.getGroup()).toList(), "the control first");
        assertEquals(-50.0, score.getGroups(0).getScore().getValue(), 1e-9);
        assertEquals(50.0, score.getGroups(1).getScore().getValue(), 1e-9);
        assertFalse(score.getGroups(0).hasComparison());
        assertEquals(100.0, score.getGroups(1).getComparison().getDifference(), 1e-9);
        assertTrue(score.getGroups(1).getComparison().getSignificant());
    }

    @Test
    void latestCommentsAndThemesComeFromTheText() {
        List<AnswerRow> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(text(UUID.randomUUID(), i % 3 == 0 ? "the export is slow" : "export to csv please",
                    MONDAY.minusSeconds(i)));
        }
        QuestionResult why = question(SurveyResultsReport.report("onboarding", LIVE, new Counts(30, 30, 0, 30),
                rows, false, Map.of(), PLAIN), "why");
        assertEquals(dev.flywheel.feedback.analysis.SurveyAnalysis.LATEST, why.getLatestCount());
        assertEquals("the export is slow", why.getLatest(0).getText(), "newest first, as read");
        assertTrue(why.getThemesList().stream().anyMatch(t -> t.getPhrase().contains("export")),
                why.getThemesList()::toString);
    }
}
