package dev.flywheel.metrics.store;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.flywheel.metrics.model.EventMatch;
import dev.flywheel.metrics.model.PropertyCondition;

/**
 * Builds the SQL of event queries. Every value, property path included, is a bind parameter: nothing a caller
 * sends becomes SQL text. Aliases: {@code e} the event, {@code l} its identity link, {@code pt} the person's traits.
 */
final class EventSql {

    static final String PERSON_PREFIX = PropertyCondition.PERSON_PREFIX;
    static final String CONTEXT_PREFIX = "context.";
    static final String PROPERTIES_PREFIX = "properties.";

    /** The person an event belongs to, after identity merges. */
    static final String PERSON = "COALESCE(l.person_id, e.distinct_id)";
    static final String LINK_JOIN = linkJoin("e");
    static final String TRAITS_JOIN = " LEFT JOIN person_traits pt ON pt.project_id = e.project_id"
            + " AND pt.environment = e.environment AND pt.distinct_id = " + PERSON;
    /** Track, page and screen calls from people: what "any event" means. */
    static final String ACTIVITY = "e.type IN (1, 3, 4) AND e.source <> 4";

    private final List<Object> params = new ArrayList<>();

    /** Joins a row's identity link as {@code l}, for a table aliased {@code alias} with a distinct_id column. */
    static String linkJoin(String alias) {
        return " LEFT JOIN identity_link l ON l.project_id = " + alias + ".project_id AND l.environment = " + alias
                + ".environment AND l.distinct_id = " + alias + ".distinct_id";
    }

    /** Adds a bind parameter and returns its placeholder. */
    String param(Object value) {
        params.add(value);
        return "$" + params.size();
    }

    Object[] params() {
        return params.toArray();
    }

    /** The predicate for matching events, ANDed. */
    String match(EventMatch match) {
        StringBuilder sql = new StringBuilder(match.anyActivity() ? ACTIVITY : "e.name = " + param(match.event()));
        for (PropertyCondition condition : match.conditions()) {
            sql.append(" AND ").append(condition(condition));
        }
        return "(" + sql + ")";
    }

    /** A property as jsonb (NULL when absent). */
    String property(String property) {
        if (property.startsWith(PERSON_PREFIX)) {
            return "(pt.traits #> " + param(path(property.substring(PERSON_PREFIX.length()))) + ")";
        }
        if (property.startsWith(CONTEXT_PREFIX)) {
            return "(e.context #> " + param(path(property.substring(CONTEXT_PREFIX.length()))) + ")";
        }
        if (property.startsWith(PROPERTIES_PREFIX)) {
            return "(e.properties #> " + param(path(property.substring(PROPERTIES_PREFIX.length()))) + ")";
        }
        return "(e.properties -> " + param(property) + ")";
    }

    /** A property as text, for grouping: JSON strings unquoted, other values in their JSON form. */
    String text(String property) {
        return "(" + property(property) + " #>> '{}')";
    }

    /** A property's text when it is a non-empty JSON string, else NULL. */
    String nonEmptyString(String property) {
        String value = property(property);
        return "(CASE WHEN jsonb_typeof(" + value + ") = 'string' THEN NULLIF(" + value + " #>> '{}', '') END)";
    }

    /** A property as a number, NULL when it is not a JSON number. */
    String number(String property) {
        String value = property(property);
        return "(CASE WHEN jsonb_typeof(" + value + ") = 'number' THEN (" + value + ")::numeric END)";
    }

    private String condition(PropertyCondition condition) {
        String property = condition.property();
        List<String> values = condition.values();
        return switch (condition.operator()) {
            case EQUALS -> text(property) + " = ANY(" + param(values.toArray(String[]::new)) + "::text[])";
            case NOT_EQUALS -> "COALESCE(" + text(property) + " <> ALL(" + param(values.toArray(String[]::new))
                    + "::text[]), true)";
            case CONTAINS -> "strpos(lower(" + text(property) + "), lower(" + param(values.get(0)) + ")) > 0";
            case GREATER_THAN -> number(property) + " > " + param(new BigDecimal(values.get(0).trim()));
            case LESS_THAN -> number(property) + " < " + param(new BigDecimal(values.get(0).trim()));
            case IS_SET -> "COALESCE(jsonb_typeof(" + property(property) + ") <> 'null', false)";
            case IS_NOT_SET -> "COALESCE(jsonb_typeof(" + property(property) + ") = 'null', true)";
        };
    }

    private static String[] path(String dotted) {
        return Arrays.stream(dotted.split("\\.")).toArray(String[]::new);
    }

    /** Whether matching these events needs the person's traits joined (a condition on a person property). */
    static boolean needsPerson(EventMatch match) {
        return match.conditions().stream().anyMatch(c -> c.property().startsWith(PERSON_PREFIX));
    }
}
