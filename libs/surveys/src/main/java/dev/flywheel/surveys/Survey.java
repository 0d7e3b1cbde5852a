package dev.flywheel.surveys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.flywheel.targeting.Rule;

/**
 * A survey as the selector and the answer checks use it. Who sees it: everyone the targeting admits (all of it
 * ANDed), within the schedule, sampled, at most as often as the frequency allows, and not within the wait period
 * after another survey.
 */
public record Survey(String key, String name, List<Question> questions, Targeting targeting, Instant startAt,
        Instant endAt, Frequency frequency, Duration waitPeriod, int priority) {

    /** A page address condition. */
    public record UrlMatch(Kind kind, String value, Pattern pattern) {
        public enum Kind {
            EXACT, CONTAINS, REGEX
        }

        public boolean matches(String url) {
            if (url == null) {
                return false;
            }
            return switch (kind) {
                case EXACT -> url.equals(value);
                case CONTAINS -> url.contains(value);
                case REGEX -> pattern.matcher(url).find();
            };
        }
    }

    /** Null parts admit everyone. */
    public record Targeting(Rule condition, UrlMatch url, Set<String> devices, Set<String> events,
            double sampling) {
    }

    /** Shown once per person, or again every {@code every} after the last answer or dismissal. */
    public record Frequency(Duration every) {
        public static final Frequency ONCE = new Frequency(null);

        public boolean once() {
            return every == null;
        }
    }

    public Survey {
        questions = List.copyOf(questions);
    }

    public Optional<Question> question(String id) {
        return questions.stream().filter(q -> q.id().equals(id)).findFirst();
    }
}
