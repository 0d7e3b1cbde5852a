package dev.flywheel.metrics.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.flywheel.metrics.model.Scope;
import dev.flywheel.proto.analytics.v1.ExperimentHealth;
import dev.flywheel.proto.analytics.v1.VariationUnits;
import dev.flywheel.service.grpc.ProtoValues;
import dev.flywheel.stats.SampleRatio;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** An experiment's exposed units per variation and the sample-ratio check against its split (ADR 0006). */
@ApplicationScoped
public class ExperimentHealthService {

    private final Pool pool;

    public ExperimentHealthService(Pool pool) {
        this.pool = pool;
    }

    public record Variation(int index, String key, long units, double expectedShare, double observedShare) {
    }

    public record Health(String experimentKey, List<Variation> variations, long totalUnits, SampleRatio.Check srm,
            Instant splitAsOf) {
    }

    /** A unit's first exposure in an experiment. */
    public record UnitExposure(String unitId, int index, String key, Instant exposedAt) {
    }

    /** The first exposures of the given units (those never exposed are left out). */
    public Uni<List<UnitExposure>> unitVariations(Scope scope, String experimentKey, List<String> units) {
        return pool.preparedQuery("SELECT unit_id, variation_index, variation_key, exposed_at FROM experiment_exposure"
                + " WHERE project_id = $1 AND environment = $2 AND experiment_key = $3 AND unit_id = ANY($4::text[])")
                .execute(Tuple.of(scope.projectId(), scope.environment(), experimentKey,
                        units.toArray(String[]::new)))
                .map(rows -> {
                    List<UnitExposure> out = new ArrayList<>();
                    rows.forEach(row -> out.add(new UnitExposure(row.getString(0), row.getInteger(1),
                            row.getString(2), row.getOffsetDateTime(3).toInstant())));
                    return out;
                });
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
        Tuple key = Tuple.of(scope.projectId(), scope.environment(), experimentKey);
        Uni<List<Row>> variations = pool.preparedQuery("""
                SELECT variation_index, variation_key, units FROM experiment_variation
                WHERE project_id = $1 AND environment = $2 AND experiment_key = $3 ORDER BY variation_index""")
                .execute(key).map(rows -> {
                    List<Row> out = new ArrayList<>();
                    rows.forEach(out::add);
                    return out;
                });
        Uni<Row> latestSplit = pool.preparedQuery("""
                SELECT weights, as_of FROM experiment_split
                WHERE project_id = $1 AND environment = $2 AND experiment_key = $3""")
                .execute(key).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
        return Uni.combine().all().unis(variations, latestSplit).with((arms, weightsRow) -> {
            if (arms.isEmpty()) {
                return null;
            }
            Double[] weights = weightsRow == null ? new Double[0] : weightsRow.getArrayOfDoubles("weights");
            int size = Math.max(weights.length, arms.get(arms.size() - 1).getInteger("variation_index") + 1);
            long[] units = new long[size];
            String[] keys = new String[size];
            double[] split = new double[size];
            double totalWeight = 0;
            for (int i = 0; i < size; i++) {
                split[i] = i < weights.length ? weights[i] : 0;
                totalWeight += split[i];
                keys[i] = "";
            }
            long total = 0;
            for (Row arm : arms) {
                int index = arm.getInteger("variation_index");
                if (index >= 0) {
                    units[index] = arm.getLong("units");
                    keys[index] = arm.getString("variation_key");
                    total += units[index];
                }
            }
            List<Variation> out = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                out.add(new Variation(i, keys[i], units[i], totalWeight == 0 ? 0 : split[i] / totalWeight,
                        total == 0 ? 0 : (double) units[i] / total));
            }
            SampleRatio.Check check = weights.length == 0
                    ? new SampleRatio.Check(1, false)
                    : SampleRatio.check(units, split);
            return new Health(experimentKey, out, total, check,
                    weightsRow == null ? null : weightsRow.getOffsetDateTime("as_of").toInstant());
        });
    }
}
