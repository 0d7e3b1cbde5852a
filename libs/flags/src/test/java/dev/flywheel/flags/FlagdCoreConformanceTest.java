package dev.flywheel.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Edge cases a differential run found against OpenFeature's flagd-core 4.0.1 (flagd's evaluator for JavaScript); the
 * expected answers are flagd-core's. Where flagd-core and json-logic-js disagree, Flywheel follows json-logic-js and
 * docs/experiments.md says so (the last case).
 */
class FlagdCoreConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FlagSet FLAGS = FlagSet.compile(parse("""
            {"$evaluators": {
               "first": {"$ref": "second"},
               "second": {"==": [{"var": "tier"}, "gold"]}},
             "flags": {
               "ref-later": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [{"$ref": "first"}, "on", "off"]}},
               "null-bucket": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"fractional": [[null, 50], ["on", 50]]}},
               "array-result": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [true, ["on"], "off"]}},
               "length-var": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [{">": [{"var": "name.length"}, 2]}, "on", "off"]}},
               "in-empty": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [{"in": ["a", {"var": "s"}]}, "on", "off"]}},
               "string-vs-array": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [{"==": ["a,b", {"var": "list"}]}, "on", "off"]}}}}
            """));

    private static FlagDocument parse(String json) {
        try {
            return FlagDocument.parse(json);
        } catch (FlagDocumentException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
            // an evaluator may $ref one defined after it
            "ref-later      | {\"tier\": \"gold\"}         | on  | TARGETING_MATCH",
            "ref-later      | {\"tier\": \"silver\"}       | off | TARGETING_MATCH",
            // a null bucket gives its users the default; the other buckets keep theirs
            "null-bucket    | {\"targetingKey\": \"user-1\"} | on  | TARGETING_MATCH",
            "null-bucket    | {\"targetingKey\": \"user-2\"} | off | DEFAULT",
            "null-bucket    | {\"targetingKey\": \"user-3\"} | on  | TARGETING_MATCH",
            "null-bucket    | {\"targetingKey\": \"user-4\"} | on  | TARGETING_MATCH",
            // targeting that returns an array names the variant of its string form
            "array-result   | {}                           | on  | TARGETING_MATCH",
            "length-var     | {\"name\": \"abc\"}          | on  | TARGETING_MATCH",
            "length-var     | {\"name\": \"a\"}            | off | TARGETING_MATCH",
            "in-empty       | {\"s\": \"\"}                | off | TARGETING_MATCH",
            "in-empty       | {\"s\": \"cat\"}             | on  | TARGETING_MATCH",
            // flagd-core's json-logic-engine refuses to compare a string with an array (GENERAL error);
            // json-logic-js and Flywheel compare the array's string form
            "string-vs-array | {\"list\": [\"a\", \"b\"]}   | on  | TARGETING_MATCH"})
    @SuppressWarnings("unchecked")
    void resolvesLikeFlagdCore(String flag, String context, String variant, String reason) throws Exception {
        Resolution r = FLAGS.resolve(flag.strip(), FlagType.BOOLEAN, JSON.readValue(context, Map.class), 0);
        assertEquals(variant.strip(), r.variant(), "variant");
        assertEquals(reason.strip(), r.reason(), "reason");
    }
}
