package dev.flywheel.targeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class JsonLogicTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() throws IOException {
        Map<String, Object> table = read("/jsonlogic-cases.json");
        List<Arguments> arguments = new ArrayList<>();
        table.forEach((group, rows) -> {
            if (group.startsWith("_")) {
                return;
            }
            int i = 0;
            for (Object row : (List<?>) rows) {
                List<?> c = (List<?>) row;
                arguments.add(Arguments.of(group + "[" + i++ + "] " + json(c.get(0)), c.get(0), c.get(1), c.get(2)));
            }
        });
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluatesLikeJsonLogicAndFlagd(String name, Object rule, Object data, Object expected) throws Exception {
        Object actual = JsonLogic.compile(rule).evaluate(data);
        assertTrue(sameValue(expected, actual), () -> name + ": expected " + expected + " but was " + actual);
    }

    @Test
    void unknownOperatorsFailCompilation() {
        InvalidRuleException e = assertThrows(InvalidRuleException.class,
                () -> JsonLogic.compile(Map.of("invalid", List.of("this is not valid targeting"))));
        assertTrue(e.getMessage().contains("invalid"));
        assertThrows(InvalidRuleException.class,
                () -> JsonLogic.compile(Map.of("if", List.of(Map.of("$ref", "shared"), "a", "b"))));
    }

    @Test
    void numbersPrintAsInJavaScript() {
        assertEquals("1", JsValues.numberToString(1.0));
        assertEquals("1.5", JsValues.numberToString(1.5));
        assertEquals("0.1", JsValues.numberToString(0.1));
        assertEquals("-0.25", JsValues.numberToString(-0.25));
        assertEquals("100000000000000000000", JsValues.numberToString(1e20));
        assertEquals("1e+21", JsValues.numberToString(1e21));
        assertEquals("1e-7", JsValues.numberToString(1e-7));
        assertEquals("0.000001", JsValues.numberToString(1e-6));
        assertEquals("4133980802", JsValues.numberToString(4133980802.0));
        assertEquals("NaN", JsValues.numberToString(Double.NaN));
    }

    /** JSON numbers compare by value, whatever Java type the parser or the engine picked. */
    static boolean sameValue(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return e.doubleValue() == a.doubleValue();
        }
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!sameValue(e.get(i), a.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return expected == null ? actual == null : expected.equals(actual);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String resource) throws IOException {
        try (InputStream in = JsonLogicTest.class.getResourceAsStream(resource)) {
            return JSON.readValue(in, Map.class);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
