package dev.flywheel.experiments;

import java.util.List;

import dev.flywheel.bucketing.BucketRange;
import dev.flywheel.bucketing.Bucketing;

/**
 * An experiment ready to assign users: its definition, lifecycle status and released variation, with the bucket
 * ranges computed once. Immutable and safe to share between threads.
 */
public final class Experiment {

    private final ExperimentDefinition definition;
    private final ExperimentStatus status;
    private final int releasedIndex;
    private final List<BucketRange> ranges;

    private Experiment(ExperimentDefinition definition, ExperimentStatus status, int releasedIndex) {
        this.definition = definition;
        this.status = status;
        this.releasedIndex = releasedIndex;
        this.ranges = definition.ranges() != null
                ? definition.ranges()
                : Bucketing.bucketRanges(definition.variations().size(), definition.coverage(),
                        definition.weights());
    }

    /**
     * @param releasedVariation
     *            the winner served to every targeted user once stopped, or null
     * @throws IllegalArgumentException
     *             when the released variation is not one of the experiment's
     */
    public static Experiment of(ExperimentDefinition definition, ExperimentStatus status, String releasedVariation) {
        int released = -1;
        if (releasedVariation != null && !releasedVariation.isEmpty()) {
            released = definition.variationIndex(releasedVariation);
            if (released < 0) {
                throw new IllegalArgumentException("'" + releasedVariation + "' is not a variation of "
                        + definition.key());
            }
        }
        return new Experiment(definition, status, released);
    }

    public String key() {
        return definition.key();
    }

    public ExperimentDefinition definition() {
        return definition;
    }

    public ExperimentStatus status() {
        return status;
    }

    /** The released variation's index, or -1. */
    public int releasedIndex() {
        return releasedIndex;
    }

    public List<BucketRange> ranges() {
        return ranges;
    }
}
