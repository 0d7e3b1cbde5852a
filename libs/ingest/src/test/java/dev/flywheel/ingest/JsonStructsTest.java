package dev.flywheel.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.Value;

/** Property numbers are kept exactly: as a double when it holds them, else as their decimal text. */
class JsonStructsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "1, number",
            "-0, number",
            "0.1, number",
            "3.141592653589793, number",
            "9007199254740992, number",
            "1152921504606846976, number",
            "-9223372036854775808, number",
            "1.5e300, number",
            "0.0e-999, number",
            "9007199254740993, text",
            "9223372036854775807, text",
            "12345678901234567890, text",
            "3.14159265358979323846, text",
            "1e999999, text",
            "-1e999999, text",
            "1e-400, text"})
    void numbersAreKeptExactly(String json, String kept) throws IOException {
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            parser.nextToken();
            Value value = JsonStructs.number(parser);
            if (kept.equals("number")) {
                assertEquals(Value.KindCase.NUMBER_VALUE, value.getKindCase(), json);
                assertEquals(Double.parseDouble(json), value.getNumberValue(), 0.0);
            } else {
                assertEquals(json, value.getStringValue());
            }
        }
    }
}
