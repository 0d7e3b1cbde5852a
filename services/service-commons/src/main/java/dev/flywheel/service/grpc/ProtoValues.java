package dev.flywheel.service.grpc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;

/** Converts between protobuf Struct/Value (the wire form of contexts and values) and the engine's plain Java values. */
public final class ProtoValues {

    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

    private ProtoValues() {
    }

    public static Map<String, Object> toMap(Struct struct) {
        Map<String, Object> map = new HashMap<>(Math.max(4, struct.getFieldsCount() * 2));
        struct.getFieldsMap().forEach((k, v) -> map.put(k, toJava(v)));
        return map;
    }

    public static Object toJava(Value value) {
        return switch (value.getKindCase()) {
            case BOOL_VALUE -> value.getBoolValue();
            case NUMBER_VALUE -> value.getNumberValue();
            case STRING_VALUE -> value.getStringValue();
            case STRUCT_VALUE -> toMap(value.getStructValue());
            case LIST_VALUE -> {
                List<Object> list = new ArrayList<>(value.getListValue().getValuesCount());
                for (Value item : value.getListValue().getValuesList()) {
                    list.add(toJava(item));
                }
                yield list;
            }
            default -> null;
        };
    }

    public static Value toValue(Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (value instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (value instanceof String s) {
            return Value.newBuilder().setStringValue(s).build();
        }
        if (value instanceof Map<?, ?> map) {
            return Value.newBuilder().setStructValue(toStruct(map)).build();
        }
        if (value instanceof List<?> list) {
            ListValue.Builder items = ListValue.newBuilder();
            for (Object item : list) {
                items.addValues(toValue(item));
            }
            return Value.newBuilder().setListValue(items).build();
        }
        return Value.newBuilder().setStringValue(value.toString()).build();
    }

    public static Struct toStruct(Map<?, ?> map) {
        if (map.isEmpty()) {
            return Struct.getDefaultInstance();
        }
        Struct.Builder struct = Struct.newBuilder();
        map.forEach((k, v) -> struct.putFields(String.valueOf(k), toValue(v)));
        return struct.build();
    }

    /** Protobuf's valid Timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
    private static final long MIN_SECONDS = -62_135_596_800L;
    private static final long MAX_SECONDS = 253_402_300_799L;

    /**
     * The instant a client's Timestamp names; IllegalArgumentException when it is outside protobuf's valid range (which
     * Instant arithmetic would otherwise overflow on), for the caller to answer as invalid input.
     */
    public static Instant instant(Timestamp t) {
        if (t.getSeconds() < MIN_SECONDS || t.getSeconds() > MAX_SECONDS || t.getNanos() < 0
                || t.getNanos() > 999_999_999) {
            throw new IllegalArgumentException("a timestamp must lie between the years 1 and 9999");
        }
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    public static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
