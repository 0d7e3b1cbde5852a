package dev.flywheel.experiments;

import java.time.Instant;
import java.util.Map;

import dev.flywheel.targeting.JsValues;

/**
 * Who is asking: their attributes (what targeting and hashing read), the page URL when a browser asks (for
 * {@code ?<experiment>=<index>} QA overrides) and the time schedules are checked against.
 */
public record UserContext(Map<String, Object> attributes, String url, Instant now) {

    public UserContext {
        attributes = attributes == null ? Map.of() : attributes;
    }

    /**
     * The attribute as GrowthBook's JavaScript SDK reads a hash value: empty when it is absent or falsy (null, false,
     * 0, NaN, ""), else JavaScript's String(value) (an array "a,b", a number as JavaScript prints it). One departure:
     * an empty array is no value here, where GrowthBook would hash its empty string (docs/experiments.md).
     */
    public String stringAttribute(String name) {
        Object value = attributes.get(name);
        return JsValues.truthy(value) ? JsValues.toJsString(value) : "";
    }
}
