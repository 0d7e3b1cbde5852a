package dev.flywheel.experiments;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.flywheel.bucketing.BucketRange;
import dev.flywheel.bucketing.Bucketing;
import dev.flywheel.bucketing.Namespace;
import dev.flywheel.targeting.InvalidRuleException;
import dev.flywheel.targeting.JsonLogic;
import dev.flywheel.targeting.Rule;

/** Reads and checks one experiment definition, collecting every problem with its JSON pointer. */
final class DefinitionReader {
    private static final Pattern VARIATION_KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]{0,63}");
    private static final int MAX_TEXT = 10_000;
    private static final Set<String> PROPERTIES = Set.of("name", "hypothesis", "description", "variations",
            "coverage", "hashAttribute", "fallbackAttribute", "hashVersion", "seed", "namespace", "filters", "ranges",
            "condition", "forcedVariations", "bucketVersion", "minBucketVersion", "stickyBucketing", "urlOverrides",
            "schedule", "metrics", "tags");

    private final Map<String, Object> json;
    private final List<String> problems;
    List<Variation> variations = new ArrayList<>();
    double[] weights;
    double coverage = 1;
    String hashAttribute = "id";
    String fallbackAttribute;
    int hashVersion = 2;
    String seed;
    Namespace namespace;
    List<HashFilter> filters = new ArrayList<>();
    List<BucketRange> ranges;
    Rule condition;
    Map<String, String> forcedVariations = new LinkedHashMap<>();
    int bucketVersion;
    int minBucketVersion;
    boolean stickyBucketing = true;
    boolean urlOverrides = true;
    Instant startAt;
    Instant endAt;
    List<String> primaryMetrics = new ArrayList<>();
    List<String> guardrailMetrics = new ArrayList<>();

    DefinitionReader(Map<String, Object> json, List<String> problems) {
        this.json = json;
        this.problems = problems;
    }

    void read() {
        for (String property : json.keySet()) {
            if (!PROPERTIES.contains(property)) {
                problems.add("/" + property + ": unknown property");
            }
        }
        text("name", 256);
        text("hypothesis", MAX_TEXT);
        text("description", MAX_TEXT);
        readVariations();
        if (json.containsKey("coverage")) {
            Double c = number("/coverage", json.get("coverage"));
            if (c != null && (c < 0 || c > 1)) {
                problems.add("/coverage: must be between 0 and 1");
            } else if (c != null) {
                coverage = c;
            }
        }
        String attribute = attributeName("/hashAttribute", json.get("hashAttribute"));
        if (attribute != null) {
            hashAttribute = attribute;
        }
        fallbackAttribute = attributeName("/fallbackAttribute", json.get("fallbackAttribute"));
        if (json.containsKey("hashVersion")) {
            hashVersion = hashVersion("/hashVersion", json.get("hashVersion"));
        }
        if (json.containsKey("seed")) {
            seed = string("/seed", json.get("seed"), 256);
        }
        readNamespace();
        readFilters();
        if (json.containsKey("ranges")) {
            ranges = rangeList("/ranges", json.get("ranges"));
            if (ranges != null && ranges.size() != variations.size() && !variations.isEmpty()) {
                problems.add("/ranges: one range per variation (" + variations.size() + "), not "
                        + ranges.size());
            }
        }
        readCondition();
        readForced();
        bucketVersion = counter("/bucketVersion", json.get("bucketVersion"));
        minBucketVersion = counter("/minBucketVersion", json.get("minBucketVersion"));
        if (minBucketVersion > bucketVersion) {
            problems.add("/minBucketVersion: cannot exceed bucketVersion (" + bucketVersion + ")");
        }
        stickyBucketing = flag("/stickyBucketing", json.get("stickyBucketing"), true);
        urlOverrides = flag("/urlOverrides", json.get("urlOverrides"), true);
        readSchedule();
        readMetrics();
        if (json.containsKey("tags")) {
            stringList("/tags", json.get("tags"), 64);
        }
    }

    private void readVariations() {
        Object raw = json.get("variations");
        if (!(raw instanceof List<?> list)) {
            problems.add("/variations: required, a list of at least 2 variations");
            return;
        }
        if (list.size() < 2 || list.size() > ExperimentDefinition.MAX_VARIATIONS) {
            problems.add("/variations: between 2 and " + ExperimentDefinition.MAX_VARIATIONS + " variations, not "
                    + list.size());
        }
        Set<String> keys = new HashSet<>();
        List<Double> given = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "/variations/" + i;
            if (!(list.get(i) instanceof Map<?, ?> v)) {
                problems.add(at + ": a variation is an object with a key");
                continue;
            }
            for (Object property : v.keySet()) {
                if (!List.of("key", "name", "value", "weight").contains(property)) {
                    problems.add(at + "/" + property + ": unknown property (expected key, name, value, weight)");
                }
            }
            Object key = v.get("key");
            if (!(key instanceof String k) || !VARIATION_KEY.matcher(k).matches()) {
                problems.add(at + "/key: required, 1 to 64 letters, digits, '_', '.', ':' or '-'");
                continue;
            }
            if (!keys.add(k)) {
                problems.add(at + "/key: '" + k + "' is used by another variation");
            }
            String name = v.get("name") == null ? k : string(at + "/name", v.get("name"), 256);
            if (v.containsKey("weight")) {
                Double w = number(at + "/weight", v.get("weight"));
                if (w != null && (w < 0 || w > 1)) {
                    problems.add(at + "/weight: must be between 0 and 1");
                }
                given.add(w);
            }
            variations.add(new Variation(k, name, ExperimentDefinition.plain(v.get("value"))));
        }
        if (given.isEmpty()) {
            weights = Bucketing.equalWeights(variations.size());
        } else if (given.size() != list.size()) {
            problems.add("/variations: give every variation a weight, or none (equal weights)");
        } else if (!given.contains(null)) {
            double sum = given.stream().mapToDouble(Double::doubleValue).sum();
            if (sum < 0.99 || sum > 1.01) {
                problems.add("/variations: weights must sum to 1, not " + sum);
            }
            weights = given.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private void readNamespace() {
        Object raw = json.get("namespace");
        if (raw == null) {
            return;
        }
        Object id;
        Object start;
        Object end;
        if (raw instanceof Map<?, ?> m) {
            id = m.get("id");
            start = m.get("start");
            end = m.get("end");
        } else if (raw instanceof List<?> l && l.size() == 3) {
            id = l.get(0);
            start = l.get(1);
            end = l.get(2);
        } else {
            problems.add("/namespace: an object {id, start, end}");
            return;
        }
        String name = string("/namespace/id", id, 128);
        Double s = number("/namespace/start", start);
        Double e = number("/namespace/end", end);
        if (name == null || s == null || e == null) {
            if (name == null && id == null) {
                problems.add("/namespace/id: required");
            }
            return;
        }
        if (s < 0 || e > 1 || s >= e) {
            problems.add("/namespace: needs 0 <= start < end <= 1");
            return;
        }
        namespace = new Namespace(name, s, e);
    }

    private void readFilters() {
        Object raw = json.get("filters");
        if (raw == null) {
            return;
        }
        if (!(raw instanceof List<?> list)) {
            problems.add("/filters: a list of {attribute, seed, hashVersion, ranges}");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "/filters/" + i;
            if (!(list.get(i) instanceof Map<?, ?> f)) {
                problems.add(at + ": a filter is an object {attribute, seed, hashVersion, ranges}");
                continue;
            }
            String attribute = attributeName(at + "/attribute", f.get("attribute"));
            String filterSeed = f.get("seed") == null ? null : string(at + "/seed", f.get("seed"), 256);
            if (f.get("seed") == null) {
                problems.add(at + "/seed: required");
            }
            int version = f.containsKey("hashVersion")
                    ? hashVersion(at + "/hashVersion", f.get("hashVersion"))
                    : 2;
            List<BucketRange> filterRanges = rangeList(at + "/ranges", f.get("ranges"));
            if (filterSeed != null && filterRanges != null) {
                filters.add(new HashFilter(attribute == null ? "id" : attribute, filterSeed, version,
                        filterRanges));
            }
        }
    }

    private void readCondition() {
        Object raw = json.get("condition");
        if (raw == null) {
            return;
        }
        if (!(raw instanceof Map)) {
            problems.add("/condition: a JsonLogic rule (an object)");
            return;
        }
        try {
            condition = JsonLogic.compile(ExperimentDefinition.plain(raw));
        } catch (InvalidRuleException e) {
            problems.add("/condition: " + e.getMessage());
        }
    }

    private void readForced() {
        Object raw = json.get("forcedVariations");
        if (raw == null) {
            return;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            problems.add("/forcedVariations: an object of user id to variation key");
            return;
        }
        if (m.size() > ExperimentDefinition.MAX_FORCED) {
            problems.add("/forcedVariations: at most " + ExperimentDefinition.MAX_FORCED + " users");
        }
        Set<String> keys = new HashSet<>();
        variations.forEach(v -> keys.add(v.key()));
        m.forEach((user, variation) -> {
            String at = "/forcedVariations/" + user;
            if (!(variation instanceof String v) || !keys.contains(v)) {
                problems.add(at + ": must name a variation (" + String.join(", ", keys) + ")");
            } else {
                forcedVariations.put(String.valueOf(user), v);
            }
        });
    }

    private void readSchedule() {
        Object raw = json.get("schedule");
        if (raw == null) {
            return;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            problems.add("/schedule: an object {startAt, endAt} of ISO-8601 instants");
            return;
        }
        startAt = instant("/schedule/startAt", m.get("startAt"));
        endAt = instant("/schedule/endAt", m.get("endAt"));
        if (startAt != null && endAt != null && !endAt.isAfter(startAt)) {
            problems.add("/schedule/endAt: must be after startAt");
        }
    }

    private void readMetrics() {
        Object raw = json.get("metrics");
        if (raw == null) {
            return;
        }
        if (!(raw instanceof Map<?, ?> m)) {
            problems.add("/metrics: an object {primary, secondary, guardrails} of metric keys");
            return;
        }
        for (Object property : m.keySet()) {
            if (!List.of("primary", "secondary", "guardrails").contains(property)) {
                problems.add("/metrics/" + property + ": unknown property (expected primary, secondary, "
                        + "guardrails)");
            }
        }
        primaryMetrics = stringList("/metrics/primary", m.get("primary"), 128);
        stringList("/metrics/secondary", m.get("secondary"), 128);
        guardrailMetrics = stringList("/metrics/guardrails", m.get("guardrails"), 128);
    }

    private Instant instant(String at, Object raw) {
        if (raw == null) {
            return null;
        }
        if (raw instanceof String s) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        problems.add(at + ": an ISO-8601 instant such as 2026-01-31T09:00:00Z");
        return null;
    }

    private List<BucketRange> rangeList(String at, Object raw) {
        if (!(raw instanceof List<?> list) || list.isEmpty()) {
            problems.add(at + ": a non-empty list of [start, end] pairs");
            return null;
        }
        List<BucketRange> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof List<?> pair) || pair.size() != 2) {
                problems.add(at + "/" + i + ": a [start, end] pair");
                continue;
            }
            Double s = number(at + "/" + i + "/0", pair.get(0));
            Double e = number(at + "/" + i + "/1", pair.get(1));
            if (s == null || e == null) {
                continue;
            }
            if (s < 0 || e > 1 || s > e) {
                problems.add(at + "/" + i + ": needs 0 <= start <= end <= 1");
                continue;
            }
            result.add(new BucketRange(s, e));
        }
        return result;
    }

    private List<String> stringList(String at, Object raw, int maxLength) {
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list) || list.size() > 100) {
            problems.add(at + ": a list of at most 100 strings");
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String s = string(at + "/" + i, list.get(i), maxLength);
            if (s != null) {
                result.add(s);
            }
        }
        return result;
    }

    private void text(String property, int maxLength) {
        if (json.get(property) != null) {
            string("/" + property, json.get(property), maxLength);
        }
    }

    private String string(String at, Object raw, int maxLength) {
        if (!(raw instanceof String s) || s.isEmpty() || s.length() > maxLength) {
            problems.add(at + ": a non-empty string of at most " + maxLength + " characters");
            return null;
        }
        return s;
    }

    private String attributeName(String at, Object raw) {
        return raw == null ? null : string(at, raw, 128);
    }

    private Double number(String at, Object raw) {
        if (raw instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        problems.add(at + ": must be a number");
        return null;
    }

    private int hashVersion(String at, Object raw) {
        if (raw instanceof Number n && (n.doubleValue() == 1 || n.doubleValue() == 2)) {
            return n.intValue();
        }
        problems.add(at + ": must be 1 or 2");
        return 2;
    }

    private int counter(String at, Object raw) {
        if (raw == null) {
            return 0;
        }
        if (raw instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1_000_000
                && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        problems.add(at + ": a whole number from 0");
        return 0;
    }

    private boolean flag(String at, Object raw, boolean otherwise) {
        if (raw == null) {
            return otherwise;
        }
        if (raw instanceof Boolean b) {
            return b;
        }
        problems.add(at + ": must be true or false");
        return otherwise;
    }
}
