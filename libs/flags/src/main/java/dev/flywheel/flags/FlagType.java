package dev.flywheel.flags;

/** The type a caller asks a flag for (the typed OpenFeature resolve calls). */
public enum FlagType {
    BOOLEAN, STRING, INTEGER, FLOAT, OBJECT,
    /** Any type: bulk evaluation, where each flag answers with its own type. */
    ANY
}
