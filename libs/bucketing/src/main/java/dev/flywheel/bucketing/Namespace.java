package dev.flywheel.bucketing;

/** A share [start, end) of a namespace: experiments holding disjoint shares of one namespace never share a user. */
public record Namespace(String id, double start, double end) {
}
