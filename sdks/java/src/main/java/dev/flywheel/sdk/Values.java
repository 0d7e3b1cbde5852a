package dev.flywheel.sdk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * Attribute values as the services see them: what arrives over gRPC is a protobuf Struct, whose numbers are all
 * doubles, so the SDK evaluates with the same (an Integer 5 and a Double 5.0 must target and hash alike).
 */
final class Values {

    private Values() {
    }

    /** A copy with every number a Double, lists and maps likewise, instants as ISO-8601 text. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalize(Map<String, ?> attributes) {
        if (attributes instanceof Attributes) {
            return (Map<String, Object>) attributes;
        }
        if (attributes == null || attributes.isEmpty()) {
            return Map.of();
        }
        if (alreadyNormal(attributes)) {
            return (Map<String, Object>) attributes; // read only: evaluation never writes to it
        }
        Map<String, Object> out = new HashMap<>(Math.max(4, attributes.size() * 2));
        attributes.forEach((key, value) -> out.put(key, normalizeValue(value)));
        return out;
    }

    /** Whether every value already is what a Struct would give (the usual case: no copy). */
    private static boolean alreadyNormal(Map<String, ?> attributes) {
        for (Object value : attributes.values()) {
            if (!(value == null || value instanceof String || value instanceof Boolean || value instanceof Double)) {
                return false;
            }
        }
        return true;
    }

    private static Object normalizeValue(Object value) {
        if (value instanceof Number number && !(value instanceof Double)) {
            return number.doubleValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new HashMap<>();
            map.forEach((key, item) -> out.put(String.valueOf(key), normalizeValue(item)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(normalizeValue(item)));
            return out;
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        return value;
    }

    static Struct struct(Map<String, ?> map) {
        Struct.Builder struct = Struct.newBuilder();
        if (map != null) {
            map.forEach((key, value) -> struct.putFields(key, value(value)));
        }
        return struct.build();
    }

    static Value value(Object value) {
        if (value == null) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (value instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (value instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (value instanceof Map<?, ?> map) {
            Struct.Builder struct = Struct.newBuilder();
            map.forEach((key, item) -> struct.putFields(String.valueOf(key), value(item)));
            return Value.newBuilder().setStructValue(struct).build();
        }
        if (value instanceof List<?> list) {
            ListValue.Builder items = ListValue.newBuilder();
            list.forEach(item -> items.addValues(value(item)));
            return Value.newBuilder().setListValue(items).build();
        }
        return Value.newBuilder().setStringValue(value.toString()).build();
    }
}
