package dev.flywheel.ingest;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/** Converts JSON trees to protobuf Struct/Value, the free-form maps of the event envelope. */
final class JsonStructs {

    private JsonStructs() {
    }

    static Struct toStruct(JsonNode object) {
        Struct.Builder struct = Struct.newBuilder();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            struct.putFields(field.getKey(), toValue(field.getValue()));
        }
        return struct.build();
    }

    static Value toValue(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> Value.newBuilder().setStructValue(toStruct(node)).build();
            case ARRAY -> {
                ListValue.Builder list = ListValue.newBuilder();
                for (JsonNode element : node) {
                    list.addValues(toValue(element));
                }
                yield Value.newBuilder().setListValue(list).build();
            }
            case STRING -> Value.newBuilder().setStringValue(node.textValue()).build();
            case NUMBER -> Value.newBuilder().setNumberValue(node.doubleValue()).build();
            case BOOLEAN -> Value.newBuilder().setBoolValue(node.booleanValue()).build();
            default -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        };
    }
}
