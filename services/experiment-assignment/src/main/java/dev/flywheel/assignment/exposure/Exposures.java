package dev.flywheel.assignment.exposure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import dev.flywheel.experiments.Assignment;
import dev.flywheel.proto.common.v1.Scope;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.proto.events.v1.ExposureProperties;
import dev.flywheel.service.events.PlatformEvents;

/**
 * The {@code $exposure} event for a user's first assignment to an experiment. Its message id is derived from
 * (project, environment, experiment, bucket version, hash attribute, hash value), so however often it is sent, the
 * pipeline's per-project dedupe keeps one.
 */
public final class Exposures {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private Exposures() {
    }

    /** A short, stable identity of one user's exposure to one bucket version of an experiment. */
    private static String identity(String projectId, String environment, String experimentKey, int bucketVersion,
            String hashAttribute, String hashValue) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
        for (String part : new String[]{projectId, environment, experimentKey, Integer.toString(bucketVersion),
                hashAttribute, hashValue}) {
            sha256.update(part.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
        }
        return BASE64.encodeToString(Arrays.copyOf(sha256.digest(), 18));
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
        String identity = identity(scope.getProjectId(), scope.getEnvironment(), exposure.getExperimentKey(),
                exposure.getBucketVersion(), exposure.getHashAttribute(), exposure.getHashValue());
        return PlatformEvents.track(scope, exposure, exposure.getHashValue(), "exposure-" + identity, at,
                "flywheel-experiment-assignment").build();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
