package dev.flywheel.metrics.store.clickhouse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.PropertyCondition;
import dev.flywheel.service.grpc.ProtoValues;
import io.vertx.core.json.Json;

/**
 * The ClickHouse side of event queries, with the PostgreSQL store's semantics (EventSql): the same property
 * addressing (a bare name, "properties.a.b", "context.a.b", "person.a"), the same condition rules (an absent or null
 * property equals nothing and differs from everything), the same "activity". 18.16 has no query parameters, so
 * every value a caller sends becomes a quoted, escaped literal ({@link #literal}) and nothing else.
 *
 * <p>
 * Properties are stored flattened, as three parallel arrays (18.16 has neither JSON nor Map types): each path's
 * key (its segments joined by U+0001 after a root, "properties" or "context"), its value as text (a JSON string
 * unquoted, anything else in its JSON form), and its kind.
 */
public final class ClickHouseSql {

    static final String PERSON_PREFIX = PropertyCondition.PERSON_PREFIX;
    static final char SEPARATOR = '\u0001';
    /** Kinds of a flattened value; 0 is what an absent key reads as. */
    static final int ABSENT = 0, STRING = 1, NUMBER = 2, BOOLEAN = 3, STRUCTURE = 4, NULL = 5;
    /** Track, page and screen calls from people (EventType 1, 3, 4; not EventSource 4, internal). */
    static final String ACTIVITY = "(type IN (1, 3, 4) AND source != 4)";
    /** Paths kept per event, and how deep: enough for analytics, bounded against hostile payloads. */
    static final int MAX_KEYS = 500, MAX_DEPTH = 6;

    private ClickHouseSql() {
    }

    /** A string literal: backslashes, quotes and control characters escaped, so any text stays one value. */
    public static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\', '\'' -> out.append('\\').append(c);
                case '\0' -> out.append("\\0");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    static String literals(List<String> values) {
        return values.stream().map(ClickHouseSql::literal).collect(Collectors.joining(", "));
    }

    /** The stored key of a property as callers name it, and whether it is the person's (traits). */
    record Key(String stored, boolean person) {
    }

    static Key key(String property) {
        if (property.startsWith(PERSON_PREFIX)) {
            return new Key(path("traits", property.substring(PERSON_PREFIX.length()).split("\\.")), true);
        }
        if (property.startsWith("context.")) {
            return new Key(path("context", property.substring("context.".length()).split("\\.")), false);
        }
        if (property.startsWith("properties.")) {
            return new Key(path("properties", property.substring("properties.".length()).split("\\.")), false);
        }
        return new Key(path("properties", property), false);
    }

    private static String path(String root, String... segments) {
        StringBuilder key = new StringBuilder(root);
        for (String segment : segments) {
            key.append(SEPARATOR).append(segment);
        }
        return key.toString();
    }

    /** A property's text (empty when absent or null; see {@link #kind}). */
    static String value(String property) {
        Key key = key(property);
        String arrays = key.person() ? "t_" : "prop_";
        return "arrayElement(" + arrays + "values, indexOf(" + arrays + "keys, " + literal(key.stored()) + "))";
    }

    static String kind(String property) {
        Key key = key(property);
        String arrays = key.person() ? "t_" : "prop_";
        return "arrayElement(" + arrays + "kinds, indexOf(" + arrays + "keys, " + literal(key.stored()) + "))";
    }

    /** A property's text for grouping, NULL-like '' never: absent and null read as {@code none}. */
    static String text(String property, String none) {
        return "if(" + kind(property) + " IN (" + ABSENT + ", " + NULL + "), " + literal(none) + ", "
                + value(property) + ")";
    }

    /** A property as a number; {@code 0} where it is not a JSON number (callers test {@link #isNumber}). */
    static String number(String property) {
        return "if(" + isNumber(property) + ", toFloat64OrZero(" + value(property) + "), 0)";
    }

    static String isNumber(String property) {
        return "(" + kind(property) + " = " + NUMBER + ")";
    }

    /** Whether any condition (or the breakdown) reads the person's traits. */
    static boolean needsTraits(List<EventMatch> matches, String breakdown) {
        return matches.stream().flatMap(m -> m.conditions().stream())
                .anyMatch(c -> c.property().startsWith(PERSON_PREFIX))
                || breakdown != null && breakdown.startsWith(PERSON_PREFIX);
    }

    /** The predicate for matching events. */
    static String match(EventMatch match) {
        return match(match, true);
    }

    /**
     * What an event itself must be to match any of these, leaving out conditions on the person: applied where the
     * events are read, so the sorting key (name, time) and the columns' own filters narrow the read before the
     * person is joined.
     */
    static String prefilter(List<EventMatch> matches) {
        return matches.stream().map(m -> match(m, false)).collect(Collectors.joining(" OR ", "(", ")"));
    }

    private static String match(EventMatch match, boolean personConditions) {
        StringBuilder sql = new StringBuilder(match.anyActivity() ? ACTIVITY : "name = " + literal(match.event()));
        for (PropertyCondition condition : match.conditions()) {
            if (personConditions || !condition.property().startsWith(PERSON_PREFIX)) {
                sql.append(" AND ").append(condition(condition));
            }
        }
        return "(" + sql + ")";
    }

    private static String condition(PropertyCondition condition) {
        String property = condition.property();
        String kind = kind(property);
        String unset = kind + " IN (" + ABSENT + ", " + NULL + ")";
        List<String> values = condition.values();
        return switch (condition.operator()) {
            case EQUALS -> "(NOT " + unset + " AND " + value(property) + " IN (" + literals(values) + "))";
            case NOT_EQUALS -> "(" + unset + " OR " + value(property) + " NOT IN (" + literals(values) + "))";
            case CONTAINS -> "(NOT " + unset + " AND position(lowerUTF8(" + value(property) + "), lowerUTF8("
                    + literal(values.get(0)) + ")) > 0)";
            case GREATER_THAN -> "(" + isNumber(property) + " AND toFloat64OrZero(" + value(property) + ") > "
                    + new BigDecimal(values.get(0).trim()).toPlainString() + ")";
            case LESS_THAN -> "(" + isNumber(property) + " AND toFloat64OrZero(" + value(property) + ") < "
                    + new BigDecimal(values.get(0).trim()).toPlainString() + ")";
            case IS_SET -> "(NOT " + unset + ")";
            case IS_NOT_SET -> "(" + unset + ")";
        };
    }

    /** Flattened properties: parallel lists of keys, values and kinds. */
    record Flat(List<String> keys, List<String> values, List<Integer> kinds) {
        Flat() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    /**
     * Adds every path of a protobuf Struct under {@code root}, read straight from the message (no intermediate map:
     * at tens of thousands of events a second, the garbage is what costs). A structure's own path holds its JSON;
     * numbers read as the PostgreSQL store's JSON writes them.
     */
    static void flatten(String root, Struct struct, Flat into) {
        flatten(root, struct, into, 1);
    }

    private static void flatten(String prefix, Struct struct, Flat into, int depth) {
        for (Map.Entry<String, Value> entry : struct.getFieldsMap().entrySet()) {
            if (into.keys().size() >= MAX_KEYS) {
                return;
            }
            String key = prefix + SEPARATOR + withoutNul(entry.getKey());
            Value value = entry.getValue();
            into.keys().add(key);
            switch (value.getKindCase()) {
                case STRING_VALUE -> {
                    into.values().add(withoutNul(value.getStringValue()));
                    into.kinds().add(STRING);
                }
                case NUMBER_VALUE -> {
                    into.values().add(Double.toString(value.getNumberValue()));
                    into.kinds().add(NUMBER);
                }
                case BOOL_VALUE -> {
                    into.values().add(Boolean.toString(value.getBoolValue()));
                    into.kinds().add(BOOLEAN);
                }
                case STRUCT_VALUE -> {
                    into.values().add(Json.encode(ProtoValues.toMap(value.getStructValue())));
                    into.kinds().add(STRUCTURE);
                    if (depth < MAX_DEPTH) {
                        flatten(key, value.getStructValue(), into, depth + 1);
                    }
                }
                case LIST_VALUE -> {
                    into.values().add(Json.encode(ProtoValues.toJava(value)));
                    into.kinds().add(STRUCTURE);
                }
                default -> {
                    into.values().add("");
                    into.kinds().add(NULL);
                }
            }
        }
    }

    /** Adds every path of a JSON-like map under {@code root}, as for the Struct it converts to. */
    static void flatten(String root, Map<String, Object> map, Flat into) {
        flatten(root, ProtoValues.toStruct(map), into);
    }

    /** As the PostgreSQL store keeps text (which cannot hold NUL): the same values compare equal in both. */
    static String withoutNul(String text) {
        return text.indexOf('\u0000') < 0 ? text : text.replace("\u0000", "");
    }

    /** A field of a TabSeparated row, its escapes undone. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i + 1 == field.length()) {
                out.append(c);
                continue;
            }
            out.append(escaped(field.charAt(++i)));
        }
        return out.toString();
    }

    private static char escaped(char next) {
        return switch (next) {
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case '0' -> '\0';
            case 'b' -> '\b';
            case 'f' -> '\f';
            default -> next;
        };
    }

    /** The elements of an array field ("['a','b\\'c']" or "[1,2]"), strings unquoted and unescaped. */
    static List<String> array(String field) {
        List<String> items = new ArrayList<>();
        int i = 1; // past '['
        while (i < field.length() && field.charAt(i) != ']') {
            StringBuilder item = new StringBuilder();
            if (field.charAt(i) == '\'') {
                for (i++; field.charAt(i) != '\''; i++) {
                    char c = field.charAt(i);
                    item.append(c == '\\' ? escaped(field.charAt(++i)) : c);
                }
                i++;
            } else {
                while (field.charAt(i) != ',' && field.charAt(i) != ']') {
                    item.append(field.charAt(i++));
                }
            }
            items.add(item.toString());
            if (field.charAt(i) == ',') {
                i++;
            }
        }
        return items;
    }

    /** An array literal of strings, for external data (TabSeparated reads arrays in their quoted form). */
    static String arrayLiteral(List<String> values) {
        return values.stream().map(ClickHouseSql::literal).collect(Collectors.joining(",", "[", "]"));
    }

    /** A value escaped for a TabSeparated field of external data. */
    static String tsv(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
