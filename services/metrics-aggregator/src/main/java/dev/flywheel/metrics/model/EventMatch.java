package dev.flywheel.metrics.model;

import java.util.List;

/** Events with a name (null or empty: any activity) meeting every condition. */
public record EventMatch(String event, List<PropertyCondition> conditions) {

    public EventMatch {
        event = event == null || event.isEmpty() ? null : event;
        conditions = List.copyOf(conditions);
    }

    public static EventMatch named(String event) {
        return new EventMatch(event, List.of());
    }

    public boolean anyActivity() {
        return event == null;
    }

    /** Whether the daily rollups can answer for these events (no conditions to check on each event). */
    public boolean rollupCovers() {
        return conditions.isEmpty();
    }
}
