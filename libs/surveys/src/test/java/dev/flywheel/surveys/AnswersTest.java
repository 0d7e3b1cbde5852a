package dev.flywheel.surveys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.flywheel.surveys.Answers.InvalidAnswerException;

class AnswersTest {

    private final Survey survey;

    AnswersTest() throws Exception {
        survey = SurveyDefinition.parse("q4-nps", SurveyDefinitionTest.NPS);
    }

    private Question q(String id) {
        return survey.question(id).orElseThrow();
    }

    @Test
    void numericAnswersAreWholeNumbersOnTheScale() throws Exception {
        assertEquals(0.0, Answers.check(q("score"), 0, null).score());
        assertEquals(10.0, Answers.check(q("score"), 10, null).score());
        for (Object bad : new Object[]{11, -1, 7.5, "9", null, List.of(9)}) {
            assertThrows(InvalidAnswerException.class, () -> Answers.check(q("score"), bad, null), "" + bad);
        }
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("mood"), 0, null));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("mood"), 4, null));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("score"), 5, "other"));
    }

    @Test
    void choicesAndOther() throws Exception {
        assertEquals(List.of("pro"), Answers.check(q("plan"), "pro", null).choices());
        Answer other = Answers.check(q("plan"), null, "enterprise <b>trial</b>");
        assertEquals("enterprise <b>trial</b>", other.other()); // kept as given; escaped on output
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("plan"), List.of("free", "pro"), null));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("plan"), "gold", null));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("plan"), "pro", "and other"));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("plan"), List.of(), null));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("plan"), null,
                "x".repeat(Answers.MAX_OTHER + 1)));
    }

    @Test
    void openText() throws Exception {
        assertEquals("too slow", Answers.check(q("why"), "too slow", null).text());
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("why"), " ", null));
        assertThrows(InvalidAnswerException.class, () -> Answers.check(q("why"), "x".repeat(Answers.MAX_TEXT + 1),
                null));
    }

    @Test
    void branchingFollowsTheFirstMatchingBranch() throws Exception {
        assertEquals("why", Answers.next(survey, Answers.check(q("score"), 3, null)));
        assertNull(Answers.next(survey, Answers.check(q("score"), 10, null)));
        // A passive matches no branch: the next question in order.
        assertEquals("plan", Answers.next(survey, Answers.check(q("score"), 7, null)));
        assertNull(Answers.next(survey, Answers.check(q("plan"), "free", null)));
        assertEquals("why", Answers.next(survey, Answers.check(q("plan"), "pro", null)));
        assertEquals("mood", Answers.next(survey, Answers.check(q("why"), "ok", null)));
        assertNull(Answers.next(survey, Answers.check(q("mood"), 2, null)));
    }
}
