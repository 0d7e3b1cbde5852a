package dev.flywheel.surveys;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The most frequent themes of open-text answers: words (and two-word phrases) counted once per answer, without
 * stop words, numbers or words under 3 letters. Crude, language-agnostic and explainable: "12% of answers mention
 * 'pricing'".
 */
public final class Themes {

    public record Theme(String phrase, long answers, double share) {
    }

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M}'’-]*");
    private static final Set<String> STOP = Set.of("the", "and", "for", "are", "but", "not", "you", "your", "with",
            "this", "that", "was", "were", "have", "has", "had", "its", "it's", "all", "any", "can", "could",
            "would", "should", "will", "just", "very", "really", "too", "than", "then", "there", "their", "they",
            "them", "what", "when", "where", "which", "who", "why", "how", "from", "into", "about", "more", "most",
            "some", "such", "only", "also", "our", "out", "get", "got", "one", "use", "using", "used", "like",
            "much", "many", "because", "been", "being", "don't", "dont", "does", "did", "doesn't", "i'm", "im",
            "it", "is", "be", "to", "of", "in", "on", "at", "as", "an", "a", "or", "if", "so", "we", "me", "my",
            "no", "yes", "do", "by", "up", "these", "those", "other", "make", "makes", "made", "would've", "etc");

    private Themes() {
    }

    /** The top {@code limit} themes over the answers, most frequent first (ties by phrase). */
    public static List<Theme> top(List<String> answers, int limit) {
        Map<String, Long> counts = new HashMap<>();
        for (String answer : answers) {
            List<String> words = words(answer);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < words.size(); i++) {
                seen.add(words.get(i));
                if (i + 1 < words.size()) {
                    seen.add(words.get(i) + " " + words.get(i + 1));
                }
            }
            seen.forEach(phrase -> counts.merge(phrase, 1L, Long::sum));
        }
        long total = answers.size();
        List<Theme> out = new ArrayList<>();
        counts.forEach((phrase, n) -> {
            // A phrase is a theme when more than one answer says it.
            if (n > 1) {
                out.add(new Theme(phrase, n, total == 0 ? 0 : (double) n / total));
            }
        });
        out.sort((a, b) -> a.answers() != b.answers()
                ? Long.compare(b.answers(), a.answers())
                : a.phrase().compareTo(b.phrase()));
        return out.subList(0, Math.min(limit, out.size()));
    }

    static List<String> words(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        List<String> words = new ArrayList<>();
        var matcher = WORD.matcher(folded);
        while (matcher.find()) {
            String word = matcher.group().replaceAll("^['’-]+|['’-]+$", "");
            if (word.codePointCount(0, word.length()) >= 3 && !STOP.contains(word)) {
                words.add(word);
            }
        }
        return words;
    }
}
