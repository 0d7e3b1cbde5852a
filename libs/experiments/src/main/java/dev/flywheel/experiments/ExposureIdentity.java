package dev.flywheel.experiments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The message id of one user's exposure to one bucket version of an experiment, derived from (project,
 * environment, experiment, bucket version, hash attribute, hash value): whoever sends it (the assignment service, an
 * in-process SDK) and however often, the pipeline's per-project dedupe keeps one.
 */
public final class ExposureIdentity {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private ExposureIdentity() {
    }

    public static String messageId(String projectId, String environment, String experimentKey, int bucketVersion,
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
        return "exposure-" + BASE64.encodeToString(Arrays.copyOf(sha256.digest(), 18));
    }
}
