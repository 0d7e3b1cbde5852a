package dev.flywheel.assignment.exposure;

import java.time.Instant;

import dev.flywheel.experiments.Assignment;
import dev.flywheel.experiments.ExposureIdentity;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.service.events.PlatformEvents;

/**
 * The {@code $exposure} event for a user's first assignment to an experiment, identified by
 * {@link ExposureIdentity} so however often it is sent, the pipeline's per-project dedupe keeps one.
 */
public final class Exposures {

    private Exposures() {
    }

    /**
     * What an assignment exposes.
     *
     * @param weights
     *            the experiment's split when the user was exposed (one weight per variation): the sample-ratio
     *            check compares the units per variation with it
     */
    public static ExposureProperties properties(Assignment assignment, int bucketVersion, double[] weights) {
        ExposureProperties.Builder properties = ExposureProperties.newBuilder()
                .setExperimentKey(orEmpty(assignment.experimentKey()))
                .setVariationKey(orEmpty(assignment.variationKey()))
                .setVariationIndex(assignment.variationIndex())
                .setHashAttribute(orEmpty(assignment.hashAttribute()))
                .setHashValue(orEmpty(assignment.hashValue()))
                .setBucket(assignment.bucket())
                .setBucketVersion(bucketVersion)
                .setStickyBucketUsed(assignment.stickyBucketUsed());
        for (double weight : weights) {
            properties.addVariationWeights(weight);
        }
        return properties.build();
    }

    /** The exposure's event, identified by the user's exposure to the experiment's bucket version. */
    public static Event event(Scope scope, ExposureProperties exposure, Instant at) {
        String messageId = ExposureIdentity.messageId(scope.getProjectId(), scope.getEnvironment(),
                exposure.getExperimentKey(), exposure.getBucketVersion(), exposure.getHashAttribute(),
                exposure.getHashValue());
        return PlatformEvents.track(scope, exposure, exposure.getHashValue(), messageId, at,
                "flywheel-experiment-assignment").build();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
