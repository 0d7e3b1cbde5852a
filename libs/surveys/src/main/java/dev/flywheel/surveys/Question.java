package dev.flywheel.surveys;

import java.util.List;

/**
 * One question. {@code scale} is the highest score of numeric questions (10 for NPS, 5 for CSAT, 7 for CES, the
 * rating's scale), {@code lowest} the lowest (0 for NPS, else 1). Branches are tried in order after an answer; none
 * matching goes on to the next question.
 */
public record Question(String id, QuestionType type, String text, boolean optional, int lowest, int scale,
        Display display, List<String> choices, boolean allowOther, List<Branch> branches) {

    public enum Display {
        NUMBER, EMOJI
    }

    /** Where an answer leads: to a question, or to the end ({@code next} null). */
    public record Branch(Double min, Double max, List<String> anyOf, String next) {

        public boolean matches(Answer answer) {
            if (answer.score() != null) {
                return (min == null || answer.score() >= min) && (max == null || answer.score() <= max);
            }
            return anyOf != null && answer.choices().stream().anyMatch(anyOf::contains);
        }
    }

    public Question {
        choices = List.copyOf(choices);
        branches = List.copyOf(branches);
    }
}
