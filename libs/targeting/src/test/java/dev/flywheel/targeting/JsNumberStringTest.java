package dev.flywheel.targeting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** JavaScript's String(number), over 4,000 doubles of every magnitude whose answers Node.js gave (test resource). */
class JsNumberStringTest {

    @Test
    @SuppressWarnings("unchecked")
    void printsEveryNumberAsJavaScriptDoes() throws IOException {
        Map<String, Object> table;
        try (InputStream in = JsNumberStringTest.class.getResourceAsStream("/js-number-strings.json")) {
            table = new ObjectMapper().readValue(in, Map.class);
        }
        List<List<String>> cases = (List<List<String>>) table.get("cases");
        int checked = 0;
        for (List<String> c : cases) {
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(c.get(0), 16));
            assertEquals(c.get(1), JsValues.numberToString(value), () -> "bits " + c.get(0));
            String negated = c.get(1).startsWith("-") ? c.get(1).substring(1) : "-" + c.get(1);
            assertEquals(negated, JsValues.numberToString(-value));
            checked++;
        }
        assertEquals(cases.size(), checked);
    }

    @Test
    void aLongIsADoubleFirst() {
        assertEquals("1152921504606847000", JsValues.numberToString((1L << 60) + 1));
        assertEquals("9007199254740992", JsValues.numberToString(1L << 53));
        assertEquals("7e+22", JsValues.numberToString(7e22));
        assertEquals("5e-324", JsValues.numberToString(Double.MIN_VALUE));
    }
}
