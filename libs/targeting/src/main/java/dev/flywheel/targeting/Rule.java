package dev.flywheel.targeting;

/**
 * A compiled JsonLogic rule. Compile once with {@link JsonLogic#compile(Object)}, evaluate many times; a rule is
 * immutable and safe to share between threads.
 */
@FunctionalInterface
public interface Rule {

    /**
     * Evaluates against data made of null, Boolean, Number, String, List and Map values (a JSON tree). Custom
     * operators read the flagd conventions from the data: {@code $flagd.flagKey} and {@code targetingKey}.
     */
    Object evaluate(Object data);
}
