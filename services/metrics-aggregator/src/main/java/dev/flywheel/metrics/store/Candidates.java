package dev.flywheel.metrics.store;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How the stores spell a candidate of correlation and activation discovery: an event by its name, a property value as
 * the property and the value, joined by a separator no name holds.
 */
public final class Candidates {

    /** Between a property and its value; before an event's name (an event has no property). */
    public static final String SEPARATOR = "\u0001";

    private Candidates() {
    }

    public static String event(String name) {
        return SEPARATOR + name;
    }

    public static String property(String property, String value) {
        return property + SEPARATOR + value;
    }

    /** The property of a candidate, or "" for an event. */
    public static String propertyOf(String candidate) {
        return candidate.substring(0, candidate.indexOf(SEPARATOR));
    }

    /** The event's name, or the property's value. */
    public static String valueOf(String candidate) {
        return candidate.substring(candidate.indexOf(SEPARATOR) + 1);
    }

    /** One person's candidates from two of their ids: each candidate's earliest {@code kept} times. */
    public static Map<String, long[]> merge(Map<String, long[]> a, Map<String, long[]> b, int kept) {
        Map<String, long[]> both = new HashMap<>(a);
        b.forEach((candidate, times) -> both.merge(candidate, times, (x, y) -> {
            long[] all = Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, all, x.length, y.length);
            Arrays.sort(all);
            return all.length > kept ? Arrays.copyOf(all, kept) : all;
        }));
        return both;
    }
}
