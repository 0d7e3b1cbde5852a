package dev.flywheel.experiments;

import java.time.Instant;
import java.util.Map;

/**
 * Who is asking: their attributes (what targeting and hashing read), the page URL when a browser asks (for
 * {@code ?<experiment>=<index>} QA overrides) and the time schedules are checked against.
 */
public record UserContext(Map<String, Object> attributes, String url, Instant now) {

    public UserContext {
        attributes = attributes == null ? Map.of() : attributes;
    }

    /** The attribute as GrowthBook reads a hash value: JavaScript's String(value), empty when absent or null. */
    public String stringAttribute(String name) {
        Object value = attributes.get(name);
        return value == null ? "" : dev.flywheel.targeting.JsValues.toJsString(value);
    }
}
