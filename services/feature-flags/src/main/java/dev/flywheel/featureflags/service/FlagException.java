package dev.flywheel.featureflags.service;

import java.util.List;

/** A flag management request that cannot be done, with the problems found (JSON pointer first, for definitions). */
public class FlagException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FlagFailure failure;
    private final List<String> problems;

    public FlagException(FlagFailure failure, String message) {
        this(failure, message, List.of());
    }

    public FlagException(FlagFailure failure, String message, List<String> problems) {
        super(message);
        this.failure = failure;
        this.problems = List.copyOf(problems);
    }

    public FlagFailure failure() {
        return failure;
    }

    public List<String> problems() {
        return problems;
    }
}
