package dev.flywheel.gateway.json;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/** JSON (Jackson trees) to protobuf Struct/Value and back: evaluation contexts in, flag values out. */
public final class JsonProto {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonProto() {
    }

    public static Struct toStruct(JsonNode object) {
        Struct.Builder struct = Struct.newBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            struct.putFields(field.getKey(), toValue(field.getValue()));
        }
        return struct.build();
    }

    public static Value toValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (node.isBoolean()) {
            return Value.newBuilder().setBoolValue(node.booleanValue()).build();
        }
        if (node.isNumber()) {
            return Value.newBuilder().setNumberValue(node.doubleValue()).build();
        }
        if (node.isTextual()) {
            return Value.newBuilder().setStringValue(node.textValue()).build();
        }
        if (node.isArray()) {
            ListValue.Builder list = ListValue.newBuilder();
            node.forEach(item -> list.addValues(toValue(item)));
            return Value.newBuilder().setListValue(list).build();
        }
        return Value.newBuilder().setStructValue(toStruct(node)).build();
    }

    public static JsonNode toJson(Value value) {
        return switch (value.getKindCase()) {
            case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
            case NUMBER_VALUE -> number(value.getNumberValue());
            case STRING_VALUE -> NODES.textNode(value.getStringValue());
            case STRUCT_VALUE -> toJson(value.getStructValue());
            case LIST_VALUE -> {
                ArrayNode array = NODES.arrayNode();
                value.getListValue().getValuesList().forEach(item -> array.add(toJson(item)));
                yield array;
            }
            default -> NODES.nullNode();
        };
    }

    public static ObjectNode toJson(Struct struct) {
        ObjectNode object = NODES.objectNode();
        struct.getFieldsMap().forEach((k, v) -> object.set(k, toJson(v)));
        return object;
    }

    /** Whole numbers print without a fraction, as the flag definition wrote them. */
    private static JsonNode number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
            return NODES.numberNode((long) d);
        }
        return NODES.numberNode(d);
    }
}
