package dev.flywheel.assignment.service;

import java.util.List;

/** An experiment request that cannot be done, with the problems found (JSON pointer first, for definitions). */
public class ExperimentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ExperimentFailure failure;
    private final List<String> problems;

    public ExperimentException(ExperimentFailure failure, String message) {
        this(failure, message, List.of());
    }

    public ExperimentException(ExperimentFailure failure, String message, List<String> problems) {
        super(message);
        this.failure = failure;
        this.problems = List.copyOf(problems);
    }

    public ExperimentFailure failure() {
        return failure;
    }

    public List<String> problems() {
        return problems;
    }
}
