package dev.flywheel.metrics.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import dev.flywheel.metrics.store.ExperimentArmsStore;
import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.VariationUnits;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.stats.SampleRatio;
import io.smallrye.mutiny.Uni;

/** An experiment's exposed units per variation and the sample-ratio check against its split (ADR 0006). */
@ApplicationScoped
public class ExperimentHealthService {

    private final ExperimentArmsStore store;

    public ExperimentHealthService(ExperimentArmsStore store) {
        this.store = store;
    }

    public record Variation(int index, String key, long units, double expectedShare, double observedShare) {
    }

    public record Health(String experimentKey, List<Variation> variations, long totalUnits, SampleRatio.Check srm,
            Instant splitAsOf) {
    }

    /** The first exposures of the given units (those never exposed are left out). */
    public Uni<List<ExperimentArmsStore.UnitExposure>> unitVariations(Scope scope, String experimentKey,
            List<String> units) {
        return store.unitExposures(scope, experimentKey, units);
    }

    public static ExperimentHealth toProto(Health found) {
        ExperimentHealth.Builder out = ExperimentHealth.newBuilder().setExperimentKey(found.experimentKey())
                .setTotalUnits(found.totalUnits()).setSrmPValue(found.srm().pValue())
                .setSampleRatioMismatch(found.srm().mismatch());
        found.variations().forEach(v -> out.addVariations(VariationUnits.newBuilder().setIndex(v.index())
                .setKey(v.key()).setUnits(v.units()).setExpectedShare(v.expectedShare())
                .setObservedShare(v.observedShare())));
        if (found.splitAsOf() != null) {
            out.setSplitAsOf(ProtoValues.timestamp(found.splitAsOf()));
        }
        return out.build();
    }

    /** The experiment's health, or null when it has no exposures in the scope. */
    public Uni<Health> health(Scope scope, String experimentKey) {
        return Uni.combine().all().unis(store.arms(scope, experimentKey), store.split(scope, experimentKey))
                .with((arms, split) -> health(experimentKey, arms, split));
    }

    /** Each variation's share against the split asked for, and the sample-ratio check; null without exposures. */
    static Health health(String experimentKey, List<ExperimentArmsStore.Arm> arms, ExperimentArmsStore.Split split) {
        if (arms.isEmpty()) {
            return null;
        }
        List<Double> weights = split == null ? List.of() : split.weights();
        int size = Math.max(weights.size(), arms.get(arms.size() - 1).index() + 1);
        long[] units = new long[size];
        String[] keys = new String[size];
        double[] shares = new double[size];
        double totalWeight = 0;
        for (int i = 0; i < size; i++) {
            shares[i] = i < weights.size() ? weights.get(i) : 0;
            totalWeight += shares[i];
            keys[i] = "";
        }
        long total = 0;
        for (ExperimentArmsStore.Arm arm : arms) {
            if (arm.index() >= 0) {
                units[arm.index()] = arm.units();
                keys[arm.index()] = arm.key();
                total += arm.units();
            }
        }
        List<Variation> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(new Variation(i, keys[i], units[i], totalWeight == 0 ? 0 : shares[i] / totalWeight,
                    total == 0 ? 0 : (double) units[i] / total));
        }
        SampleRatio.Check check = weights.isEmpty()
                ? new SampleRatio.Check(1, false)
                : SampleRatio.check(units, shares);
        return new Health(experimentKey, out, total, check, split == null ? null : split.asOf());
    }
}
