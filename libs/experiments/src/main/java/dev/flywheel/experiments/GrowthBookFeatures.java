package dev.flywheel.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.flywheel.bucketing.BucketRange;
import dev.flywheel.bucketing.Namespace;

/**
 * An environment's experiments as GrowthBook's SDK payload ({@code /api/features/<clientKey>}): each active
 * experiment a feature whose default is the control's value and whose one rule is the experiment (key, variations,
 * weights, coverage, hash attribute and version, seed, namespace, filters, condition), so that GrowthBook's own SDKs
 * assign every user as {@link Assigner} does. What GrowthBook cannot express is left out and said why: a targeting
 * condition with no GrowthBook equivalent, a schedule. The project's holdout and a namespace become hash filters (a
 * GrowthBook rule checks filters instead of its namespace); per-user forced variations a force rule before the
 * experiment; a stopped experiment's released winner a force rule under its condition.
 */
public final class GrowthBookFeatures {

    /** An experiment that is not in the payload, and why. */
    public record Unservable(String key, String reason) {
    }

    /** The payload's {@code features}, and the experiments left out. */
    public record Payload(Map<String, Object> features, List<Unservable> unservable) {
    }

    private static final Pattern PLAIN_ATTRIBUTE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private GrowthBookFeatures() {
    }

    public static Payload of(ExperimentSet set) {
        Map<String, Object> features = new LinkedHashMap<>();
        List<Unservable> unservable = new ArrayList<>();
        for (Experiment experiment : set.active()) {
            try {
                features.put(experiment.key(), feature(experiment, set.holdout()));
            } catch (Untranslatable e) {
                unservable.add(new Unservable(experiment.key(), e.getMessage()));
            }
        }
        return new Payload(features, unservable);
    }

    private static Map<String, Object> feature(Experiment experiment, Holdout holdout) throws Untranslatable {
        ExperimentDefinition def = experiment.definition();
        if (def.startAt() != null || def.endAt() != null) {
            throw new Untranslatable("a schedule (startAt/endAt): GrowthBook rules have none");
        }
        Object condition = def.json().get("condition");
        Map<String, Object> gbCondition = condition == null ? null : condition(condition);
        List<Map<String, Object>> rules = new ArrayList<>();
        if (!def.forcedVariations().isEmpty()) {
            // forced users get their variation whatever the targeting, as Assigner decides before anything else
            Map<String, List<String>> usersByVariation = new LinkedHashMap<>();
            def.forcedVariations().forEach((user, variation) -> usersByVariation.computeIfAbsent(variation,
                    v -> new ArrayList<>()).add(user));
            usersByVariation.forEach((variation, users) -> rules.add(new LinkedHashMap<>(Map.of(
                    "condition", Map.of(def.hashAttribute(), Map.of("$in", users.stream().sorted().toList())),
                    "force", def.variations().get(def.variationIndex(variation)).value()))));
        }
        if (experiment.status() != ExperimentStatus.RUNNING) {
            Map<String, Object> released = new LinkedHashMap<>();
            if (gbCondition != null) {
                released.put("condition", gbCondition);
            }
            released.put("force", def.variations().get(experiment.releasedIndex()).value());
            rules.add(released);
        } else {
            rules.add(rule(def, gbCondition, holdout));
        }
        Map<String, Object> feature = new LinkedHashMap<>();
        feature.put("defaultValue", def.variations().get(0).value());
        feature.put("rules", rules);
        return feature;
    }

    private static Map<String, Object> rule(ExperimentDefinition def, Map<String, Object> condition,
            Holdout holdout) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("key", def.key());
        if (def.json().get("name") instanceof String name) {
            rule.put("name", name);
        }
        List<Object> values = new ArrayList<>();
        List<Map<String, Object>> meta = new ArrayList<>();
        for (Variation variation : def.variations()) {
            values.add(variation.value());
            meta.add(Map.of("key", variation.key(), "name", variation.name()));
        }
        rule.put("variations", values);
        rule.put("meta", meta);
        if (def.ranges() != null) {
            rule.put("ranges", def.ranges().stream().map(r -> List.of(r.start(), r.end())).toList());
        } else {
            List<Double> weights = new ArrayList<>();
            for (double weight : def.weights()) {
                weights.add(weight);
            }
            rule.put("weights", weights);
            rule.put("coverage", def.coverage());
        }
        rule.put("hashAttribute", def.hashAttribute());
        if (def.fallbackAttribute() != null) {
            rule.put("fallbackAttribute", def.fallbackAttribute());
        }
        rule.put("hashVersion", def.hashVersion());
        rule.put("seed", def.seed());
        rule.put("phase", "0");
        if (def.stickyBucketing()) {
            rule.put("bucketVersion", def.bucketVersion());
            rule.put("minBucketVersion", def.minBucketVersion());
        } else {
            rule.put("disableStickyBucketing", true);
        }
        List<Map<String, Object>> filters = new ArrayList<>();
        for (HashFilter filter : def.filters()) {
            filters.add(filter(filter.attribute(), filter.seed(), filter.hashVersion(), filter.ranges()));
        }
        Namespace namespace = def.namespace();
        if (def.filters().isEmpty() && namespace != null) {
            if (holdout.share() > 0) {
                // with a filter GrowthBook skips the namespace check: the namespace becomes a filter too
                filters.add(filter(def.hashAttribute(), "__" + namespace.id(), 1,
                        List.of(new BucketRange(namespace.start(), namespace.end()))));
            } else {
                rule.put("namespace", List.of(namespace.id(), namespace.start(), namespace.end()));
            }
        }
        if (holdout.share() > 0) {
            filters.add(filter(def.hashAttribute(), holdout.seed(), 2, List.of(new BucketRange(holdout.share(), 1))));
        }
        if (!filters.isEmpty()) {
            rule.put("filters", filters);
        }
        if (condition != null) {
            rule.put("condition", condition);
        }
        return rule;
    }

    private static Map<String, Object> filter(String attribute, String seed, int hashVersion,
            List<BucketRange> ranges) {
        return Map.of("attribute", attribute, "seed", seed, "hashVersion", hashVersion, "ranges",
                ranges.stream().map(r -> List.of(r.start(), r.end())).toList());
    }

    /**
     * A JsonLogic targeting condition as a GrowthBook condition: comparisons of one attribute with a literal, list
     * membership, prefixes and suffixes, semantic versions, and/or/not of those.
     *
     * @throws Untranslatable
     *             naming the first part that has no GrowthBook equivalent
     */
    static Map<String, Object> condition(Object logic) throws Untranslatable {
        if (!(logic instanceof Map<?, ?> node) || node.size() != 1) {
            throw new Untranslatable("the condition " + logic + " is not one JsonLogic operation");
        }
        Map.Entry<?, ?> only = node.entrySet().iterator().next();
        String op = String.valueOf(only.getKey());
        List<?> args = only.getValue() instanceof List<?> list ? list : List.of(only.getValue());
        switch (op) {
            case "and", "or" -> {
                List<Object> parts = new ArrayList<>();
                for (Object arg : args) {
                    parts.add(condition(arg));
                }
                return Map.of("$" + op, parts);
            }
            case "!" -> {
                return Map.of("$not", condition(args.get(0)));
            }
            case "==", "===", "!=", "!==", "<", "<=", ">", ">=" -> {
                if (args.size() != 2) {
                    throw new Untranslatable("'" + op + "' with " + args.size() + " operands");
                }
                boolean attributeFirst = attribute(args.get(0)) != null;
                String attribute = attribute(args.get(attributeFirst ? 0 : 1));
                Object literal = literal(args.get(attributeFirst ? 1 : 0), op);
                if (attribute == null) {
                    throw new Untranslatable("'" + op + "' does not compare an attribute with a value");
                }
                String gb = switch (op) {
                    case "==", "===" -> "$eq";
                    case "!=", "!==" -> "$ne";
                    case "<" -> attributeFirst ? "$lt" : "$gt";
                    case "<=" -> attributeFirst ? "$lte" : "$gte";
                    case ">" -> attributeFirst ? "$gt" : "$lt";
                    default -> attributeFirst ? "$gte" : "$lte";
                };
                return Map.of(attribute, Map.of(gb, literal));
            }
            case "in" -> {
                String attribute = args.size() == 2 ? attribute(args.get(0)) : null;
                if (attribute == null || !(args.get(1) instanceof List<?> options)) {
                    throw new Untranslatable("'in' other than an attribute in a list of values");
                }
                for (Object option : options) {
                    literal(option, "in");
                }
                return Map.of(attribute, Map.of("$in", options));
            }
            case "starts_with", "ends_with" -> {
                String attribute = args.size() == 2 ? attribute(args.get(0)) : null;
                if (attribute == null || !(args.get(1) instanceof String text)) {
                    throw new Untranslatable("'" + op + "' other than an attribute and a text");
                }
                String quoted = text.replaceAll("[\\\\^$.|?*+()\\[\\]{}/-]", "\\\\$0");
                return Map.of(attribute, Map.of("$regex", op.equals("starts_with") ? "^" + quoted : quoted + "$"));
            }
            case "sem_ver" -> {
                String attribute = args.size() == 3 ? attribute(args.get(0)) : null;
                String gb = args.size() == 3 ? switch (String.valueOf(args.get(1))) {
                    case "=" -> "$veq";
                    case "!=" -> "$vne";
                    case ">" -> "$vgt";
                    case ">=" -> "$vgte";
                    case "<" -> "$vlt";
                    case "<=" -> "$vlte";
                    default -> null;
                } : null;
                if (attribute == null || gb == null || !(args.get(2) instanceof String version)) {
                    throw new Untranslatable("'sem_ver' other than an attribute, = != < <= > >= and a version");
                }
                return Map.of(attribute, Map.of(gb, version));
            }
            default -> throw new Untranslatable("the operator '" + op + "' has no GrowthBook condition");
        }
    }

    /** The attribute a {@code {"var": name}} reads, or null for anything else. */
    private static String attribute(Object node) throws Untranslatable {
        if (node instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("var")) {
            Object name = map.get("var");
            if (name instanceof List<?> list && list.size() == 1) {
                name = list.get(0);
            }
            if (!(name instanceof String text) || !PLAIN_ATTRIBUTE.matcher(text).matches()) {
                throw new Untranslatable("the attribute reference " + map + " (a default, or a name GrowthBook "
                        + "reads otherwise)");
            }
            return text;
        }
        return null;
    }

    private static Object literal(Object node, String op) throws Untranslatable {
        if (node instanceof String || node instanceof Number || node instanceof Boolean) {
            return node;
        }
        throw new Untranslatable("'" + op + "' with " + node + ", which is not a text, number or boolean");
    }

    /** A part of an experiment GrowthBook cannot express. */
    static final class Untranslatable extends Exception {
        Untranslatable(String reason) {
            super(reason);
        }
    }
}
