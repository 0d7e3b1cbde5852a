package dev.flywheel.flags;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.flywheel.targeting.InvalidRuleException;
import dev.flywheel.targeting.JsValues;
import dev.flywheel.targeting.JsonLogic;
import dev.flywheel.targeting.Rule;

/**
 * The flags of one environment, compiled for evaluation: immutable, shared by every request until the next change
 * replaces it. Resolution follows flagd 0.16: reasons STATIC, TARGETING_MATCH, DEFAULT, DISABLED, and the error codes
 * of {@link ErrorCode}.
 */
public final class FlagSet {

    private static final String REF = "$ref";

    private final Map<String, CompiledFlag> flags;
    private final Map<String, Object> metadata;
    private final List<String> warnings;

    private record CompiledFlag(String key, boolean enabled, Map<String, Object> variants, String defaultVariant,
            Rule targeting, String targetingError, String kind, Map<String, Object> metadata) {
    }

    private FlagSet(Map<String, CompiledFlag> flags, Map<String, Object> metadata, List<String> warnings) {
        this.flags = flags;
        this.metadata = metadata;
        this.warnings = warnings;
    }

    public static FlagSet empty() {
        return new FlagSet(Map.of(), Map.of(), List.of());
    }

    /**
     * Compiles a validated document. Targeting that does not compile (an unknown operator, a {@code $ref} to a
     * missing evaluator) does not reject the document, as in flagd: that flag answers PARSE_ERROR, and a warning
     * says why.
     */
    public static FlagSet compile(FlagDocument document) {
        Map<String, CompiledFlag> flags = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        document.flags().forEach((key, definition) -> {
            CompiledFlag flag = compileFlag(key, definition, document.evaluators(), document.metadata());
            if (flag.targetingError() != null) {
                warnings.add("/flags/" + key + "/targeting: " + flag.targetingError());
            }
            flags.put(key, flag);
        });
        return new FlagSet(Collections.unmodifiableMap(flags), document.metadata(), List.copyOf(warnings));
    }

    @SuppressWarnings("unchecked")
    private static CompiledFlag compileFlag(String key, Map<String, Object> definition,
            Map<String, Object> evaluators, Map<String, Object> setMetadata) {
        Map<String, Object> variants = (Map<String, Object>) definition.get("variants");
        Object targeting = definition.get("targeting");
        Rule rule = null;
        String error = null;
        if (targeting instanceof Map<?, ?> logic && !logic.isEmpty()) {
            try {
                rule = JsonLogic.compile(substituteReferences(logic, evaluators));
            } catch (InvalidRuleException e) {
                error = e.getMessage().contains("'" + REF + "'")
                        ? "a $ref names an evaluator that is not defined, or leads back to itself"
                        : e.getMessage();
            }
        }
        // response metadata: the flag set's, overlaid by the flag's own
        Map<String, Object> metadata = setMetadata;
        if (definition.get("metadata") instanceof Map<?, ?> own && !own.isEmpty()) {
            metadata = new LinkedHashMap<>(setMetadata);
            metadata.putAll((Map<String, Object>) own);
            metadata = Collections.unmodifiableMap(metadata);
        }
        return new CompiledFlag(key, "ENABLED".equals(definition.get("state")), variants,
                (String) definition.get("defaultVariant"), rule, error,
                FlagDocument.kindOf(variants.values().iterator().next()), metadata);
    }

    /**
     * Replaces {@code {"$ref": "name"}} by the named shared evaluator, and the references inside it in turn (an
     * evaluator may name one defined after it, as in flagd); a reference that leads back to itself stays, and fails
     * to compile.
     */
    private static Object substituteReferences(Object logic, Map<String, Object> evaluators) {
        return substituteReferences(logic, evaluators, new HashSet<>());
    }

    private static Object substituteReferences(Object logic, Map<String, Object> evaluators, Set<String> expanding) {
        if (logic instanceof Map<?, ?> map) {
            if (map.size() == 1 && map.get(REF) instanceof String name) {
                String evaluatorName = name.strip();
                Object evaluator = evaluators.get(evaluatorName);
                if (evaluator == null || !expanding.add(evaluatorName)) {
                    return map;
                }
                Object expanded = substituteReferences(evaluator, evaluators, expanding);
                expanding.remove(evaluatorName);
                return expanded;
            }
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, substituteReferences(v, evaluators, expanding)));
            return copy;
        }
        if (logic instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(substituteReferences(item, evaluators, expanding));
            }
            return copy;
        }
        return logic;
    }

    public int size() {
        return flags.size();
    }

    public Map<String, Object> metadata() {
        return metadata;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** Resolves one flag for a typed request; {@code nowSeconds} becomes {@code $flagd.timestamp}. */
    public Resolution resolve(String key, FlagType type, Map<String, Object> context, long nowSeconds) {
        CompiledFlag flag = flags.get(key);
        if (flag == null) {
            return Resolution.failed(key, ErrorCode.FLAG_NOT_FOUND, "Flag not found", metadata);
        }
        String invalid = invalidContext(context);
        if (invalid != null) {
            return Resolution.failed(key, ErrorCode.INVALID_CONTEXT, invalid, flag.metadata());
        }
        return resolve(flag, type, flag.targeting() == null ? null : evaluationData(context), nowSeconds);
    }

    /** Resolves every flag for bulk evaluation, in definition order. Disabled flags answer DISABLED without a value. */
    public List<Resolution> resolveAll(Map<String, Object> context, long nowSeconds) {
        String invalid = invalidContext(context);
        List<Resolution> resolutions = new ArrayList<>(flags.size());
        if (invalid != null) {
            for (CompiledFlag flag : flags.values()) {
                resolutions.add(Resolution.failed(flag.key(), ErrorCode.INVALID_CONTEXT, invalid, flag.metadata()));
            }
            return resolutions;
        }
        EvaluationData data = evaluationData(context);
        for (CompiledFlag flag : flags.values()) {
            resolutions.add(resolve(flag, FlagType.ANY, data, nowSeconds));
        }
        return resolutions;
    }

    private static String invalidContext(Map<String, Object> context) {
        Object targetingKey = context.get("targetingKey");
        if (targetingKey != null && !(targetingKey instanceof String)) {
            return "targetingKey must be a string";
        }
        return null;
    }

    private static EvaluationData evaluationData(Map<String, Object> context) {
        return new EvaluationData(context);
    }

    /**
     * What targeting reads: the caller's context with {@code $flagd} (which overrides anything sent under that name,
     * and changes per flag) on top. A view, not a copy: targeting reads a few attributes of a context.
     */
    private static final class EvaluationData extends AbstractMap<String, Object> {
        private static final String FLAGD = "$flagd";
        private final Map<String, Object> context;
        private Map<String, Object> flagd;

        EvaluationData(Map<String, Object> context) {
            this.context = context;
        }

        @Override
        public Object get(Object key) {
            return FLAGD.equals(key) ? flagd : context.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return FLAGD.equals(key) ? flagd != null : context.containsKey(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>(context);
            if (flagd != null) {
                all.put(FLAGD, flagd);
            }
            return all.entrySet();
        }
    }

    private Resolution resolve(CompiledFlag flag, FlagType type, EvaluationData data, long nowSeconds) {
        Map<String, Object> metadata = flag.metadata();
        if (!flag.enabled()) {
            return new Resolution(flag.key(), null, null, Reason.DISABLED, null, null, metadata);
        }
        String variant;
        String reason;
        if (flag.targetingError() != null) {
            return Resolution.failed(flag.key(), ErrorCode.PARSE_ERROR, flag.targetingError(), metadata);
        }
        if (flag.targeting() == null) {
            variant = flag.defaultVariant();
            reason = variant == null ? Reason.DEFAULT : Reason.STATIC;
        } else {
            data.flagd = Map.of("flagKey", flag.key(), "timestamp", nowSeconds);
            Object result;
            try {
                result = flag.targeting().evaluate(data);
            } catch (RuntimeException e) {
                return Resolution.failed(flag.key(), ErrorCode.GENERAL, "targeting failed: " + e, metadata);
            }
            if (result == null) {
                variant = flag.defaultVariant();
                reason = Reason.DEFAULT;
            } else if (result instanceof String || result instanceof Boolean || result instanceof Number
                    || result instanceof List) {
                // the variant is the result's string form, as flagd takes it: ["on"] names "on"
                variant = JsValues.toJsString(result);
                reason = Reason.TARGETING_MATCH;
                if (!flag.variants().containsKey(variant)) {
                    return Resolution.failed(flag.key(), ErrorCode.GENERAL,
                            "targeting chose variant '" + variant + "', which the flag does not have", metadata);
                }
            } else {
                return Resolution.failed(flag.key(), ErrorCode.GENERAL,
                        "targeting must return a variant name, not " + FlagDocument.write(result), metadata);
            }
        }
        if (variant == null) {
            return new Resolution(flag.key(), null, null, reason, null, null, metadata);
        }
        Object value = flag.variants().get(variant);
        if (!matches(type, flag.kind())) {
            return Resolution.failed(flag.key(), ErrorCode.TYPE_MISMATCH, "Type mismatch error", metadata);
        }
        return new Resolution(flag.key(), value, variant, reason, null, null, metadata);
    }

    private static boolean matches(FlagType type, String kind) {
        return switch (type) {
            case ANY -> true;
            case BOOLEAN -> kind.equals("boolean");
            case STRING -> kind.equals("string");
            case INTEGER, FLOAT -> kind.equals("number");
            case OBJECT -> kind.equals("object");
        };
    }

}
