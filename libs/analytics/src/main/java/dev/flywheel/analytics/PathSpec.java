package dev.flywheel.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Paths to compute: each person's flow of events through {@code steps} columns.
 * <ul>
 * <li>With a {@code start}: from the person's first {@code start} event inside [rangeStart, rangeEnd) to the first
 * {@code end} after it (when one is given), the first {@code steps} events of it.</li>
 * <li>With only an {@code end}: the {@code steps} events leading to the person's first {@code end} inside the range,
 * placed so that the end is in the last column.</li>
 * <li>With neither: from the person's first event inside the range.</li>
 * </ul>
 * Labels are cleaned first (the first matching rule replaces every match of it), excluded labels are removed, and a
 * label repeated in a row counts once (a reload is not a step). A path lasts at most {@code window} from its first
 * event (backwards from its end with only an end). Labels with fewer than {@code minShare} of a column's people are
 * shown as {@value PathCalculator#OTHER}.
 */
public record PathSpec(int steps, String start, String end, Instant rangeStart, Instant rangeEnd, Duration window,
        double minShare, List<Cleaning> cleaning, Set<String> excluded) {

    public static final int MAX_STEPS = 10;
    public static final int MAX_CLEANING_RULES = 20;
    /** Patterns come from users: bounded, and compiled once. */
    public static final int MAX_PATTERN_LENGTH = 200;

    /** Every match of {@code pattern} (a regular expression) in a label becomes {@code replacement}, literally. */
    public record Cleaning(Pattern pattern, String replacement) {

        public static Cleaning of(String pattern, String replacement) {
            if (pattern == null || pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
                throw new IllegalArgumentException("a cleaning pattern has 1 to " + MAX_PATTERN_LENGTH
                        + " characters");
            }
            try {
                return new Cleaning(Pattern.compile(pattern), replacement == null ? "" : replacement);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("not a regular expression: " + e.getDescription());
            }
        }

        String apply(String label) {
            return pattern.matcher(new Budgeted(label)).replaceAll(java.util.regex.Matcher.quoteReplacement(
                    replacement));
        }

        boolean matches(String label) {
            return pattern.matcher(new Budgeted(label)).find();
        }
    }

    /**
     * A label that a pattern may read a bounded number of characters of: a pattern that backtracks without end on
     * some label (a user's "(a+)+$") is refused instead of holding a core.
     */
    private static final class Budgeted implements CharSequence {
        private static final int READS_PER_CHARACTER = 1_000;
        private final CharSequence text;
        private final int[] left;

        Budgeted(CharSequence text) {
            this(text, new int[]{READS_PER_CHARACTER * Math.max(text.length(), 10)});
        }

        private Budgeted(CharSequence text, int[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                String label = text.length() > 80 ? text.subSequence(0, 80) + "…" : text.toString();
                throw new IllegalArgumentException("a cleaning pattern takes too long on the label \"" + label
                        + "\"");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.subSequence(start, end), left);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    public PathSpec {
        if (steps < 2 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("paths have 2 to " + MAX_STEPS + " steps");
        }
        if (!rangeStart.isBefore(rangeEnd)) {
            throw new IllegalArgumentException("the range must end after it starts");
        }
        if (window != null && (window.isNegative() || window.isZero())) {
            throw new IllegalArgumentException("the path window must be positive");
        }
        if (!(minShare >= 0 && minShare < 1)) {
            throw new IllegalArgumentException("the minimum share is at least 0 and below 1");
        }
        cleaning = List.copyOf(cleaning);
        if (cleaning.size() > MAX_CLEANING_RULES) {
            throw new IllegalArgumentException("at most " + MAX_CLEANING_RULES + " cleaning rules");
        }
        excluded = Set.copyOf(excluded);
        if (start != null && start.equals(end)) {
            throw new IllegalArgumentException("a path cannot start and end at the same label");
        }
    }

    long windowMillis() {
        return window == null ? Long.MAX_VALUE : window.toMillis();
    }

    /** A label after the first cleaning rule that matches it. */
    String clean(String label) {
        for (Cleaning rule : cleaning) {
            if (rule.matches(label)) {
                return rule.apply(label);
            }
        }
        return label;
    }
}
