package dev.flywheel.ingest;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * Reads JSON straight from the token stream into protobuf Struct/Value (the free-form maps of the event envelope),
 * with no intermediate tree: ingest converts every property of every event, so the extra copy would show.
 */
final class JsonStructs {

    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    private static final Value TRUE = Value.newBuilder().setBoolValue(true).build();
    private static final Value FALSE = Value.newBuilder().setBoolValue(false).build();

    private JsonStructs() {
    }

    /** Reads the object the parser is positioned on (START_OBJECT) up to its END_OBJECT. */
    static Struct readStruct(JsonParser parser) throws IOException {
        Struct.Builder struct = Struct.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            struct.putFields(name, readValue(parser));
        }
        return struct.build();
    }

    /** Reads the value the parser is positioned on. */
    static Value readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> Value.newBuilder().setStructValue(readStruct(parser)).build();
            case START_ARRAY -> {
                ListValue.Builder list = ListValue.newBuilder();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.addValues(readValue(parser));
                }
                yield Value.newBuilder().setListValue(list).build();
            }
            case VALUE_STRING -> Value.newBuilder().setStringValue(parser.getText()).build();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Value.newBuilder().setNumberValue(parser.getDoubleValue())
                    .build();
            case VALUE_TRUE -> TRUE;
            case VALUE_FALSE -> FALSE;
            default -> NULL;
        };
    }

    /** {@code own} with the fields of {@code defaults} it lacks: an event's own fields win over its batch's. */
    static Struct merged(Struct own, Struct defaults) {
        if (defaults == null || defaults.getFieldsCount() == 0) {
            return own;
        }
        if (own == null) {
            return defaults;
        }
        Struct.Builder result = own.toBuilder();
        defaults.getFieldsMap().forEach((name, value) -> {
            if (!own.containsFields(name)) {
                result.putFields(name, value);
            }
        });
        return result.build();
    }
}
