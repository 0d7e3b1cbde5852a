package dev.flywheel.bucketing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

/** GrowthBook's published known answers, from our own copy of the tables. */
class BucketingTest {

    static Map<String, Object> table;

    @SuppressWarnings("unchecked")
    static synchronized List<Map<String, Object>> cases(String section) throws IOException {
        if (table == null) {
            try (InputStream in = BucketingTest.class.getResourceAsStream("/bucketing-known-answers.json")) {
                table = new ObjectMapper().readValue(in, Map.class);
            }
        }
        return (List<Map<String, Object>>) table.get(section);
    }

    static Stream<Arguments> section(String name) throws IOException {
        List<Arguments> arguments = new ArrayList<>();
        for (Map<String, Object> c : cases(name)) {
            arguments.add(Arguments.of(c));
        }
        return arguments.stream();
    }

    static Stream<Arguments> hash() throws IOException {
        return section("hash");
    }

    static Stream<Arguments> bucketRanges() throws IOException {
        return section("bucketRanges");
    }

    static Stream<Arguments> chooseVariation() throws IOException {
        return section("chooseVariation");
    }

    static Stream<Arguments> inNamespace() throws IOException {
        return section("inNamespace");
    }

    static Stream<Arguments> equalWeights() throws IOException {
        return section("equalWeights");
    }

    static Stream<Arguments> queryStringOverride() throws IOException {
        return section("queryStringOverride");
    }

    @ParameterizedTest
    @MethodSource
    void hash(Map<String, Object> c) {
        Double n = Bucketing.hash((String) c.get("seed"), (String) c.get("value"), (Integer) c.get("version"));
        if (c.get("expected") == null) {
            assertNull(n);
        } else {
            assertEquals(((Number) c.get("expected")).doubleValue(), n, 1e-12, c::toString);
        }
    }

    @ParameterizedTest
    @MethodSource
    void bucketRanges(Map<String, Object> c) {
        List<?> weights = (List<?>) c.get("weights");
        double[] w = weights == null ? null : weights.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
        Number coverage = (Number) c.get("coverage");
        List<BucketRange> ranges = Bucketing.bucketRanges((Integer) c.get("variations"),
                coverage == null ? null : coverage.doubleValue(), w);
        List<?> expected = (List<?>) c.get("expected");
        assertEquals(expected.size(), ranges.size(), c::toString);
        for (int i = 0; i < expected.size(); i++) {
            List<?> range = (List<?>) expected.get(i);
            // compared after flooring to 1e-8, as the published cases are
            assertEquals(floor(((Number) range.get(0)).doubleValue()), floor(ranges.get(i).start()), c::toString);
            assertEquals(floor(((Number) range.get(1)).doubleValue()), floor(ranges.get(i).end()), c::toString);
        }
    }

    @ParameterizedTest
    @MethodSource
    void chooseVariation(Map<String, Object> c) {
        List<BucketRange> ranges = new ArrayList<>();
        for (Object r : (List<?>) c.get("ranges")) {
            List<?> range = (List<?>) r;
            ranges.add(new BucketRange(((Number) range.get(0)).doubleValue(), ((Number) range.get(1)).doubleValue()));
        }
        assertEquals(c.get("expected"), Bucketing.chooseVariation(((Number) c.get("n")).doubleValue(), ranges),
                c::toString);
    }

    @ParameterizedTest
    @MethodSource
    void inNamespace(Map<String, Object> c) {
        List<?> ns = (List<?>) c.get("namespace");
        Namespace namespace = new Namespace((String) ns.get(0), ((Number) ns.get(1)).doubleValue(),
                ((Number) ns.get(2)).doubleValue());
        assertEquals(c.get("expected"), Bucketing.inNamespace((String) c.get("id"), namespace), c::toString);
    }

    @ParameterizedTest
    @MethodSource
    void equalWeights(Map<String, Object> c) {
        double[] weights = Bucketing.equalWeights((Integer) c.get("n"));
        List<?> expected = (List<?>) c.get("expected");
        assertEquals(expected.size(), weights.length);
        for (int i = 0; i < weights.length; i++) {
            assertEquals(((Number) expected.get(i)).doubleValue(), weights[i], 1e-8);
        }
    }

    @ParameterizedTest
    @MethodSource
    void queryStringOverride(Map<String, Object> c) {
        assertEquals(c.get("expected"), Bucketing.queryStringOverride((String) c.get("key"), (String) c.get("url"),
                (Integer) c.get("variations")), c::toString);
    }

    @Test
    void hashesUtf16CodeUnitsNotUtf8Bytes() {
        // "é" is one UTF-16 unit (0xE9) but two UTF-8 bytes: the hash must follow the former
        long expected = ((0x811c9dc5L ^ 0xE9) * 16777619L) & 0xFFFFFFFFL;
        assertEquals(expected, Bucketing.fnv1a32("é"));
    }

    @Test
    void raisingCoverageNeverMovesAnAssignedUser() {
        for (int user = 0; user < 10_000; user++) {
            double n = Bucketing.hash("ramp", "user-" + user, 2);
            int before = Bucketing.chooseVariation(n, Bucketing.bucketRanges(3, 0.2, null));
            int after = Bucketing.chooseVariation(n, Bucketing.bucketRanges(3, 0.8, null));
            if (before >= 0) {
                assertEquals(before, after, "user-" + user);
            }
        }
    }

    private static double floor(double value) {
        return Math.floor(value * 1e8) / 1e8;
    }
}
