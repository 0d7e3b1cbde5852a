package dev.flywheel.surveys;

import java.util.List;

/** A checked answer to one question: a score, chosen choices (with "other" text), or text. */
public record Answer(String questionId, Double score, List<String> choices, String other, String text) {

    public Answer {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }
}
