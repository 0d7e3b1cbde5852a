package dev.flywheel.surveys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class SurveyDefinitionTest {

    static final String NPS = """
            {"name": "Quarterly NPS",
             "questions": [
               {"id": "score", "type": "nps", "text": "How likely are you to recommend us?",
                "branches": [{"max": 6, "next": "why"}, {"min": 9, "next": "end"}]},
               {"id": "plan", "type": "single_choice", "text": "Which plan?", "choices": ["free", "pro"],
                "allowOther": true, "branches": [{"anyOf": ["free"], "next": "end"}]},
               {"id": "why", "type": "open_text", "text": "What should we do better?", "optional": true},
               {"id": "mood", "type": "rating", "text": "Your mood?", "scale": 3, "display": "emoji"}
             ],
             "targeting": {"condition": {"==": [{"var": "plan"}, "pro"]},
                           "url": {"match": "regex", "value": "^https://app\\\\.example\\\\.com/(billing|pricing)"},
                           "devices": ["desktop"], "events": ["Checkout Completed"], "sampling": 0.5},
             "schedule": {"startAt": "2026-12-01T00:00:00Z", "endAt": "2027-01-01T00:00:00Z"},
             "frequency": {"everyDays": 90}, "waitDays": 14, "priority": 5}""";

    @Test
    void aCompleteDefinitionReads() throws Exception {
        Survey survey = SurveyDefinition.parse("q4-nps", NPS);
        assertEquals(4, survey.questions().size());
        Question score = survey.questions().get(0);
        assertEquals(QuestionType.NPS, score.type());
        assertEquals(0, score.lowest());
        assertEquals(10, score.scale());
        assertEquals("why", score.branches().get(0).next());
        assertEquals(null, score.branches().get(1).next());
        assertEquals(3, survey.questions().get(3).scale());
        assertEquals(Question.Display.EMOJI, survey.questions().get(3).display());
        assertEquals(Duration.ofDays(90), survey.frequency().every());
        assertEquals(Duration.ofDays(14), survey.waitPeriod());
        assertEquals(0.5, survey.targeting().sampling());
        assertTrue(survey.targeting().url().matches("https://app.example.com/pricing?x=1"));
        assertEquals(5, survey.priority());
    }

    @Test
    void everyProblemIsReportedWithItsPointer() {
        SurveyDefinitionException e = assertThrows(SurveyDefinitionException.class, () -> SurveyDefinition.parse(
                "Bad Key",
                """
                        {"questions": [
                           {"id": "a", "type": "nps", "text": "?", "scale": 5, "branches": [{"anyOf": ["x"], "next": "zzz"}]},
                           {"id": "a", "type": "single_choice", "text": "?", "choices": ["x"]},
                           {"id": "c", "type": "stars", "text": ""},
                           {"id": "d", "type": "rating", "text": "?", "scale": 4}
                         ],
                         "targeting": {"url": {"match": "regex", "value": "(unclosed"}, "devices": ["watch"],
                                       "sampling": 0, "condition": {"nope": []}},
                         "schedule": {"startAt": "2027-01-01T00:00:00Z", "endAt": "2026-01-01T00:00:00Z"},
                         "frequency": {"everyDays": 0}, "waitDays": 1.5, "colour": "red"}"""));
        List<String> problems = e.problems();
        for (String expected : List.of("key:", "/questions/0/scale", "/questions/0/branches/0/anyOf/0",
                "/questions/0/branches/0: a numeric", "/questions/0/branches/0/next: no question 'zzz'",
                "/questions/1/id: 'a' is used twice", "/questions/1/choices", "/questions/2/type",
                "/questions/2/text", "/questions/3/scale: 3, 5, 7 or 10", "/targeting/url/value",
                "/targeting/devices/0", "/targeting/sampling", "/targeting/condition", "/schedule/endAt",
                "/frequency/everyDays", "/waitDays", "/colour: unknown property")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected)), expected + " in " + problems);
        }
    }

    @Test
    void notJsonOrNotAnObjectOrTooLong() {
        assertThrows(SurveyDefinitionException.class, () -> SurveyDefinition.parse("a", "{"));
        assertThrows(SurveyDefinitionException.class, () -> SurveyDefinition.parse("a", "[1]"));
        assertThrows(SurveyDefinitionException.class, () -> SurveyDefinition.parse("a",
                "{\"name\": \"" + "x".repeat(SurveyDefinition.MAX_DEFINITION) + "\"}"));
        assertThrows(SurveyDefinitionException.class, () -> SurveyDefinition.parse("a", "{\"questions\": []}"));
    }
}
