package dev.flywheel.targeting;

import java.util.Arrays;

/**
 * A semantic version as flagd's {@code sem_ver} operator reads it: an optional leading v/V, one to three numeric
 * parts (missing parts are zero), an optional pre-release, and build metadata that is ignored.
 */
public record SemanticVersion(long major, long minor, long patch, String[] preRelease)
        implements
            Comparable<SemanticVersion> {

    /** Parses a version, or returns null when it is not one. */
    public static SemanticVersion parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text.charAt(0) == 'v' || text.charAt(0) == 'V' ? text.substring(1) : text;
        int plus = s.indexOf('+');
        if (plus >= 0) {
            if (!validIdentifiers(s.substring(plus + 1), false)) {
                return null;
            }
            s = s.substring(0, plus);
        }
        String[] preRelease = new String[0];
        int dash = s.indexOf('-');
        if (dash >= 0) {
            String pre = s.substring(dash + 1);
            if (!validIdentifiers(pre, true)) {
                return null;
            }
            preRelease = pre.split("\\.");
            s = s.substring(0, dash);
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 3) {
            return null;
        }
        long[] numbers = new long[3];
        for (int i = 0; i < parts.length; i++) {
            if (!isNumeric(parts[i]) || parts[i].length() > 18
                    || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                return null;
            }
            numbers[i] = Long.parseLong(parts[i]);
        }
        return new SemanticVersion(numbers[0], numbers[1], numbers[2], preRelease);
    }

    private static boolean validIdentifiers(String text, boolean preRelease) {
        if (text.isEmpty()) {
            return false;
        }
        for (String identifier : text.split("\\.", -1)) {
            if (identifier.isEmpty()) {
                return false;
            }
            for (int i = 0; i < identifier.length(); i++) {
                char c = identifier.charAt(i);
                if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '-') {
                    return false;
                }
            }
            if (preRelease && isNumeric(identifier) && identifier.length() > 1 && identifier.charAt(0) == '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(SemanticVersion other) {
        int c = Long.compare(major, other.major);
        if (c == 0) {
            c = Long.compare(minor, other.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, other.patch);
        }
        if (c != 0) {
            return c;
        }
        // a pre-release sorts before its release
        if (preRelease.length == 0 || other.preRelease.length == 0) {
            return Integer.compare(other.preRelease.length == 0 ? 0 : 1, preRelease.length == 0 ? 0 : 1);
        }
        for (int i = 0; i < Math.min(preRelease.length, other.preRelease.length); i++) {
            String a = preRelease[i];
            String b = other.preRelease[i];
            boolean aNumeric = isNumeric(a);
            boolean bNumeric = isNumeric(b);
            int d;
            if (aNumeric && bNumeric) {
                d = a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
            } else if (aNumeric != bNumeric) {
                d = aNumeric ? -1 : 1;
            } else {
                d = a.compareTo(b);
            }
            if (d != 0) {
                return Integer.signum(d);
            }
        }
        return Integer.compare(preRelease.length, other.preRelease.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(major) * 31 * 31 + Long.hashCode(minor) * 31 + Long.hashCode(patch)
                + Arrays.hashCode(preRelease);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.length == 0 ? "" : "-" + String.join(".", preRelease));
    }
}
