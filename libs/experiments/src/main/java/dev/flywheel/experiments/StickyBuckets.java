package dev.flywheel.experiments;

import java.util.Map;

/**
 * The sticky-bucket documents read for one user: per (attribute, value), the variation key stored under
 * {@code "<experimentKey>__<bucketVersion>"}.
 */
public interface StickyBuckets {

    StickyBuckets NONE = (attribute, value) -> Map.of();

    /** The assignments stored for this attribute value; empty when there are none. */
    Map<String, String> assignments(String attribute, String value);

    /** The field under which an experiment's assignment is stored. */
    static String field(String experimentKey, int bucketVersion) {
        return experimentKey + "__" + bucketVersion;
    }
}
