package dev.flywheel.experiments;

import java.util.List;

import dev.flywheel.bucketing.BucketRange;

/**
 * A slice of users by their hash under another seed (GrowthBook's "filters", namespaces v2): a user is kept when the
 * hash of their {@code attribute} falls in one of the ranges.
 */
public record HashFilter(String attribute, String seed, int hashVersion, List<BucketRange> ranges) {

    public HashFilter {
        ranges = List.copyOf(ranges);
    }
}
