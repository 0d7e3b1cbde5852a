package dev.flywheel.experiments;

import java.util.List;

/** An experiment definition that was rejected as a whole; each problem starts with its JSON pointer. */
public class ExperimentDefinitionException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ExperimentDefinitionException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
