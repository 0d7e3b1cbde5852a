package dev.flywheel.sdk.openfeature;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.flywheel.sdk.Attributes;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;

/**
 * An OpenFeature evaluation context as the attributes a flag is evaluated with, converted only as far as evaluation
 * reads them: a static flag reads nothing but the targeting key, a rule the attributes it names. Values as a
 * protobuf Struct gives them (numbers as Double, instants as ISO-8601 text), so answers equal the service's.
 */
final class ContextAttributes extends Attributes {

    private static final String TARGETING_KEY = "targetingKey";

    private final EvaluationContext context;
    private Set<Entry<String, Object>> entries;

    ContextAttributes(EvaluationContext context) {
        this.context = context;
    }

    @Override
    public Object get(Object key) {
        if (TARGETING_KEY.equals(key)) {
            String targetingKey = context.getTargetingKey();
            if (targetingKey != null && !targetingKey.isEmpty()) {
                return targetingKey;
            }
        }
        return key instanceof String name ? convert(context.getValue(name)) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public boolean isEmpty() {
        return context.isEmpty();
    }

    @Override
    public int size() {
        return entrySet().size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (entries == null) {
            Map<String, Object> all = new LinkedHashMap<>();
            for (String key : context.keySet()) {
                all.put(key, convert(context.getValue(key)));
            }
            String targetingKey = context.getTargetingKey();
            if (targetingKey != null && !targetingKey.isEmpty()) {
                all.put(TARGETING_KEY, targetingKey);
            }
            entries = all.entrySet();
        }
        return entries;
    }

    static Object convert(Value value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isString()) {
            return value.asString();
        }
        if (value.isInstant()) {
            Instant instant = value.asInstant();
            return instant.toString();
        }
        if (value.isList()) {
            List<Object> items = new ArrayList<>();
            value.asList().forEach(item -> items.add(convert(item)));
            return items;
        }
        Structure structure = value.asStructure();
        Map<String, Object> fields = new HashMap<>();
        structure.asMap().forEach((key, item) -> fields.put(key, convert(item)));
        return fields;
    }
}
