package dev.flywheel.metrics.model;

import java.util.List;

/**
 * A condition on a property: of the event ("plan", or nested "properties.a.b"), of its context
 * ("context.campaign.source") or of the person ("person.email").
 */
public record PropertyCondition(String property, Operator operator, List<String> values) {

    /** Names a person's property (a trait): "person.email". */
    public static final String PERSON_PREFIX = "person.";

    public enum Operator {
        EQUALS, NOT_EQUALS, CONTAINS, GREATER_THAN, LESS_THAN, IS_SET, IS_NOT_SET
    }

    public PropertyCondition {
        values = List.copyOf(values);
    }
}
