package dev.flywheel.service.catalogue;

import dev.flywheel.service.grpc.Refusal;
import dev.flywheel.service.grpc.RefusedRequest;

/**
 * Optimistic concurrency on a definition (If-Match at the gateway): the version a writer last read, 0 for "any",
 * {@link #CREATE_ONLY} for "only if it does not exist yet".
 */
public final class ExpectedVersion {

    public static final long ANY = 0;
    public static final long CREATE_ONLY = -1;

    private ExpectedVersion() {
    }

    /**
     * @param what
     *            "flag", "experiment", "survey", "metric"
     * @param current
     *            the stored version, null when there is none
     * @throws RefusedRequest
     *             CONFLICT when the stored version is not the one expected
     */
    public static void check(String what, String key, Long current, long expected) {
        if (expected == CREATE_ONLY && current != null) {
            throw new RefusedRequest(Refusal.CONFLICT, what + " '" + key + "' already exists");
        }
        if (expected > 0 && (current == null || current != expected)) {
            throw new RefusedRequest(Refusal.CONFLICT, what + " '" + key + "' is at version "
                    + (current == null ? "none (deleted)" : current) + ", not " + expected
                    + ": read it again and retry");
        }
    }
}
