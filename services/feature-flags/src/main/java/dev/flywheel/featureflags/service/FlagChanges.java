package dev.flywheel.featureflags.service;

import java.util.Map;

/**
 * What a subscriber of an environment hears: ready, keep-alive, changed flags ("write" for new, "update", "delete"),
 * or shutdown.
 */
public record FlagChanges(Kind kind, Map<String, String> flags) {

    public enum Kind {
        READY, KEEP_ALIVE, CHANGED, SHUTDOWN
    }

    public static final FlagChanges READY = new FlagChanges(Kind.READY, Map.of());
    public static final FlagChanges KEEP_ALIVE = new FlagChanges(Kind.KEEP_ALIVE, Map.of());
    public static final FlagChanges SHUTDOWN = new FlagChanges(Kind.SHUTDOWN, Map.of());
}
