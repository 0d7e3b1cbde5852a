package dev.flywheel.surveys;

import java.util.List;

/** A survey definition with problems, each with the JSON pointer of what is wrong. */
public class SurveyDefinitionException extends Exception {

    private final List<String> problems;

    public SurveyDefinitionException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
