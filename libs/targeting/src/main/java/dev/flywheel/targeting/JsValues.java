package dev.flywheel.targeting;

import java.math.BigDecimal;
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

    /** Formats a number as JavaScript does: integers without a fraction, no trailing zeros. */
    public static String numberToString(Number number) {
        if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
            return number.toString();
        }
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
        double abs = Math.abs(d);
        if (d == Math.rint(d) && abs < 1e21) {
            return abs < 1e18 ? Long.toString((long) d) : new BigDecimal(d).toBigInteger().toString();
        }
        if (abs >= 1e-6 && abs < 1e21) {
            return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        // exponent form: Java prints "1.5E-7", JavaScript "1.5e-7" and "1e+21"
        String java = Double.toString(d);
        int e = java.indexOf('E');
        String mantissa = java.substring(0, e);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        String exponent = java.substring(e + 1);
        return mantissa + "e" + (exponent.startsWith("-") ? exponent : "+" + exponent);
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
        if (a instanceof String x && b instanceof String y) {
            return Integer.signum(x.compareTo(y));
        }
        double x = toNumber(a instanceof List || a instanceof Map ? toJsString(a) : a);
        double y = toNumber(b instanceof List || b instanceof Map ? toJsString(b) : b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return null;
        }
        return Double.compare(x == 0 ? 0 : x, y == 0 ? 0 : y);
    }
}
