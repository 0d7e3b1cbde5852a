package dev.flywheel.flags;

import java.util.List;

/** A flag document that is rejected as a whole, with every problem found (each prefixed by its JSON pointer). */
public class FlagDocumentException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public FlagDocumentException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
