package dev.flywheel.recordings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Heatmaps' plain parts: which page a URL is, how a URL pattern matches, and the scroll map from depths. */
public final class Heatmaps {

    private Heatmaps() {
    }

    /** A depth and the share of page views that reached it. */
    public record Depth(int depthPx, double share) {
    }

    /**
     * The page a URL shows, as heatmaps group it: without query string and fragment, scheme and host in lower case,
     * at most 2,000 characters. Null for what is not an absolute http(s) URL.
     */
    public static String page(String url) {
        if (url == null) {
            return null;
        }
        int end = url.length();
        for (char stop : new char[]{'?', '#'}) {
            int at = url.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String page = url.substring(0, end);
        int scheme = page.indexOf("://");
        if (scheme <= 0 || !page.regionMatches(true, 0, "http", 0, 4)) {
            return null;
        }
        int path = page.indexOf('/', scheme + 3);
        String origin = (path < 0 ? page : page.substring(0, path)).toLowerCase(Locale.ROOT);
        page = origin + (path < 0 ? "/" : page.substring(path));
        return page.length() > 2_000 ? page.substring(0, 2_000) : page;
    }

    /** A SQL LIKE pattern (escape character '\') for a URL pattern in which '*' stands for any run of characters. */
    public static String likePattern(String pattern) {
        return like(pattern, true);
    }

    /** A SQL LIKE pattern for every URL that starts with the prefix ('*' is itself here). */
    public static String likePrefix(String prefix) {
        return like(prefix, false) + "%";
    }

    private static String like(String text, boolean starIsWildcard) {
        StringBuilder like = new StringBuilder(text.length() + 4);
        for (char c : text.toCharArray()) {
            if (c == '*' && starIsWildcard) {
                like.append('%');
            } else if (c == '%' || c == '_' || c == '\\') {
                like.append('\\').append(c);
            } else {
                like.append(c);
            }
        }
        return like.toString();
    }

    /**
     * The scroll map: {@code viewsByStep[i]} page views had their deepest point in [i × step, (i + 1) × step); the
     * share reaching depth k × step is the share of views whose deepest point lies at or below it.
     */
    public static List<Depth> scrollMap(long[] viewsByStep, int stepPx) {
        long total = 0;
        for (long views : viewsByStep) {
            total += views;
        }
        List<Depth> depths = new ArrayList<>(viewsByStep.length);
        long reached = total;
        for (int i = 0; i < viewsByStep.length; i++) {
            depths.add(new Depth(i * stepPx, total == 0 ? 0 : (double) reached / total));
            reached -= viewsByStep[i];
        }
        return depths;
    }
}
