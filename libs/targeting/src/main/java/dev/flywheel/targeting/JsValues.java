package dev.flywheel.targeting;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * JavaScript value semantics over plain Java values (null, Boolean, Number, String, List, Map), because JsonLogic
 * is defined by what json-logic-js does: truthiness, loose equality, String() and Number() conversions.
 */
public final class JsValues {

    private JsValues() {
    }

    /** JsonLogic truthiness: like JavaScript, except that an empty array is false. */
    public static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof List<?> list) {
            return !list.isEmpty();
        }
        return true;
    }

    /** JavaScript {@code Number(value)}. */
    public static double toNumber(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (value instanceof String s) {
            return parseNumber(s);
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? 0 : list.size() == 1 ? toNumber(toPrimitiveString(list.get(0))) : Double.NaN;
        }
        return Double.NaN;
    }

    private static String toPrimitiveString(Object value) {
        return value == null ? "" : toJsString(value);
    }

    private static double parseNumber(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return 0;
        }
        if (s.equals("Infinity") || s.equals("+Infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        if (s.equals("-Infinity")) {
            return Double.NEGATIVE_INFINITY;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // Java also accepts "1d", "0x1p3" and "NaN"; JavaScript's Number() does not
            if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
                return Double.NaN;
            }
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** JavaScript {@code String(value)}, with null standing for both null and undefined. */
    public static String toJsString(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (value instanceof Number n) {
            return numberToString(n);
        }
        if (value instanceof List<?> list) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    joined.append(',');
                }
                Object item = list.get(i);
                if (item != null) {
                    joined.append(toJsString(item));
                }
            }
            return joined.toString();
        }
        return "[object Object]";
    }

    /**
     * ECMAScript's Number::toString: the shortest digits that read back as the same double (ties to the closer, then
     * the even one), in positional form from 1e-6 up to 1e21 and in exponent form outside ("7e+22", "5e-324"). Every
     * number is a double first, as in JavaScript: a long of 2^60 + 1 prints as "1152921504606847000".
     */
    public static String numberToString(Number number) {
        double d = number.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < EXACT_INTEGERS) {
            return Long.toString((long) d);
        }
        String sign = d < 0 ? "-" : "";
        BigDecimal shortest = shortestDecimal(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int k = digits.length();
        int n = k - shortest.scale(); // the value is digits x 10^(n - k)
        if (k <= n && n <= 21) {
            return sign + digits + "0".repeat(n - k);
        }
        if (0 < n && n <= 21) {
            return sign + digits.substring(0, n) + "." + digits.substring(n);
        }
        if (-6 < n && n <= 0) {
            return sign + "0." + "0".repeat(-n) + digits;
        }
        String exponent = (n - 1 >= 0 ? "+" : "-") + Math.abs(n - 1);
        return sign + (k == 1 ? digits : digits.charAt(0) + "." + digits.substring(1)) + "e" + exponent;
    }

    private static final double EXACT_INTEGERS = 0x1p53;

    /** The shortest decimal that reads back as {@code m} (positive, finite), with no trailing zeros. */
    private static BigDecimal shortestDecimal(double m) {
        BigDecimal exact = new BigDecimal(m);
        for (int precision = 1; precision < 17; precision++) {
            BigDecimal down = exact.round(new MathContext(precision, RoundingMode.DOWN));
            BigDecimal up = exact.round(new MathContext(precision, RoundingMode.UP));
            boolean downReads = down.doubleValue() == m;
            boolean upReads = up.doubleValue() == m;
            if (downReads && upReads) {
                int closer = exact.subtract(down).compareTo(up.subtract(exact));
                BigDecimal chosen = closer < 0
                        ? down
                        : closer > 0
                                ? up
                                : down.unscaledValue().testBit(0) ? up : down;
                return chosen.stripTrailingZeros();
            }
            if (downReads || upReads) {
                return (downReads ? down : up).stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }

    /** JavaScript {@code a == b}. */
    public static boolean looseEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof String x && b instanceof String y) {
            return x.equals(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return x.equals(y);
        }
        if (a instanceof Boolean) {
            return looseEquals(toNumber(a), b);
        }
        if (b instanceof Boolean) {
            return looseEquals(a, toNumber(b));
        }
        if (a instanceof Number && b instanceof String) {
            return ((Number) a).doubleValue() == toNumber(b);
        }
        if (a instanceof String && b instanceof Number) {
            return toNumber(a) == ((Number) b).doubleValue();
        }
        boolean aObject = a instanceof List || a instanceof Map;
        boolean bObject = b instanceof List || b instanceof Map;
        if (aObject && bObject) {
            return a == b;
        }
        // an array or object against a primitive compares through its string form
        return aObject ? looseEquals(toJsString(a), b) : looseEquals(a, toJsString(b));
    }

    /** JavaScript {@code a === b}. */
    public static boolean strictEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a instanceof String || a instanceof Boolean) {
            return a.equals(b);
        }
        return a == b;
    }

    /**
     * JavaScript relational comparison: strings compare by UTF-16 code units, anything else numerically.
     * Returns null when JavaScript would answer false for every operator (a NaN is involved).
     */
    public static Integer compare(Object a, Object b) {
        // ToPrimitive first: an array or object compares as its string form, and two strings compare as strings
        Object left = a instanceof List || a instanceof Map ? toJsString(a) : a;
        Object right = b instanceof List || b instanceof Map ? toJsString(b) : b;
        if (left instanceof String x && right instanceof String y) {
            return Integer.signum(x.compareTo(y));
        }
        double x = toNumber(left);
        double y = toNumber(right);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return null;
        }
        return Double.compare(x == 0 ? 0 : x, y == 0 ? 0 : y);
    }
}
