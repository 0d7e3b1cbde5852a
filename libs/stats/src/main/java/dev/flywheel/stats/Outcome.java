package dev.flywheel.stats;

/** A result, or the reason there is none. */
public sealed interface Outcome<T> {

    record Ok<T>(T result) implements Outcome<T> {
    }

    record None<T>(NoResult why) implements Outcome<T> {
    }

    static <T> Outcome<T> ok(T result) {
        return new Ok<>(result);
    }

    static <T> Outcome<T> none(NoResult.Reason reason, String message) {
        return new None<>(new NoResult(reason, message));
    }

    /** The result; throws when there is none (tests and callers that checked). */
    default T get() {
        if (this instanceof Ok<T> ok) {
            return ok.result();
        }
        throw new IllegalStateException("no result: " + ((None<T>) this).why());
    }

    default boolean hasResult() {
        return this instanceof Ok;
    }

    default NoResult noResult() {
        return this instanceof None<T> none ? none.why() : null;
    }
}
