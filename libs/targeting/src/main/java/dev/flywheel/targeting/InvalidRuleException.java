package dev.flywheel.targeting;

/** A rule that cannot be compiled: an unknown operator, or an operator given arguments of the wrong shape. */
public class InvalidRuleException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidRuleException(String message) {
        super(message);
    }
}
