package dev.flywheel.ingest;

import java.util.Locale;
import java.util.Set;

/**
 * Identifiers that broken client code sends instead of a real id ("undefined", "null", "[object Object]"...).
 * Counting them as people would merge thousands of users into one, so they are treated as absent.
 */
public final class JunkIds {

    private static final Set<String> JUNK = Set.of("anonymous", "null", "undefined", "0", "[object object]", "nan",
            "none", "guest", "distinct_id", "id", "not_authenticated", "email", "true", "false");

    private JunkIds() {
    }

    public static boolean isJunk(String id) {
        if (id == null) {
            return true;
        }
        String value = id.trim();
        if (value.length() >= 2 && (value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"'
                || value.charAt(0) == '\'' && value.charAt(value.length() - 1) == '\'')) {
            value = value.substring(1, value.length() - 1).trim();
        }
        return value.isEmpty() || JUNK.contains(value.toLowerCase(Locale.ROOT));
    }
}
