package dev.flywheel.experiments;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.flywheel.bucketing.BucketRange;
import dev.flywheel.bucketing.Namespace;
import dev.flywheel.targeting.Rule;

/**
 * What an experiment is, as its owners define it (JSON): variations with weights, coverage, hashing (attribute,
 * fallback, version, seed), namespace or hash filters, a JsonLogic targeting condition, QA overrides, sticky-bucket
 * versions, a schedule and the metrics it is judged by. Parsing validates everything and rejects the definition with
 * every problem found; the JSON is kept as given.
 */
public final class ExperimentDefinition {

    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}");
    public static final int MAX_VARIATIONS = 20;
    public static final int MAX_FORCED = 1000;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String key;
    private final Map<String, Object> json;
    private final List<Variation> variations;
    private final double[] weights;
    private final double coverage;
    private final String hashAttribute;
    private final String fallbackAttribute;
    private final int hashVersion;
    private final String seed;
    private final Namespace namespace;
    private final List<HashFilter> filters;
    private final List<BucketRange> ranges;
    private final Rule condition;
    private final Map<String, String> forcedVariations;
    private final int bucketVersion;
    private final int minBucketVersion;
    private final boolean stickyBucketing;
    private final boolean urlOverrides;
    private final Instant startAt;
    private final Instant endAt;
    private final List<String> primaryMetrics;
    private final List<String> guardrailMetrics;

    private ExperimentDefinition(String key, Map<String, Object> json, DefinitionReader r) {
        this.key = key;
        this.json = Collections.unmodifiableMap(json);
        this.variations = List.copyOf(r.variations);
        this.weights = r.weights;
        this.coverage = r.coverage;
        this.hashAttribute = r.hashAttribute;
        this.fallbackAttribute = r.fallbackAttribute;
        this.hashVersion = r.hashVersion;
        this.seed = r.seed == null ? key : r.seed;
        this.namespace = r.namespace;
        this.filters = List.copyOf(r.filters);
        this.ranges = r.ranges == null ? null : List.copyOf(r.ranges);
        this.condition = r.condition;
        this.forcedVariations = Map.copyOf(r.forcedVariations);
        this.bucketVersion = r.bucketVersion;
        this.minBucketVersion = r.minBucketVersion;
        this.stickyBucketing = r.stickyBucketing;
        this.urlOverrides = r.urlOverrides;
        this.startAt = r.startAt;
        this.endAt = r.endAt;
        this.primaryMetrics = List.copyOf(r.primaryMetrics);
        this.guardrailMetrics = List.copyOf(r.guardrailMetrics);
    }

    /** Parses and validates a definition given as JSON text. */
    public static ExperimentDefinition parse(String key, String json) throws ExperimentDefinitionException {
        if (json == null || json.isBlank()) {
            throw new ExperimentDefinitionException(List.of("/: empty definition"));
        }
        Object tree;
        try {
            tree = JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new ExperimentDefinitionException(List.of("/: not valid JSON: " + e.getOriginalMessage()));
        }
        return parse(key, tree);
    }

    /** Parses and validates a definition given as a JSON tree (maps, lists, strings, numbers, booleans, null). */
    public static ExperimentDefinition parse(String key, Object tree) throws ExperimentDefinitionException {
        List<String> problems = new ArrayList<>();
        if (key == null || !KEY.matcher(key).matches()) {
            problems.add("/key: an experiment key is 1 to 128 letters, digits, '_', '.', ':' or '-', not starting "
                    + "with a punctuation mark");
        }
        if (!(tree instanceof Map<?, ?> map)) {
            problems.add("/: an experiment definition must be a JSON object");
            throw new ExperimentDefinitionException(problems);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        map.forEach((k, v) -> json.put(String.valueOf(k), v));
        DefinitionReader reader = new DefinitionReader(json, problems);
        reader.read();
        if (!problems.isEmpty()) {
            throw new ExperimentDefinitionException(problems);
        }
        return new ExperimentDefinition(key, json, reader);
    }

    /** The definition as compact JSON text, as it was given. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    public String key() {
        return key;
    }

    public Map<String, Object> json() {
        return json;
    }

    public List<Variation> variations() {
        return variations;
    }

    /** One weight per variation, summing to 1. */
    public double[] weights() {
        return weights.clone();
    }

    public double coverage() {
        return coverage;
    }

    public String hashAttribute() {
        return hashAttribute;
    }

    /** Null when there is none. */
    public String fallbackAttribute() {
        return fallbackAttribute;
    }

    public int hashVersion() {
        return hashVersion;
    }

    public String seed() {
        return seed;
    }

    /** Null when the experiment is in no namespace. */
    public Namespace namespace() {
        return namespace;
    }

    public List<HashFilter> filters() {
        return filters;
    }

    /** Explicit bucket ranges, one per variation, or null to derive them from weights and coverage. */
    public List<BucketRange> ranges() {
        return ranges;
    }

    /** Null when every user is targeted. */
    public Rule condition() {
        return condition;
    }

    /** QA overrides: hash value (e.g. user id) to variation key. */
    public Map<String, String> forcedVariations() {
        return forcedVariations;
    }

    public int bucketVersion() {
        return bucketVersion;
    }

    public int minBucketVersion() {
        return minBucketVersion;
    }

    public boolean stickyBucketing() {
        return stickyBucketing;
    }

    public boolean urlOverrides() {
        return urlOverrides;
    }

    /** Null when unscheduled. */
    public Instant startAt() {
        return startAt;
    }

    /** Null when open-ended. */
    public Instant endAt() {
        return endAt;
    }

    public List<String> primaryMetrics() {
        return primaryMetrics;
    }

    public List<String> guardrailMetrics() {
        return guardrailMetrics;
    }

    /** The index of the variation with this key, or -1. */
    public int variationIndex(String variationKey) {
        for (int i = 0; i < variations.size(); i++) {
            if (variations.get(i).key().equals(variationKey)) {
                return i;
            }
        }
        return -1;
    }

    /** JSON numbers as Long or Double (targeting's JavaScript semantics), not BigDecimal. */
    static Object plain(Object value) {
        if (value instanceof java.math.BigDecimal d) {
            return d.doubleValue();
        }
        if (value instanceof java.math.BigInteger i) {
            return i.doubleValue();
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        return value;
    }
}
