package dev.flywheel.targeting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles JsonLogic (the json-logic-js operator set) plus flagd's custom operators into a tree of {@link Rule}s.
 * Compilation resolves operators and literal paths once, so evaluation does no parsing and no lookups by name.
 *
 * <p>
 * Input is a JSON tree of plain Java values. A map with exactly one key is an operation; any other map is a
 * literal. An unknown operator fails compilation ({@link InvalidRuleException}); bad data at evaluation never
 * throws: the custom operators answer null, the standard ones follow JavaScript.
 */
public final class JsonLogic {

    static final Rule NULL = new Constant(null);

    private JsonLogic() {
    }

    public static Rule compile(Object logic) throws InvalidRuleException {
        if (logic instanceof Map<?, ?> map) {
            if (map.size() != 1) {
                return literalMap(map);
            }
            Map.Entry<?, ?> operation = map.entrySet().iterator().next();
            return operation(String.valueOf(operation.getKey()), operation.getValue());
        }
        if (logic instanceof List<?> list) {
            Rule[] items = compileAll(list);
            if (allConstant(items)) {
                // a literal array (like a fractional bucket ["red", 50]) is built once, not per evaluation
                List<Object> values = Collections.unmodifiableList(evaluateAll(items, null));
                return new Constant(values);
            }
            return data -> evaluateAll(items, data);
        }
        return new Constant(logic);
    }

    /** A rule whose value does not depend on the data. */
    private record Constant(Object value) implements Rule {
        @Override
        public Object evaluate(Object data) {
            return value;
        }
    }

    private static boolean allConstant(Rule[] rules) {
        for (Rule rule : rules) {
            if (!(rule instanceof Constant)) {
                return false;
            }
        }
        return true;
    }

    private static Rule literalMap(Map<?, ?> map) {
        return new Constant(Collections.unmodifiableMap(new LinkedHashMap<>(map)));
    }

    private static Rule[] compileAll(List<?> list) throws InvalidRuleException {
        Rule[] rules = new Rule[list.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = compile(list.get(i));
        }
        return rules;
    }

    private static List<Object> evaluateAll(Rule[] rules, Object data) {
        List<Object> values = new ArrayList<>(rules.length);
        for (Rule rule : rules) {
            values.add(rule.evaluate(data));
        }
        return values;
    }

    private static Rule operation(String operator, Object arguments) throws InvalidRuleException {
        // json-logic-js accepts a single argument without the array: {"var": "x"}, {"!": true}
        List<?> raw = arguments instanceof List<?> list ? list : Collections.singletonList(arguments);
        switch (operator) {
            case "var" :
                return variable(raw);
            case "missing" :
                return missing(compileAll(raw));
            case "missing_some" :
                return missingSome(compileAll(raw));
            case "if" :
            case "?:" :
                return condition(compileAll(raw));
            case "and" :
                return and(compileAll(raw));
            case "or" :
                return or(compileAll(raw));
            case "!" : {
                Rule a = argument(raw, 0);
                return data -> !JsValues.truthy(a.evaluate(data));
            }
            case "!!" : {
                Rule a = argument(raw, 0);
                return data -> JsValues.truthy(a.evaluate(data));
            }
            case "==" : {
                Rule a = argument(raw, 0);
                Rule b = argument(raw, 1);
                return data -> JsValues.looseEquals(a.evaluate(data), b.evaluate(data));
            }
            case "!=" : {
                Rule a = argument(raw, 0);
                Rule b = argument(raw, 1);
                return data -> !JsValues.looseEquals(a.evaluate(data), b.evaluate(data));
            }
            case "===" : {
                Rule a = argument(raw, 0);
                Rule b = argument(raw, 1);
                return data -> JsValues.strictEquals(a.evaluate(data), b.evaluate(data));
            }
            case "!==" : {
                Rule a = argument(raw, 0);
                Rule b = argument(raw, 1);
                return data -> !JsValues.strictEquals(a.evaluate(data), b.evaluate(data));
            }
            case ">" :
                return comparison(compileAll(raw), c -> c > 0);
            case ">=" :
                return comparison(compileAll(raw), c -> c >= 0);
            case "<" :
                return comparison(compileAll(raw), c -> c < 0);
            case "<=" :
                return comparison(compileAll(raw), c -> c <= 0);
            case "max" :
                return extreme(compileAll(raw), true);
            case "min" :
                return extreme(compileAll(raw), false);
            case "+" :
                return sum(compileAll(raw));
            case "*" :
                return product(compileAll(raw));
            case "-" : {
                Rule a = argument(raw, 0);
                if (raw.size() < 2) {
                    return data -> -JsValues.toNumber(a.evaluate(data));
                }
                Rule b = argument(raw, 1);
                return data -> JsValues.toNumber(a.evaluate(data)) - JsValues.toNumber(b.evaluate(data));
            }
            case "/" : {
                Rule a = argument(raw, 0);
                Rule b = argument(raw, 1);
                return data -> JsValues.toNumber(a.evaluate(data)) / JsValues.toNumber(b.evaluate(data));
            }
            case "%" : {
                Rule a = argument(raw, 0);
                Rule b = argument(raw, 1);
                return data -> JsValues.toNumber(a.evaluate(data)) % JsValues.toNumber(b.evaluate(data));
            }
            case "in" :
                return CollectionOperators.in(argument(raw, 0), argument(raw, 1));
            case "cat" :
                return CollectionOperators.cat(compileAll(raw));
            case "substr" :
                return CollectionOperators.substr(argument(raw, 0), argument(raw, 1),
                        raw.size() > 2 ? argument(raw, 2) : null);
            case "merge" :
                return CollectionOperators.merge(compileAll(raw));
            case "map" :
            case "filter" :
            case "all" :
            case "none" :
            case "some" :
                return CollectionOperators.iteration(operator, argument(raw, 0), argument(raw, 1));
            case "reduce" :
                return CollectionOperators.reduce(argument(raw, 0), argument(raw, 1), argument(raw, 2));
            case "log" :
                return argument(raw, 0);
            case "starts_with" :
            case "ends_with" :
                return FlagdOperators.affix(operator.equals("starts_with"), compileAll(raw));
            case "sem_ver" :
                return FlagdOperators.semanticVersion(compileAll(raw));
            case "fractional" :
                return FlagdOperators.fractional(compileAll(raw));
            default :
                throw new InvalidRuleException("unknown operator '" + operator + "'");
        }
    }

    private static Rule argument(List<?> raw, int index) throws InvalidRuleException {
        return index < raw.size() ? compile(raw.get(index)) : NULL;
    }

    // ---- data access

    private static Rule variable(List<?> raw) throws InvalidRuleException {
        Rule fallback = raw.size() > 1 ? compile(raw.get(1)) : NULL;
        Object path = raw.isEmpty() ? null : raw.get(0);
        if (path instanceof Map || path instanceof List) {
            Rule pathRule = compile(path);
            return data -> orDefault(lookup(data, segments(pathRule.evaluate(data))), fallback, data);
        }
        String[] segments = segments(path);
        return data -> orDefault(lookup(data, segments), fallback, data);
    }

    private static Object orDefault(Object value, Rule fallback, Object data) {
        return value != null ? value : fallback.evaluate(data);
    }

    private static String[] segments(Object path) {
        if (path == null) {
            return new String[0];
        }
        String text = path instanceof String s ? s : JsValues.toJsString(path);
        return text.isEmpty() ? new String[0] : text.split("\\.", -1);
    }

    /**
     * A path into the data as json-logic-js walks it, with JavaScript's property access: an array's or a string's
     * {@code length}, and a string's characters by index (UTF-16 code units).
     */
    static Object lookup(Object data, String[] segments) {
        Object current = data;
        for (String segment : segments) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(segment);
            } else if (current instanceof List<?> list) {
                int index = index(segment);
                current = index >= 0 && index < list.size()
                        ? list.get(index)
                        : segment.equals(LENGTH) ? (Object) (long) list.size() : null;
            } else if (current instanceof String text) {
                int index = index(segment);
                current = index >= 0 && index < text.length()
                        ? String.valueOf(text.charAt(index))
                        : segment.equals(LENGTH) ? (Object) (long) text.length() : null;
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private static final String LENGTH = "length";

    private static int index(String segment) {
        if (segment.isEmpty() || segment.length() > 9) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static Rule missing(Rule[] arguments) {
        return data -> missingKeys(arguments, data);
    }

    private static List<Object> missingKeys(Rule[] arguments, Object data) {
        List<Object> keys = new ArrayList<>();
        for (Rule argument : arguments) {
            Object value = argument.evaluate(data);
            if (value instanceof List<?> list) {
                keys.addAll(list);
            } else {
                keys.add(value);
            }
        }
        List<Object> missing = new ArrayList<>();
        for (Object key : keys) {
            Object value = lookup(data, segments(key));
            if (value == null || "".equals(value)) {
                missing.add(key);
            }
        }
        return missing;
    }

    private static Rule missingSome(Rule[] arguments) {
        Rule need = arguments.length > 0 ? arguments[0] : NULL;
        Rule keys = arguments.length > 1 ? arguments[1] : NULL;
        return data -> {
            Object keyList = keys.evaluate(data);
            List<?> options = keyList instanceof List<?> list ? list : List.of();
            List<Object> missing = missingKeys(new Rule[]{d -> options}, data);
            return options.size() - missing.size() >= JsValues.toNumber(need.evaluate(data)) ? List.of() : missing;
        };
    }

    // ---- logic

    private static Rule condition(Rule[] arguments) {
        return data -> {
            int i = 0;
            for (; i + 1 < arguments.length; i += 2) {
                if (JsValues.truthy(arguments[i].evaluate(data))) {
                    return arguments[i + 1].evaluate(data);
                }
            }
            return i < arguments.length ? arguments[i].evaluate(data) : null;
        };
    }

    private static Rule and(Rule[] arguments) {
        return data -> {
            Object value = null;
            for (Rule argument : arguments) {
                value = argument.evaluate(data);
                if (!JsValues.truthy(value)) {
                    return value;
                }
            }
            return value;
        };
    }

    private static Rule or(Rule[] arguments) {
        return data -> {
            Object value = null;
            for (Rule argument : arguments) {
                value = argument.evaluate(data);
                if (JsValues.truthy(value)) {
                    return value;
                }
            }
            return value;
        };
    }

    private interface Check {
        boolean test(int comparison);
    }

    private static Rule comparison(Rule[] arguments, Check check) {
        Rule a = arguments.length > 0 ? arguments[0] : NULL;
        Rule b = arguments.length > 1 ? arguments[1] : NULL;
        if (arguments.length > 2) {
            // "between": {"<": [1, x, 10]} is 1 < x and x < 10
            Rule c = arguments[2];
            return data -> {
                Object middle = b.evaluate(data);
                Integer first = JsValues.compare(a.evaluate(data), middle);
                if (first == null || !check.test(first)) {
                    return false;
                }
                Integer second = JsValues.compare(middle, c.evaluate(data));
                return second != null && check.test(second);
            };
        }
        return data -> {
            Integer c = JsValues.compare(a.evaluate(data), b.evaluate(data));
            return c != null && check.test(c);
        };
    }

    // ---- arithmetic

    private static Rule extreme(Rule[] arguments, boolean max) {
        return data -> {
            if (arguments.length == 0) {
                return null;
            }
            double result = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (Rule argument : arguments) {
                double value = JsValues.toNumber(argument.evaluate(data));
                if (Double.isNaN(value)) {
                    return Double.NaN;
                }
                result = max ? Math.max(result, value) : Math.min(result, value);
            }
            return result;
        };
    }

    private static Rule sum(Rule[] arguments) {
        return data -> {
            double total = 0;
            for (Rule argument : arguments) {
                total += JsValues.toNumber(argument.evaluate(data));
            }
            return total;
        };
    }

    private static Rule product(Rule[] arguments) {
        return data -> {
            double total = 1;
            for (Rule argument : arguments) {
                total *= JsValues.toNumber(argument.evaluate(data));
            }
            return total;
        };
    }

    // ---- strings and arrays
}
