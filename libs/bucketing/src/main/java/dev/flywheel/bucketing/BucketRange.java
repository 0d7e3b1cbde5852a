package dev.flywheel.bucketing;

/** The part [start, end) of the unit interval whose hashes get one variation. */
public record BucketRange(double start, double end) {

    public boolean contains(double n) {
        return n >= start && n < end;
    }
}
