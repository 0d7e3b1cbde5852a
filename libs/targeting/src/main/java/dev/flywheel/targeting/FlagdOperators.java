package dev.flywheel.targeting;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * flagd's custom JsonLogic operators: {@code starts_with}, {@code ends_with}, {@code sem_ver} and {@code fractional}.
 * On bad input each answers null (never false), so an enclosing "if" falls through to its else branch.
 */
final class FlagdOperators {

    private static final long MAX_FRACTIONAL_TOTAL = Integer.MAX_VALUE;

    private FlagdOperators() {
    }

    static Rule affix(boolean prefix, Rule[] arguments) {
        if (arguments.length != 2) {
            return JsonLogic.NULL;
        }
        Rule subject = arguments[0];
        Rule affix = arguments[1];
        return data -> {
            Object s = subject.evaluate(data);
            Object a = affix.evaluate(data);
            if (!(s instanceof String text) || !(a instanceof String part)) {
                return null;
            }
            return prefix ? text.startsWith(part) : text.endsWith(part);
        };
    }

    static Rule semanticVersion(Rule[] arguments) {
        if (arguments.length != 3) {
            return JsonLogic.NULL;
        }
        return data -> {
            SemanticVersion left = version(arguments[0].evaluate(data));
            Object operator = arguments[1].evaluate(data);
            SemanticVersion right = version(arguments[2].evaluate(data));
            if (left == null || right == null || !(operator instanceof String op)) {
                return null;
            }
            int c = left.compareTo(right);
            return switch (op) {
                case "=" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                case "^" -> left.major() == right.major();
                case "~" -> left.major() == right.major() && left.minor() == right.minor();
                default -> null;
            };
        };
    }

    private static SemanticVersion version(Object value) {
        if (value instanceof String s) {
            return SemanticVersion.parse(s);
        }
        if (value instanceof Number n) {
            return SemanticVersion.parse(JsValues.numberToString(n));
        }
        return null;
    }

    private static final String[] FLAG_KEY_PATH = {"$flagd", "flagKey"};

    static Rule fractional(Rule[] arguments) {
        return data -> {
            if (arguments.length == 0) {
                return null;
            }
            Object first = arguments[0].evaluate(data);
            String bucketBy;
            int from;
            if (first instanceof String s) {
                bucketBy = s;
                from = 1;
            } else {
                Object targetingKey = data instanceof Map<?, ?> map ? map.get("targetingKey") : null;
                if (!(targetingKey instanceof String key) || key.isEmpty()) {
                    return null;
                }
                Object flagKey = JsonLogic.lookup(data, FLAG_KEY_PATH);
                bucketBy = (flagKey instanceof String f ? f : "") + key;
                from = 0;
            }
            int count = arguments.length - from;
            if (count == 0) {
                return null;
            }
            Object[] variants = new Object[count];
            long[] weights = new long[count];
            long total = 0;
            for (int i = 0; i < count; i++) {
                Object bucket = i == 0 && from == 0 ? first : arguments[from + i].evaluate(data);
                if (!(bucket instanceof List<?> entry) || entry.isEmpty() || entry.size() > 2) {
                    return null;
                }
                Object variant = entry.get(0);
                // a null variant is a bucket of its own whose users get the default; the others keep their share
                if (variant != null
                        && !(variant instanceof String || variant instanceof Boolean || variant instanceof Number)) {
                    return null;
                }
                long weight = 1;
                if (entry.size() == 2) {
                    if (!(entry.get(1) instanceof Number n)) {
                        return null;
                    }
                    double w = n.doubleValue();
                    if (w != Math.rint(w) || Double.isInfinite(w)) {
                        return null;
                    }
                    weight = w < 0 ? 0 : (long) Math.min(w, MAX_FRACTIONAL_TOTAL + 1.0);
                }
                variants[i] = variant;
                weights[i] = weight;
                total += weight;
                if (total > MAX_FRACTIONAL_TOTAL) {
                    return null;
                }
            }
            if (total == 0) {
                return null;
            }
            long hash = MurmurHash3.hash32(bucketBy.getBytes(StandardCharsets.UTF_8), 0) & 0xFFFFFFFFL;
            long bucket = (hash * total) >>> 32;
            long cumulative = 0;
            for (int i = 0; i < count; i++) {
                cumulative += weights[i];
                if (bucket < cumulative) {
                    return variants[i];
                }
            }
            return null;
        };
    }
}
