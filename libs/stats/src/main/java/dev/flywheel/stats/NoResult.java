package dev.flywheel.stats;

/** Why a comparison has no result: an explicit answer instead of NaN or infinity. */
public record NoResult(Reason reason, String message) {

    public enum Reason {
        /** An arm has fewer than two units. */
        NOT_ENOUGH_DATA,
        /** An arm's (or the difference's) variance is zero or negative: nothing varies, nothing to test. */
        ZERO_VARIANCE,
        /** A relative effect needs a control mean other than 0. */
        CONTROL_MEAN_ZERO,
        /** A ratio metric whose denominator sums to 0. */
        DENOMINATOR_ZERO
    }
}
