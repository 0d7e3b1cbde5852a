package dev.flywheel.ingest;

import java.io.IOException;
import java.math.BigDecimal;

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
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser);
            case VALUE_TRUE -> TRUE;
            case VALUE_FALSE -> FALSE;
            default -> NULL;
        };
    }

    /**
     * A JSON number as a protobuf number (a double) when the double holds it exactly, else as its exact decimal text:
     * an id like 12345678901234567890 or an overflowing 1e999999 is never silently rounded or stored as Infinity.
     */
    static Value number(JsonParser parser) throws IOException {
        double value = parser.getDoubleValue();
        if (Double.isFinite(value) && exact(parser, value)) {
            return Value.newBuilder().setNumberValue(value).build();
        }
        return Value.newBuilder().setStringValue(parser.getText()).build();
    }

    private static final long MAX_EXACT_INTEGER = 1L << 53;

    private static boolean exact(JsonParser parser, double value) throws IOException {
        JsonParser.NumberType type = parser.getNumberType();
        if (type == JsonParser.NumberType.INT) {
            return true;
        }
        if (type == JsonParser.NumberType.LONG) {
            long whole = parser.getLongValue();
            return Math.abs(whole) <= MAX_EXACT_INTEGER || (long) value == whole && value != 0x1p63;
        }
        // Up to 15 significant digits always survive a double; beyond, or for under- and overflow, compare exactly.
        if (parser.getTextLength() <= 15 && (value != 0 || parser.getText().matches("-?[0.]+([eE].*)?"))) {
            return true;
        }
        return new BigDecimal(parser.getText()).compareTo(new BigDecimal(Double.toString(value))) == 0;
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
