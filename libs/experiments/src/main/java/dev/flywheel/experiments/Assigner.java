package dev.flywheel.experiments;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.flywheel.bucketing.BucketRange;
import dev.flywheel.bucketing.Bucketing;
import dev.flywheel.targeting.JsValues;

/**
 * Decides which variation one user gets in one experiment, in GrowthBook's order so the same inputs give the same
 * variation: too few variations; QA overrides (URL, then forced per user); not running; no hash value; holdout;
 * sticky bucket; namespace or filters; targeting; hash; blocked bucket version; coverage. A stopped experiment with a
 * released variation serves it to every user its targeting admits.
 */
public final class Assigner {

    private Assigner() {
    }

    public static Assignment assign(Experiment experiment, UserContext user, StickyBuckets sticky, Holdout holdout) {
        ExperimentDefinition def = experiment.definition();
        List<Variation> variations = def.variations();
        boolean stickyEnabled = def.stickyBucketing();
        HashIdentity identity = hashIdentity(def, user);
        String hashAttribute = identity.attribute();
        String hashValue = identity.value();
        Outcome out = new Outcome(experiment, hashAttribute, hashValue);
        if (variations.size() < 2) {
            return out.notIn(AssignmentReason.NOT_RUNNING);
        }
        if (def.urlOverrides()) {
            Integer forced = Bucketing.queryStringOverride(def.key(), user.url(), variations.size());
            if (forced != null) {
                return out.forced(forced);
            }
        }
        String forcedKey = hashValue.isEmpty() ? null : def.forcedVariations().get(hashValue);
        if (forcedKey != null) {
            return out.forced(def.variationIndex(forcedKey));
        }
        if (experiment.status() == ExperimentStatus.STOPPED && experiment.releasedIndex() >= 0) {
            return targeted(def, user)
                    ? out.released(experiment.releasedIndex())
                    : out.notIn(AssignmentReason.TARGETING);
        }
        if (experiment.status() != ExperimentStatus.RUNNING || !scheduled(def, user.now())) {
            return out.notIn(AssignmentReason.NOT_RUNNING);
        }
        if (hashValue.isEmpty()) {
            return out.notIn(AssignmentReason.MISSING_HASH_ATTRIBUTE);
        }
        if (holdout.contains(hashValue)) {
            return out.notIn(AssignmentReason.HOLDOUT);
        }
        int stickyIndex = -1;
        boolean versionBlocked = false;
        Map<String, String> stored = Map.of();
        if (stickyEnabled) {
            stored = storedAssignments(def, user, sticky, hashAttribute, hashValue);
            versionBlocked = blocked(def, stored);
            if (!versionBlocked) {
                String key = stored.get(StickyBuckets.field(def.key(), def.bucketVersion()));
                stickyIndex = key == null ? -1 : def.variationIndex(key);
            }
        }
        if (stickyIndex < 0) {
            if (!def.filters().isEmpty()) {
                if (filteredOut(def.filters(), user)) {
                    return out.notIn(AssignmentReason.NAMESPACE);
                }
            } else if (def.namespace() != null && !Bucketing.inNamespace(hashValue, def.namespace())) {
                return out.notIn(AssignmentReason.NAMESPACE);
            }
            if (!targeted(def, user)) {
                return out.notIn(AssignmentReason.TARGETING);
            }
        }
        double bucket = Bucketing.hash(def.seed(), hashValue, def.hashVersion());
        out.bucket = bucket;
        if (versionBlocked) {
            return out.notIn(AssignmentReason.VERSION_BLOCKED);
        }
        if (stickyIndex >= 0) {
            return out.in(stickyIndex, AssignmentReason.STICKY, stickyWrite(def, stored, hashAttribute, hashValue,
                    stickyIndex, sticky));
        }
        int index = Bucketing.chooseVariation(bucket, experiment.ranges());
        if (index < 0) {
            return out.notIn(AssignmentReason.COVERAGE);
        }
        return out.in(index, AssignmentReason.HASHED,
                stickyEnabled ? stickyWrite(def, stored, hashAttribute, hashValue, index, sticky) : null);
    }

    /** The attribute a user is hashed on in an experiment, and its value (empty when the user has none). */
    public record HashIdentity(String attribute, String value) {
    }

    /**
     * The hash attribute's value, or the fallback attribute's when it is empty. GrowthBook falls back only with sticky
     * bucketing, which keeps the assignment when the user later gains the first attribute (e.g. logs in); without
     * it they would silently switch variations.
     */
    public static HashIdentity hashIdentity(ExperimentDefinition def, UserContext user) {
        String value = user.stringAttribute(def.hashAttribute());
        if (value.isEmpty() && def.stickyBucketing() && def.fallbackAttribute() != null) {
            String fallback = user.stringAttribute(def.fallbackAttribute());
            if (!fallback.isEmpty()) {
                return new HashIdentity(def.fallbackAttribute(), fallback);
            }
        }
        return new HashIdentity(def.hashAttribute(), value);
    }

    private static boolean scheduled(ExperimentDefinition def, Instant now) {
        return now == null || ((def.startAt() == null || !now.isBefore(def.startAt()))
                && (def.endAt() == null || now.isBefore(def.endAt())));
    }

    private static boolean targeted(ExperimentDefinition def, UserContext user) {
        return def.condition() == null || JsValues.truthy(def.condition().evaluate(user.attributes()));
    }

    /** The fallback attribute's document first, then the hash attribute's on top (it wins), as GrowthBook merges. */
    private static Map<String, String> storedAssignments(ExperimentDefinition def, UserContext user,
            StickyBuckets sticky, String hashAttribute, String hashValue) {
        Map<String, String> primary = sticky.assignments(def.hashAttribute(),
                user.stringAttribute(def.hashAttribute()));
        String fallbackAttribute = def.fallbackAttribute();
        if (fallbackAttribute == null) {
            return primary;
        }
        String fallbackValue = user.stringAttribute(fallbackAttribute);
        Map<String, String> secondary = fallbackValue.isEmpty()
                ? Map.of()
                : sticky.assignments(fallbackAttribute, fallbackValue);
        if (secondary.isEmpty()) {
            return primary;
        }
        Map<String, String> merged = new HashMap<>(secondary);
        merged.putAll(primary);
        return merged;
    }

    /** A user with an assignment in any bucket version below the minimum may not enter again. */
    private static boolean blocked(ExperimentDefinition def, Map<String, String> stored) {
        for (int version = 0; version < def.minBucketVersion(); version++) {
            if (stored.containsKey(StickyBuckets.field(def.key(), version))) {
                return true;
            }
        }
        return false;
    }

    private static Assignment.StickyWrite stickyWrite(ExperimentDefinition def, Map<String, String> merged,
            String hashAttribute, String hashValue, int index, StickyBuckets sticky) {
        String field = StickyBuckets.field(def.key(), def.bucketVersion());
        String key = def.variations().get(index).key();
        // Written under the attribute actually hashed on, so a fallback assignment is kept when the user gains the
        // primary attribute; nothing is written when that document already says so.
        if (key.equals(sticky.assignments(hashAttribute, hashValue).get(field))) {
            return null;
        }
        return new Assignment.StickyWrite(hashAttribute, hashValue, field, key);
    }

    private static boolean filteredOut(List<HashFilter> filters, UserContext user) {
        for (HashFilter filter : filters) {
            String value = user.stringAttribute(filter.attribute());
            if (value.isEmpty()) {
                return true;
            }
            Double n = Bucketing.hash(filter.seed(), value, filter.hashVersion());
            boolean inside = false;
            for (BucketRange range : filter.ranges()) {
                if (n != null && range.contains(n)) {
                    inside = true;
                    break;
                }
            }
            if (!inside) {
                return true;
            }
        }
        return false;
    }

    /** Builds the answers for one user and experiment. */
    private static final class Outcome {
        private final Experiment experiment;
        private final String hashAttribute;
        private final String hashValue;
        double bucket;

        Outcome(Experiment experiment, String hashAttribute, String hashValue) {
            this.experiment = experiment;
            this.hashAttribute = hashAttribute;
            this.hashValue = hashValue;
        }

        Assignment notIn(AssignmentReason reason) {
            return answer(false, false, 0, false, reason, null);
        }

        Assignment forced(int index) {
            return answer(true, false, index, false, AssignmentReason.FORCED, null);
        }

        Assignment released(int index) {
            return answer(false, false, index, false, AssignmentReason.RELEASED, null);
        }

        Assignment in(int index, AssignmentReason reason, Assignment.StickyWrite write) {
            return answer(true, true, index, reason == AssignmentReason.STICKY, reason, write);
        }

        private Assignment answer(boolean inExperiment, boolean hashUsed, int index, boolean stickyUsed,
                AssignmentReason reason, Assignment.StickyWrite write) {
            List<Variation> variations = experiment.definition().variations();
            Variation variation = variations.isEmpty() ? null : variations.get(index);
            return new Assignment(experiment.key(), inExperiment, hashUsed, variation == null ? -1 : index,
                    variation == null ? null : variation.key(), variation == null ? null : variation.value(),
                    hashAttribute, hashValue, bucket, stickyUsed, reason, write);
        }
    }
}
