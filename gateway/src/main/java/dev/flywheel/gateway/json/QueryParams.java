package dev.flywheel.gateway.json;

import dev.flywheel.gateway.problem.ApiException;

/** Query parameters read as the typed values they stand for, a problem naming the parameter otherwise. */
public final class QueryParams {

    private QueryParams() {
    }

    /** A whole number of zero or more. */
    public static long count(String text, String name) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "must be a whole number");
        }
        if (value < 0) {
            throw ApiException.invalid(name, "must not be negative");
        }
        return value;
    }

    /** The same, as an int (a larger number becomes the largest int, for the range check that follows). */
    public static int intCount(String text, String name) {
        return (int) Math.min(Integer.MAX_VALUE, count(text, name));
    }
}
