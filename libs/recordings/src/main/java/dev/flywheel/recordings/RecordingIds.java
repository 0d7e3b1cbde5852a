package dev.flywheel.recordings;

import java.util.regex.Pattern;

/**
 * The identifiers a browser chooses for its recording (session and window): letters, digits, '-' and '_' only, so
 * that they are safe as parts of a blob key and a path (no '/', no "..").
 */
public final class RecordingIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private RecordingIds() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The id, or an {@link InvalidChunkException} for {@code field}. */
    public static String require(String field, String id) {
        if (!valid(id)) {
            throw new InvalidChunkException(field, "must be 8 to 64 letters, digits, '-' or '_'");
        }
        return id;
    }
}
