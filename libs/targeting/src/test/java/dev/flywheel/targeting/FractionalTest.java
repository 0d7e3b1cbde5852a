package dev.flywheel.targeting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FractionalTest {

    static Stream<Arguments> knownAnswers() throws IOException {
        List<Arguments> arguments = new ArrayList<>();
        for (Object row : (List<?>) JsonLogicTest.read("/fractional-known-answers.json").get("cases")) {
            Map<?, ?> c = (Map<?, ?>) row;
            arguments.add(Arguments.of(c.get("bucketBy"), c.get("flagKey"), c.get("targetingKey"),
                    ((Number) c.get("murmur3")).longValue(), c.get("weights"), c.get("expected")));
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}{1}{2} -> {5}")
    @MethodSource("knownAnswers")
    void bucketsLikeCurrentFlagd(String bucketBy, String flagKey, String targetingKey, long murmur3, List<?> weights,
            String expected) throws Exception {
        List<Object> arguments = new ArrayList<>();
        Map<String, Object> data = new HashMap<>();
        if (bucketBy != null) {
            arguments.add(bucketBy);
            assertEquals(murmur3, MurmurHash3.unsignedHash(bucketBy));
        } else {
            data.put("targetingKey", targetingKey);
            data.put("$flagd", Map.of("flagKey", flagKey));
            assertEquals(murmur3, MurmurHash3.unsignedHash(flagKey + targetingKey));
        }
        arguments.addAll(weights);
        assertEquals(expected, JsonLogic.compile(Map.of("fractional", arguments)).evaluate(data));
    }

    /** Keys whose hash is exactly 0, 1, 2^31-1, 2^31 and 2^32-1: the bucket boundaries. */
    @ParameterizedTest
    @CsvSource({"ejOoVL,0,lower", "bY9fO-,1,lower", "SI7p-,2147483647,lower", "6LvT0,2147483648,upper",
            "ceQdGm,4294967295,upper"})
    void hashBoundaries(String key, long hash, String expected) throws Exception {
        assertEquals(hash, MurmurHash3.unsignedHash(key));
        Rule rule = JsonLogic.compile(Map.of("fractional",
                List.of(Map.of("var", "targetingKey"), List.of("lower", 50), List.of("upper", 50))));
        assertEquals(expected, rule.evaluate(Map.of("targetingKey", key)));
    }

    @ParameterizedTest
    @CsvSource({"seven,hearts", "eight,diamonds", "nine,clubs", "two,spades"})
    void sharedSeedBucketsTheSameAcrossFlags(String name, String expected) throws Exception {
        Rule rule = JsonLogic.compile(Map.of("fractional",
                List.of(Map.of("cat", List.of("shared-seed", Map.of("var", "user.name"))), List.of("clubs", 25),
                        List.of("diamonds", 25), List.of("hearts", 25), List.of("spades", 25))));
        assertEquals(expected, rule.evaluate(Map.of("user", Map.of("name", name))));
    }

    @Test
    void variantsAndWeightsMayBeExpressions() throws Exception {
        Map<String, Object> premium = Map.of("if", List.of(Map.of("==", List.of(Map.of("var", "tier"), "premium")),
                "premium", "standard"));
        Rule nestedVariant = JsonLogic.compile(Map.of("fractional",
                List.of(Map.of("var", "targetingKey"), List.of(premium, 50), List.of("standard", 50))));
        assertEquals("premium", nestedVariant.evaluate(Map.of("targetingKey", "jon@company.com", "tier", "premium")));
        assertEquals("standard", nestedVariant.evaluate(Map.of("targetingKey", "jon@company.com", "tier", "basic")));
        assertEquals("standard", nestedVariant.evaluate(Map.of("targetingKey", "user1", "tier", "premium")));

        Map<String, Object> weight = Map.of("if", List.of(Map.of("==", List.of(Map.of("var", "tier"), "premium")),
                100, 0));
        Rule nestedWeight = JsonLogic.compile(Map.of("fractional",
                List.of(Map.of("var", "targetingKey"), List.of("red", weight), List.of("blue", 10))));
        assertEquals("red", nestedWeight.evaluate(Map.of("targetingKey", "user1", "tier", "premium")));
        assertEquals("blue", nestedWeight.evaluate(Map.of("targetingKey", "user1", "tier", "basic")));
    }

    @Test
    void booleanVariantsServeAsConditions() throws Exception {
        Rule rule = JsonLogic.compile(Map.of("if",
                List.of(Map.of("fractional", List.of(List.of(false, 0), List.of(true, 100))), "big", "small")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("targetingKey", "some-targeting-key");
        data.put("$flagd", Map.of("flagKey", "fractional-as-condition-flag"));
        assertEquals("big", rule.evaluate(data));
    }

    @Test
    void badInputGivesNull() throws Exception {
        Map<String, Object> user = Map.of("targetingKey", "any-user");
        // no targeting key to bucket by
        assertNull(JsonLogic.compile(Map.of("fractional", List.of(List.of("one")))).evaluate(Map.of()));
        assertNull(
                JsonLogic.compile(Map.of("fractional", List.of(List.of("one")))).evaluate(Map.of("targetingKey", "")));
        // a missing bucketing value is not a string, so it is read as a (bad) bucket
        assertNull(JsonLogic.compile(Map.of("fractional",
                List.of(Map.of("var", "missing_key"), List.of("one", 50), List.of("two", 50)))).evaluate(Map.of()));
        // all weights zero, non-integer weight, total beyond 2^31-1
        assertNull(eval(List.of(List.of("one", 0), List.of("two", 0)), user));
        assertNull(eval(List.of(List.of("one", 0.5), List.of("two", 1)), user));
        assertNull(eval(List.of(List.of("one", Integer.MAX_VALUE), List.of("two", 1)), user));
        assertNull(eval(java.util.Arrays.asList(null, List.of("one")), user));
        assertNull(eval(List.of(List.of("one", 1, 2)), user));
        // negative weights count as zero
        assertEquals("two", eval(List.of(List.of("one", -50), List.of("two", 100)), user));
        assertEquals("single", eval(List.of(List.of("single", 1)), user));
    }

    private static Object eval(List<?> buckets, Map<String, Object> data) throws InvalidRuleException {
        return JsonLogic.compile(Map.of("fractional", buckets)).evaluate(data);
    }
}
