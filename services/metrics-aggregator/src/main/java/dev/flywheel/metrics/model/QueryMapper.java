package dev.flywheel.metrics.model;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import dev.flywheel.analytics.Interval;
import dev.flywheel.proto.analytics.v1.DateRange;
import dev.flywheel.proto.analytics.v1.EventMatcher;
import dev.flywheel.proto.analytics.v1.MetricDefinition;
import dev.flywheel.proto.analytics.v1.PropertyFilter;
import dev.flywheel.service.grpc.RefusedRequest;

/**
 * Turns the contract's query parts into the store's vocabulary, checking each against the limits; a problem is an
 * {@link RefusedRequest} naming the field.
 */
public final class QueryMapper {

    public static final int MAX_NAME = 200;
    public static final int MAX_FILTERS = 20;
    public static final int MAX_VALUES = 100;
    public static final int MAX_VALUE = 1_000;

    private QueryMapper() {
    }

    public static LocalDate[] days(DateRange range, String field) {
        LocalDate from = date(range.getFrom(), field + ".from");
        LocalDate to = date(range.getTo(), field + ".to");
        if (to.isBefore(from)) {
            throw RefusedRequest.invalid(field + ": 'to' (" + to + ") is before 'from' (" + from + ")");
        }
        if (from.plusDays(dev.flywheel.analytics.DateRange.MAX_DAYS).isBefore(to)) {
            throw RefusedRequest.invalid(field + ": at most " + dev.flywheel.analytics.DateRange.MAX_DAYS
                    + " days");
        }
        return new LocalDate[]{from, to};
    }

    private static LocalDate date(String text, String field) {
        if (text.isEmpty()) {
            throw RefusedRequest.invalid(field + " is required (YYYY-MM-DD)");
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw RefusedRequest.invalid(field + " is not a date (YYYY-MM-DD): '" + shorten(text) + "'");
        }
    }

    public static Interval interval(dev.flywheel.proto.analytics.v1.Interval interval, Interval unspecified) {
        return switch (interval) {
            case INTERVAL_UNSPECIFIED -> unspecified;
            case INTERVAL_DAY -> Interval.DAY;
            case INTERVAL_WEEK -> Interval.WEEK;
            case INTERVAL_MONTH -> Interval.MONTH;
            case UNRECOGNIZED -> throw RefusedRequest.invalid("interval is not one of DAY, WEEK, MONTH");
        };
    }

    /** An event matcher; {@code required} refuses "any event". */
    public static EventMatch match(EventMatcher matcher, String field, boolean required) {
        String event = matcher.getEvent();
        if (event.isEmpty() && required) {
            throw RefusedRequest.invalid(field + ".event is required");
        }
        name(event, field + ".event");
        if (matcher.getFiltersCount() > MAX_FILTERS) {
            throw RefusedRequest.invalid(field + ": at most " + MAX_FILTERS + " filters");
        }
        List<PropertyCondition> conditions = new ArrayList<>();
        for (int i = 0; i < matcher.getFiltersCount(); i++) {
            conditions.add(condition(matcher.getFilters(i), field + ".filters[" + i + "]"));
        }
        return new EventMatch(event, conditions);
    }

    private static PropertyCondition condition(PropertyFilter filter, String field) {
        String property = property(filter.getProperty(), field + ".property");
        if (property == null) {
            throw RefusedRequest.invalid(field + ".property is required");
        }
        List<String> values = filter.getValuesList();
        if (values.size() > MAX_VALUES) {
            throw RefusedRequest.invalid(field + ": at most " + MAX_VALUES + " values");
        }
        for (String value : values) {
            if (value.length() > MAX_VALUE) {
                throw RefusedRequest.invalid(field + ": values are at most " + MAX_VALUE + " characters");
            }
        }
        PropertyCondition.Operator operator = switch (filter.getOperator()) {
            case PROPERTY_OPERATOR_UNSPECIFIED, PROPERTY_OPERATOR_EQUALS -> PropertyCondition.Operator.EQUALS;
            case PROPERTY_OPERATOR_NOT_EQUALS -> PropertyCondition.Operator.NOT_EQUALS;
            case PROPERTY_OPERATOR_CONTAINS -> PropertyCondition.Operator.CONTAINS;
            case PROPERTY_OPERATOR_GREATER_THAN -> PropertyCondition.Operator.GREATER_THAN;
            case PROPERTY_OPERATOR_LESS_THAN -> PropertyCondition.Operator.LESS_THAN;
            case PROPERTY_OPERATOR_IS_SET -> PropertyCondition.Operator.IS_SET;
            case PROPERTY_OPERATOR_IS_NOT_SET -> PropertyCondition.Operator.IS_NOT_SET;
            case UNRECOGNIZED -> throw RefusedRequest.invalid(field + ".operator is unknown");
        };
        switch (operator) {
            case EQUALS, NOT_EQUALS -> {
                if (values.isEmpty()) {
                    throw RefusedRequest.invalid(field + ": give at least one value");
                }
            }
            case CONTAINS -> one(values, field);
            case GREATER_THAN, LESS_THAN -> {
                one(values, field);
                try {
                    new BigDecimal(values.get(0).trim());
                } catch (NumberFormatException e) {
                    throw RefusedRequest.invalid(field + ": '" + shorten(values.get(0)) + "' is not a number");
                }
            }
            case IS_SET, IS_NOT_SET -> {
                if (!values.isEmpty()) {
                    throw RefusedRequest.invalid(field + ": IS_SET and IS_NOT_SET take no values");
                }
            }
        }
        return new PropertyCondition(property, operator, values);
    }

    private static void one(List<String> values, String field) {
        if (values.size() != 1) {
            throw RefusedRequest.invalid(field + ": give exactly one value");
        }
    }

    /** A property reference, or null when empty. Dotted forms name nested fields; no segment may be empty. */
    public static String property(String property, String field) {
        if (property.isEmpty()) {
            return null;
        }
        name(property, field);
        if (property.startsWith(".") || property.endsWith(".") || property.contains("..")) {
            throw RefusedRequest.invalid(field + ": '" + shorten(property) + "' has an empty path segment");
        }
        return property;
    }

    private static void name(String name, String field) {
        if (name.length() > MAX_NAME) {
            throw RefusedRequest.invalid(field + " is longer than " + MAX_NAME + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw RefusedRequest.invalid(field + " contains a control character");
            }
        }
    }

    public static Metric metric(MetricDefinition definition, String field) {
        Metric.Aggregation aggregation = switch (definition.getAggregation()) {
            case AGGREGATION_UNSPECIFIED, AGGREGATION_TOTAL -> Metric.Aggregation.TOTAL;
            case AGGREGATION_UNIQUE_USERS -> Metric.Aggregation.UNIQUE_USERS;
            case AGGREGATION_SUM -> Metric.Aggregation.SUM;
            case UNRECOGNIZED -> throw RefusedRequest.invalid(field + ".aggregation is unknown");
        };
        String property = property(definition.getProperty(), field + ".property");
        if (aggregation == Metric.Aggregation.SUM && property == null) {
            throw RefusedRequest.invalid(field + ".property is required to SUM");
        }
        name(definition.getName(), field + ".name");
        return new Metric(definition.getName(), match(definition.getEvents(), field + ".events", false), aggregation,
                property);
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
