package dev.flywheel.gateway.json;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * The JSON schema of a contract message as {@link ProtoJson} reads it, derived from its descriptor so the API
 * documentation cannot drift from the proto: camelCase names, enums by short lower-case name, Struct as an object,
 * Value as any JSON, Timestamp as RFC 3339 text, bytes as base64, maps as objects. Unknown fields are refused, so
 * every object is closed.
 */
public final class ProtoJsonSchemas {

    private final Map<String, Schema> schemas = new TreeMap<>();
    private final Map<String, String> owners = new HashMap<>();

    /**
     * Adds the schema of {@code message}, named by its simple name and without the {@code omitted} fields (those the
     * path supplies), and of every message it refers to.
     */
    public ProtoJsonSchemas add(Descriptor message, Set<String> omitted) {
        String owner = owners.putIfAbsent(message.getName(), message.getFullName());
        if (owner != null) {
            if (!owner.equals(message.getFullName()) || !omitted.isEmpty()) {
                throw new IllegalStateException("two body schemas would be named " + message.getName());
            }
            return this;
        }
        Schema object = OASFactory.createSchema().addType(SchemaType.OBJECT).additionalPropertiesBoolean(false);
        schemas.put(message.getName(), object);
        for (FieldDescriptor field : message.getFields()) {
            if (!omitted.contains(field.getJsonName())) {
                object.addProperty(field.getJsonName(), field(field));
            }
        }
        return this;
    }

    /** The schemas added, by name. */
    public Map<String, Schema> schemas() {
        return schemas;
    }

    private Schema field(FieldDescriptor field) {
        if (field.isMapField()) {
            FieldDescriptor value = field.getMessageType().findFieldByName("value");
            return OASFactory.createSchema().addType(SchemaType.OBJECT).additionalPropertiesSchema(single(value));
        }
        if (field.isRepeated()) {
            return OASFactory.createSchema().addType(SchemaType.ARRAY).items(single(field));
        }
        return single(field);
    }

    private Schema single(FieldDescriptor field) {
        Schema schema = OASFactory.createSchema();
        return switch (field.getJavaType()) {
            case STRING -> schema.addType(SchemaType.STRING);
            case BOOLEAN -> schema.addType(SchemaType.BOOLEAN);
            case INT -> schema.addType(SchemaType.INTEGER).format("int32");
            case LONG -> schema.addType(SchemaType.INTEGER).format("int64");
            case FLOAT, DOUBLE -> schema.addType(SchemaType.NUMBER);
            case BYTE_STRING -> schema.addType(SchemaType.STRING).format("byte");
            case ENUM -> {
                schema.addType(SchemaType.STRING);
                for (EnumValueDescriptor value : field.getEnumType().getValues()) {
                    if (value.getNumber() != 0) {
                        schema.addEnumeration(ProtoJson.shortName(value));
                    }
                }
                yield schema;
            }
            case MESSAGE -> message(field.getMessageType(), schema);
        };
    }

    private Schema message(Descriptor type, Schema schema) {
        return switch (type.getFullName()) {
            case "google.protobuf.Struct" -> schema.addType(SchemaType.OBJECT);
            case "google.protobuf.Value" -> schema.description("Any JSON value.");
            case "google.protobuf.Timestamp" -> schema.addType(SchemaType.STRING).format("date-time");
            default -> {
                add(type, Set.of());
                yield schema.ref(type.getName());
            }
        };
    }
}
