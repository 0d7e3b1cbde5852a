package dev.flywheel.gateway.json;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;

import dev.flywheel.gateway.problem.ApiException;
import dev.flywheel.service.grpc.ProtoValues;

/**
 * JSON bodies for contract messages, read and written by their descriptors: camelCase field names, enums by their
 * short lower-case name ("unique_users" for AGGREGATION_UNIQUE_USERS; the full name is accepted too). Unknown
 * fields and wrong types are refused with the field's path. Scalars are written even when zero; optional fields
 * only when set.
 */
public final class ProtoJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProtoJson() {
    }

    /** Fills {@code builder} from a JSON object; {@code path} names the body in errors. */
    public static <B extends Message.Builder> B read(JsonNode json, B builder, String path) {
        if (json == null || json.isNull()) {
            return builder;
        }
        if (!json.isObject()) {
            throw ApiException.invalid(path, "must be a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String fieldPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            FieldDescriptor field = builder.getDescriptorForType().findFieldByName(snake(entry.getKey()));
            if (field == null || !field.getJsonName().equals(entry.getKey())) {
                throw ApiException.invalid(fieldPath, "is not a known field");
            }
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            if (field.isMapField()) {
                readMap(value, builder, field, fieldPath);
            } else if (field.isRepeated()) {
                if (!value.isArray()) {
                    throw ApiException.invalid(fieldPath, "must be an array");
                }
                for (int i = 0; i < value.size(); i++) {
                    builder.addRepeatedField(field, scalar(value.get(i), builder, field, fieldPath + "[" + i + "]"));
                }
            } else {
                builder.setField(field, scalar(value, builder, field, fieldPath));
            }
        }
        return builder;
    }

    private static void readMap(JsonNode value, Message.Builder builder, FieldDescriptor field, String path) {
        if (!value.isObject()) {
            throw ApiException.invalid(path, "must be a JSON object");
        }
        FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        Iterator<Map.Entry<String, JsonNode>> entries = value.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            Message.Builder pair = builder.newBuilderForField(field);
            pair.setField(keyField, entry.getKey());
            pair.setField(valueField, scalar(entry.getValue(), pair, valueField, path + "." + entry.getKey()));
            builder.addRepeatedField(field, pair.build());
        }
    }

    private static Object scalar(JsonNode value, Message.Builder parent, FieldDescriptor field, String path) {
        switch (field.getJavaType()) {
            case MESSAGE :
                return wellKnown(value, field, path, parent);
            case STRING :
                if (!value.isTextual()) {
                    throw ApiException.invalid(path, "must be a string");
                }
                return value.textValue();
            case BOOLEAN :
                if (!value.isBoolean()) {
                    throw ApiException.invalid(path, "must be true or false");
                }
                return value.booleanValue();
            case INT :
            case LONG :
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    throw ApiException.invalid(path, "must be a whole number");
                }
                if (field.getJavaType() == FieldDescriptor.JavaType.INT) {
                    if (!value.canConvertToInt()) {
                        throw ApiException.invalid(path, "is out of range");
                    }
                    return value.intValue();
                }
                return value.longValue();
            case FLOAT :
            case DOUBLE :
                if (!value.isNumber()) {
                    throw ApiException.invalid(path, "must be a number");
                }
                return field.getJavaType() == FieldDescriptor.JavaType.FLOAT
                        ? (Object) value.floatValue()
                        : (Object) value.doubleValue();
            case ENUM :
                return enumValue(value, field.getEnumType(), path);
            case BYTE_STRING :
                if (!value.isTextual()) {
                    throw ApiException.invalid(path, "must be a base64 string");
                }
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(value.textValue()));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid(path, "must be a base64 string");
                }
            default :
                throw ApiException.invalid(path, "is not accepted in JSON");
        }
    }

    private static EnumValueDescriptor enumValue(JsonNode value, EnumDescriptor type, String path) {
        if (value.isTextual()) {
            String text = value.textValue().toUpperCase(Locale.ROOT);
            String prefix = enumPrefix(type);
            EnumValueDescriptor found = type.findValueByName(text.startsWith(prefix) ? text : prefix + text);
            if (found != null && found.getNumber() != 0) {
                return found;
            }
        }
        throw ApiException.invalid(path, "must be one of " + type.getValues().stream().filter(v -> v.getNumber() != 0)
                .map(ProtoJson::shortName).toList());
    }

    /** Writes a message as a JSON object. */
    public static ObjectNode write(Message message) {
        ObjectNode object = NODES.objectNode();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.hasPresence() && !message.hasField(field)) {
                continue;
            }
            Object value = message.getField(field);
            if (field.isMapField()) {
                ObjectNode map = object.putObject(field.getJsonName());
                FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                for (Object entry : (List<?>) value) {
                    Message pair = (Message) entry;
                    map.set(String.valueOf(pair.getField(field.getMessageType().findFieldByName("key"))),
                            writeValue(valueField, pair.getField(valueField)));
                }
            } else if (field.isRepeated()) {
                ArrayNode array = object.putArray(field.getJsonName());
                for (Object item : (List<?>) value) {
                    array.add(writeValue(field, item));
                }
            } else {
                object.set(field.getJsonName(), writeValue(field, value));
            }
        }
        return object;
    }

    private static JsonNode writeValue(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> writeMessage((Message) value);
            case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value)
                    .toByteArray()));
            case STRING -> NODES.textNode((String) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case INT -> NODES.numberNode((Integer) value);
            case LONG -> NODES.numberNode((Long) value);
            case FLOAT -> NODES.numberNode((Float) value);
            // As in protobuf's JSON mapping: JSON has no infinities (one-sided intervals have one), so they are text.
            case DOUBLE -> Double.isFinite((Double) value)
                    ? NODES.numberNode((Double) value)
                    : NODES.textNode(Double.toString((Double) value));
            case ENUM -> NODES.textNode(shortName((EnumValueDescriptor) value));
            default -> NODES.nullNode();
        };
    }

    /** Messages, with protobuf's JSON forms of the well-known types: Struct and Value as JSON, Timestamp as text. */
    private static Object wellKnown(JsonNode value, FieldDescriptor field, String path, Message.Builder parent) {
        String type = field.getMessageType().getFullName();
        switch (type) {
            case "google.protobuf.Struct" -> {
                if (!value.isObject()) {
                    throw ApiException.invalid(path, "must be a JSON object");
                }
                return JsonProto.toStruct(value);
            }
            case "google.protobuf.Value" -> {
                return JsonProto.toValue(value);
            }
            case "google.protobuf.Timestamp" -> {
                return timestamp(value.asText(), path);
            }
            default -> {
                return read(value, parent.newBuilderForField(field), path).build();
            }
        }
    }

    /** An RFC 3339 time (a body field or a query parameter), or a 400 naming {@code field}. */
    public static Timestamp timestamp(String text, String field) {
        try {
            return ProtoValues.timestamp(Instant.parse(text));
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(field, "must be a time such as 2026-12-01T00:00:00Z");
        }
    }

    private static JsonNode writeMessage(Message message) {
        if (message instanceof Struct struct) {
            return JsonProto.toJson(struct);
        }
        if (message instanceof Value v) {
            return JsonProto.toJson(v);
        }
        if (message instanceof Timestamp t) {
            return NODES.textNode(ProtoValues.instant(t).toString());
        }
        return write(message);
    }

    static String shortName(EnumValueDescriptor value) {
        return value.getName().substring(enumPrefix(value.getType()).length()).toLowerCase(Locale.ROOT);
    }

    /** "AGGREGATION_" for enum Aggregation: the proto style prefix every value carries. */
    private static String enumPrefix(EnumDescriptor type) {
        return type.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT) + "_";
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
