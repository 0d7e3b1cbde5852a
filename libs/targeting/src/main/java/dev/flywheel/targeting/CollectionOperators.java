package dev.flywheel.targeting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JsonLogic's string and array operators: in, cat, substr, merge, map, filter, all, none, some, reduce. */
final class CollectionOperators {

    private CollectionOperators() {
    }

    static Rule in(Rule needle, Rule haystack) {
        return data -> {
            Object a = needle.evaluate(data);
            Object b = haystack.evaluate(data);
            if (b instanceof String s) {
                // json-logic-js tests the haystack's truthiness first: nothing is "in" an empty string, not even ""
                return !s.isEmpty() && s.contains(a == null ? "null" : JsValues.toJsString(a));
            }
            if (b instanceof List<?> list) {
                for (Object item : list) {
                    if (JsValues.strictEquals(a, item)) {
                        return true;
                    }
                }
            }
            return false;
        };
    }

    static Rule cat(Rule[] arguments) {
        return data -> {
            StringBuilder joined = new StringBuilder();
            for (Rule argument : arguments) {
                Object value = argument.evaluate(data);
                if (value != null) {
                    joined.append(JsValues.toJsString(value));
                }
            }
            return joined.toString();
        };
    }

    static Rule substr(Rule source, Rule start, Rule length) {
        return data -> {
            String s = JsValues.toJsString(source.evaluate(data));
            int from = clampIndex(JsValues.toNumber(start.evaluate(data)), s.length());
            String rest = s.substring(from);
            if (length == null) {
                return rest;
            }
            double n = JsValues.toNumber(length.evaluate(data));
            if (Double.isNaN(n)) {
                return "";
            }
            int end = n < 0 ? Math.max(0, rest.length() + (int) n) : (int) Math.min(rest.length(), n);
            return rest.substring(0, end);
        };
    }

    private static int clampIndex(double start, int length) {
        if (Double.isNaN(start)) {
            return 0;
        }
        int at = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, start));
        return at < 0 ? Math.max(0, length + at) : Math.min(at, length);
    }

    static Rule merge(Rule[] arguments) {
        return data -> {
            List<Object> merged = new ArrayList<>();
            for (Rule argument : arguments) {
                Object value = argument.evaluate(data);
                if (value instanceof List<?> list) {
                    merged.addAll(list);
                } else {
                    merged.add(value);
                }
            }
            return merged;
        };
    }

    static Rule iteration(String operator, Rule source, Rule body) {
        return data -> {
            Object value = source.evaluate(data);
            List<?> items = value instanceof List<?> list ? list : List.of();
            switch (operator) {
                case "map" : {
                    List<Object> mapped = new ArrayList<>(items.size());
                    for (Object item : items) {
                        mapped.add(body.evaluate(item));
                    }
                    return mapped;
                }
                case "filter" : {
                    List<Object> kept = new ArrayList<>();
                    for (Object item : items) {
                        if (JsValues.truthy(body.evaluate(item))) {
                            kept.add(item);
                        }
                    }
                    return kept;
                }
                case "all" : {
                    if (items.isEmpty()) {
                        return false;
                    }
                    for (Object item : items) {
                        if (!JsValues.truthy(body.evaluate(item))) {
                            return false;
                        }
                    }
                    return true;
                }
                default : {
                    boolean any = false;
                    for (Object item : items) {
                        if (JsValues.truthy(body.evaluate(item))) {
                            any = true;
                            break;
                        }
                    }
                    return operator.equals("some") == any;
                }
            }
        };
    }

    static Rule reduce(Rule source, Rule body, Rule initial) {
        return data -> {
            Object value = source.evaluate(data);
            Object accumulator = initial.evaluate(data);
            if (value instanceof List<?> list) {
                for (Object item : list) {
                    Map<String, Object> scope = new LinkedHashMap<>(2);
                    scope.put("current", item);
                    scope.put("accumulator", accumulator);
                    accumulator = body.evaluate(scope);
                }
            }
            return accumulator;
        };
    }
}
