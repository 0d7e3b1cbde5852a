package dev.flywheel.flags;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A flag document in the flagd format: {@code flags}, {@code $evaluators}, {@code metadata} and an optional
 * {@code $schema}. Parsing validates the whole document and rejects it with every problem found; the definitions are
 * kept as given (key order and values) so that an export returns what was imported.
 */
public final class FlagDocument {

    public static final int MAX_KEY_LENGTH = 256;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String schema;
    private final Map<String, Map<String, Object>> flags;
    private final Map<String, Object> evaluators;
    private final Map<String, Object> metadata;

    public FlagDocument(String schema, Map<String, Map<String, Object>> flags, Map<String, Object> evaluators,
            Map<String, Object> metadata) {
        this.schema = schema;
        this.flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
        this.evaluators = Collections.unmodifiableMap(new LinkedHashMap<>(evaluators));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Parses and validates a whole document; the flags may be an object by key or (as flagd allows) an array. */
    public static FlagDocument parse(String json) throws FlagDocumentException {
        Object tree = read(json, "");
        List<String> problems = new ArrayList<>();
        if (!(tree instanceof Map<?, ?> document)) {
            throw new FlagDocumentException(List.of("/: a flag document must be a JSON object"));
        }
        Map<String, Map<String, Object>> flags = new LinkedHashMap<>();
        Object rawFlags = document.get("flags");
        if (rawFlags instanceof Map<?, ?> byKey) {
            byKey.forEach((key, definition) -> addFlag(flags, String.valueOf(key), definition, "/flags/" + key,
                    problems));
        } else if (rawFlags instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                Object key = item instanceof Map<?, ?> m ? m.get("key") : null;
                if (!(key instanceof String k)) {
                    problems.add("/flags/" + i + "/key: each flag in an array needs a string 'key'");
                    continue;
                }
                Map<String, Object> definition = new LinkedHashMap<>(asStringMap(item));
                definition.remove("key");
                if (flags.containsKey(k)) {
                    problems.add("/flags/" + i + "/key: flag '" + k + "' is defined twice");
                }
                addFlag(flags, k, definition, "/flags/" + i, problems);
            }
        } else {
            problems.add("/flags: required, an object of flags by key");
        }
        Object evaluators = document.containsKey("$evaluators") ? document.get("$evaluators") : Map.of();
        validateEvaluators(evaluators, problems);
        Object metadata = document.containsKey("metadata") ? document.get("metadata") : Map.of();
        validateMetadata("/metadata", metadata, problems);
        Object schema = document.get("$schema");
        if (schema != null && !(schema instanceof String)) {
            problems.add("/$schema: must be a string");
        }
        for (Object key : document.keySet()) {
            if (!List.of("flags", "$evaluators", "metadata", "$schema").contains(key)) {
                problems.add("/" + key + ": unknown property (expected flags, $evaluators, metadata, $schema)");
            }
        }
        if (!problems.isEmpty()) {
            throw new FlagDocumentException(problems);
        }
        return new FlagDocument((String) schema, flags, asStringMap(evaluators), asStringMap(metadata));
    }

    /** Parses and validates one flag definition (the value under its key in a document). */
    public static Map<String, Object> parseFlag(String key, String json) throws FlagDocumentException {
        Object tree = read(json, "/flags/" + key);
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Object>> flags = new LinkedHashMap<>();
        addFlag(flags, key, tree, "/flags/" + key, problems);
        if (!problems.isEmpty()) {
            throw new FlagDocumentException(problems);
        }
        return flags.get(key);
    }

    /** Reads a JSON object (stored evaluators, metadata or a definition) without validating it as a flag part. */
    public static Map<String, Object> readObject(String json) throws FlagDocumentException {
        Object tree = read(json, "");
        if (!(tree instanceof Map)) {
            throw new FlagDocumentException(List.of("/: expected a JSON object"));
        }
        return asStringMap(tree);
    }

    private static Object read(String json, String pointer) throws FlagDocumentException {
        if (json == null || json.isBlank()) {
            throw new FlagDocumentException(List.of((pointer.isEmpty() ? "/" : pointer) + ": empty document"));
        }
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new FlagDocumentException(List.of((pointer.isEmpty() ? "/" : pointer) + ": not valid JSON: "
                    + e.getOriginalMessage()));
        }
    }

    private static void addFlag(Map<String, Map<String, Object>> flags, String key, Object definition,
            String pointer, List<String> problems) {
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || key.chars().anyMatch(Character::isISOControl)) {
            problems.add(pointer + ": a flag key must have 1 to " + MAX_KEY_LENGTH
                    + " characters and no control characters");
            return;
        }
        if (!(definition instanceof Map<?, ?> flag)) {
            problems.add(pointer + ": a flag must be a JSON object");
            return;
        }
        Object state = flag.get("state");
        if (!"ENABLED".equals(state) && !"DISABLED".equals(state)) {
            problems.add(pointer + "/state: required, ENABLED or DISABLED");
        }
        Object variants = flag.get("variants");
        String kind = null;
        if (!(variants instanceof Map<?, ?> byName) || byName.isEmpty()) {
            problems.add(pointer + "/variants: required, an object with at least one variant");
        } else {
            for (Map.Entry<?, ?> variant : byName.entrySet()) {
                String name = String.valueOf(variant.getKey());
                String variantKind = kindOf(variant.getValue());
                if (name.isEmpty() || name.length() > MAX_KEY_LENGTH) {
                    problems.add(
                            pointer + "/variants: a variant name must have 1 to " + MAX_KEY_LENGTH + " characters");
                } else if (variantKind == null) {
                    problems.add(pointer + "/variants/" + name
                            + ": a variant value must be a boolean, string, number or object");
                } else if (kind == null) {
                    kind = variantKind;
                } else if (!kind.equals(variantKind)) {
                    problems.add(
                            pointer + "/variants/" + name + ": is a " + variantKind + " but the flag's variants are "
                                    + kind + "s; all variants must have one type");
                }
            }
            Object defaultVariant = flag.get("defaultVariant");
            if (defaultVariant != null && !(defaultVariant instanceof String)) {
                problems.add(pointer + "/defaultVariant: must be a variant name or null");
            } else if (defaultVariant != null && !byName.containsKey(defaultVariant)) {
                problems.add(pointer + "/defaultVariant: names variant '" + defaultVariant
                        + "', which is not in variants");
            }
        }
        Object targeting = flag.get("targeting");
        if (targeting != null && !(targeting instanceof Map)) {
            problems.add(pointer + "/targeting: must be a JsonLogic object");
        }
        if (flag.containsKey("metadata")) {
            validateMetadata(pointer + "/metadata", flag.get("metadata"), problems);
        }
        for (Object property : flag.keySet()) {
            if (!List.of("state", "variants", "defaultVariant", "targeting", "metadata").contains(property)) {
                problems.add(pointer + "/" + property
                        + ": unknown property (expected state, variants, defaultVariant, targeting, metadata)");
            }
        }
        flags.put(key, asStringMap(flag));
    }

    static String kindOf(Object value) {
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Number) {
            return "number";
        }
        if (value instanceof Map) {
            return "object";
        }
        return null;
    }

    private static void validateEvaluators(Object evaluators, List<String> problems) {
        if (!(evaluators instanceof Map<?, ?> byName)) {
            problems.add("/$evaluators: must be an object of JsonLogic rules by name");
            return;
        }
        byName.forEach((name, rule) -> {
            if (!(rule instanceof Map) && !(rule instanceof List) && kindOf(rule) == null) {
                problems.add("/$evaluators/" + name + ": must be a JsonLogic rule");
            }
        });
    }

    private static void validateMetadata(String pointer, Object metadata, List<String> problems) {
        if (!(metadata instanceof Map<?, ?> entries)) {
            problems.add(pointer + ": must be an object");
            return;
        }
        entries.forEach((key, value) -> {
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                problems.add(pointer + "/" + key + ": metadata values must be strings, numbers or booleans");
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asStringMap(Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    public String schema() {
        return schema;
    }

    public Map<String, Map<String, Object>> flags() {
        return flags;
    }

    public Map<String, Object> evaluators() {
        return evaluators;
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The document in the flagd format, flags by key, in the order they were given. */
    public String toJson() {
        Map<String, Object> document = new LinkedHashMap<>();
        if (schema != null) {
            document.put("$schema", schema);
        }
        document.put("flags", flags);
        if (!evaluators.isEmpty()) {
            document.put("$evaluators", evaluators);
        }
        if (!metadata.isEmpty()) {
            document.put("metadata", metadata);
        }
        return write(document);
    }

    /** Serialises a JSON tree (a definition, evaluators or metadata) compactly. */
    public static String write(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
