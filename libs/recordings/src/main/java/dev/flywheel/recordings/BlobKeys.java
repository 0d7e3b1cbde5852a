package dev.flywheel.recordings;

import java.util.regex.Pattern;

/**
 * The blob layout: {@code recordings/<project>/<environment>/<session>/<window>/<sequence, 10 digits>}. The name
 * does not say whether the bytes are gzip (the first two bytes do): a chunk retried in the other encoding (a page
 * leaving sends it plain) replaces the same blob.
 */
public final class BlobKeys {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/?");

    private BlobKeys() {
    }

    public static String chunk(String project, String environment, String sessionId, String windowId,
            int sequence) {
        return session(project, environment, sessionId) + RecordingIds.require("windowId", windowId) + "/"
                + String.format("%010d", sequence);
    }

    /** The folder of a session's chunks. */
    public static String session(String project, String environment, String sessionId) {
        return "recordings/" + name(project) + "/" + name(environment) + "/" + RecordingIds.require("sessionId",
                sessionId) + "/";
    }

    private static String name(String part) {
        if (part == null || !NAME.matcher(part).matches()) {
            throw new IllegalArgumentException("not a project or environment name: " + part);
        }
        return part;
    }

    /** Whether a key is made of safe names only: no empty, "." or ".." parts, no absolute paths. */
    public static boolean safe(String key) {
        if (key == null || key.isEmpty() || key.length() > 512 || !SAFE.matcher(key).matches()) {
            return false;
        }
        for (String part : key.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    static String requireSafe(String key) {
        if (!safe(key)) {
            throw new IllegalArgumentException("unsafe blob key: " + key);
        }
        return key;
    }
}
