package dev.flywheel.flags;

/** OpenFeature resolution reasons as flagd reports them (fractional splits report TARGETING_MATCH). */
public final class Reason {

    public static final String STATIC = "STATIC";
    public static final String TARGETING_MATCH = "TARGETING_MATCH";
    public static final String DEFAULT = "DEFAULT";
    public static final String DISABLED = "DISABLED";
    public static final String ERROR = "ERROR";

    private Reason() {
    }
}
