package dev.flywheel.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class FlagSetTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long NOW = 1_800_000_000L;

    static Map<String, Object> table;
    static FlagSet flags;

    static synchronized FlagSet flags() throws Exception {
        if (flags == null) {
            table = read("/evaluation-cases.json");
            flags = FlagSet.compile(FlagDocument.parse(JSON.writeValueAsString(table.get("document"))));
        }
        return flags;
    }

    static Stream<Arguments> cases() throws Exception {
        flags();
        List<Arguments> arguments = new ArrayList<>();
        for (Object row : (List<?>) table.get("cases")) {
            List<?> c = (List<?>) row;
            arguments.add(Arguments.of(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5), c.get(6)));
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} as {1} with {2} -> {3} {4} {5} {6}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void resolvesLikeFlagd(String key, String type, Object context, Object value, String variant, String reason,
            String error) throws Exception {
        Resolution r = flags().resolve(key, FlagType.valueOf(type), (Map<String, Object>) context, NOW);
        assertEquals(reason, r.reason(), "reason");
        assertEquals(variant, r.variant(), "variant");
        assertTrue(sameValue(value, r.value()), () -> "value " + r.value());
        assertEquals(error, r.error() == null ? null : r.error().name(), "error code");
        if (r.error() != null) {
            assertTrue(r.errorMessage() != null && !r.errorMessage().isBlank());
        }
    }

    @Test
    void metadataIsTheSetsOverlaidByTheFlags() throws Exception {
        flags();
        for (Object row : (List<?>) table.get("metadata")) {
            List<?> c = (List<?>) row;
            Resolution r = flags().resolve((String) c.get(0), FlagType.BOOLEAN, Map.of(), NOW);
            assertEquals(c.get(1), r.metadata());
        }
    }

    @Test
    void compileWarnsAboutTargetingThatWillFail() throws Exception {
        List<String> warnings = flags().warnings();
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("/flags/bad-operator/targeting: unknown operator")),
                warnings::toString);
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("/flags/missing-ref/targeting")), warnings::toString);
    }

    @Test
    void resolveAllAnswersEveryFlagInOrder() throws Exception {
        List<Resolution> all = flags().resolveAll(Map.of("email", "ballmer@macrosoft.com"), NOW);
        assertEquals(flags().size(), all.size());
        assertEquals("new-checkout", all.get(0).flagKey());
        Map<String, Resolution> byKey = all.stream().collect(Collectors.toMap(Resolution::flagKey, r -> r));
        assertEquals("hi", byKey.get("shared-rule").value());
        assertEquals("DISABLED", byKey.get("switched-off").reason());
        assertEquals(ErrorCode.PARSE_ERROR, byKey.get("bad-operator").error());
        assertNull(byKey.get("absent-default").variant());
    }

    static Stream<Arguments> rejected() throws IOException {
        List<Arguments> arguments = new ArrayList<>();
        for (Object row : (List<?>) read("/rejected-documents.json").get("cases")) {
            List<?> c = (List<?>) row;
            arguments.add(Arguments.of(c.get(0), c.get(1)));
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsBadDocumentsAsAWhole(String document, String problem) {
        FlagDocumentException e = assertThrows(FlagDocumentException.class, () -> FlagDocument.parse(document));
        assertTrue(e.problems().stream().anyMatch(p -> p.contains(problem)), () -> e.problems().toString());
    }

    @Test
    void exportReturnsWhatWasImported() throws Exception {
        String document = "{\"$schema\":\"https://flagd.dev/schema/v0/flags.json\",\"flags\":{\"b\":{\"state\":\"ENABLED\","
                + "\"variants\":{\"zero\":0.0,\"one\":1},\"defaultVariant\":\"zero\",\"targeting\":{\"if\":[{\"$ref\":\"r\"},"
                + "\"one\"]},\"metadata\":{\"owner\":\"growth\"}},\"a\":{\"state\":\"DISABLED\",\"variants\":{\"x\":{\"k\":[1,2]}},"
                + "\"defaultVariant\":null}},\"$evaluators\":{\"r\":{\"==\":[1,1]}},\"metadata\":{\"flagSetId\":\"s\",\"version\":\"1\"}}";
        assertEquals(document, FlagDocument.parse(document).toJson());
    }

    @Test
    void flagsMayBeGivenAsAnArray() throws Exception {
        FlagDocument document = FlagDocument
                .parse("{\"flags\":[{\"key\":\"a\",\"state\":\"ENABLED\",\"variants\":{\"on\":true},\"defaultVariant\":\"on\"}]}");
        assertEquals(true, FlagSet.compile(document).resolve("a", FlagType.BOOLEAN, Map.of(), NOW).value());
    }

    static boolean sameValue(Object expected, Object actual) {
        if (expected instanceof Number e && actual instanceof Number a) {
            return e.doubleValue() == a.doubleValue();
        }
        return expected == null ? actual == null : expected.equals(actual);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String resource) throws IOException {
        try (InputStream in = FlagSetTest.class.getResourceAsStream(resource)) {
            return JSON.readValue(in, Map.class);
        }
    }
}
