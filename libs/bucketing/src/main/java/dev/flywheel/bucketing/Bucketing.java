package dev.flywheel.bucketing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GrowthBook's bucketing, so a user gets the same variation here as from a GrowthBook SDK given the same inputs:
 * FNV-1a over UTF-16 code units, hash versions 1 and 2, bucket ranges that do not move when coverage changes, and
 * namespaces. All arithmetic is in double, as in JavaScript.
 */
public final class Bucketing {

    private static final long FNV_OFFSET = 0x811c9dc5L;
    private static final long FNV_PRIME = 16777619L;

    private Bucketing() {
    }

    /** FNV-1a 32-bit over the string's UTF-16 code units (not its UTF-8 bytes), unsigned. */
    public static long fnv1a32(String value) {
        long h = FNV_OFFSET;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h = (h * FNV_PRIME) & 0xFFFFFFFFL;
        }
        return h;
    }

    /**
     * A number in [0, 1) for a user ({@code value}) in an experiment ({@code seed}): version 1 hashes value + seed
     * into 1,000 buckets, version 2 hashes seed + value twice into 10,000. Null for any other version.
     */
    public static Double hash(String seed, String value, int version) {
        if (version == 1) {
            return (fnv1a32(value + seed) % 1000) / 1000.0;
        }
        if (version == 2) {
            return (fnv1a32(Long.toString(fnv1a32(seed + value))) % 10000) / 10000.0;
        }
        return null;
    }

    /** n equal weights, or none when n is not positive. */
    public static double[] equalWeights(int n) {
        if (n <= 0) {
            return new double[0];
        }
        double[] weights = new double[n];
        Arrays.fill(weights, 1.0 / n);
        return weights;
    }

    /**
     * The bucket range of each variation. Coverage (default 1) is clamped to [0, 1]; weights that are missing, of
     * the wrong length or not summing to 1 (within 0.01) become equal weights. Each range starts where the
     * variation's full weight would start, so raising coverage only widens ranges and never moves a user.
     */
    public static List<BucketRange> bucketRanges(int variations, Double coverage, double[] weights) {
        double cover = coverage == null ? 1 : Math.max(0, Math.min(1, coverage));
        double[] w = weights;
        if (w == null || w.length != variations) {
            w = equalWeights(variations);
        } else {
            double total = 0;
            for (double weight : w) {
                total += weight;
            }
            if (total < 0.99 || total > 1.01) {
                w = equalWeights(variations);
            }
        }
        List<BucketRange> ranges = new ArrayList<>(w.length);
        double cumulative = 0;
        for (double weight : w) {
            double start = cumulative;
            cumulative += weight;
            ranges.add(new BucketRange(start, start + cover * weight));
        }
        return ranges;
    }

    /** The first variation whose range holds n, or -1 when none does (the user is not in the experiment). */
    public static int chooseVariation(double n, List<BucketRange> ranges) {
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(n)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a user falls in an experiment's share of a namespace (hash version 1, seed "__" + namespace). */
    public static boolean inNamespace(String userId, Namespace namespace) {
        double n = hash("__" + namespace.id(), userId, 1);
        return n >= namespace.start() && n < namespace.end();
    }

    /**
     * A QA override from a URL's query string ({@code ?<experimentKey>=<index>}), read like JavaScript's parseInt;
     * null when absent or not a valid variation index.
     */
    public static Integer queryStringOverride(String experimentKey, String url, int variations) {
        if (url == null) {
            return null;
        }
        int question = url.indexOf('?');
        if (question < 0) {
            return null;
        }
        int hashMark = url.indexOf('#', question);
        String query = url.substring(question + 1, hashMark < 0 ? url.length() : hashMark);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.substring(0, eq).equals(experimentKey)) {
                continue;
            }
            Integer index = parseInt(pair.substring(eq + 1));
            return index == null || index < 0 || index >= variations ? null : index;
        }
        return null;
    }

    /** JavaScript parseInt(text, 10): optional sign and leading digits; null where it gives NaN. */
    private static Integer parseInt(String text) {
        String s = text.strip();
        int i = 0;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        long value = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 10) {
            value = value * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == start) {
            return null;
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, negative ? -value : value));
    }
}
