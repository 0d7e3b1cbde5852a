package dev.flywheel.metrics;

import static dev.flywheel.metrics.AnalyticsGrpc.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.flywheel.metrics.service.ExperimentStatsMaintenance;
import dev.flywheel.proto.analytics.v1.Comparison;
import dev.flywheel.proto.analytics.v1.DeleteMetricRequest;
import dev.flywheel.proto.analytics.v1.ExperimentMetric;
import dev.flywheel.proto.analytics.v1.ExperimentMetricsServiceGrpc;
import dev.flywheel.proto.analytics.v1.ExperimentResults;
import dev.flywheel.proto.analytics.v1.ExperimentResultsServiceGrpc;
import dev.flywheel.proto.analytics.v1.GetExperimentResultsRequest;
import dev.flywheel.proto.analytics.v1.MetricResult;
import dev.flywheel.proto.analytics.v1.MetricType;
import dev.flywheel.proto.analytics.v1.PutMetricRequest;
import dev.flywheel.proto.events.v1.Event;
import dev.flywheel.stats.Alternative;
import dev.flywheel.stats.CupedStatistic;
import dev.flywheel.stats.Difference;
import dev.flywheel.stats.FrequentistInference;
import dev.flywheel.stats.FrequentistResult;
import dev.flywheel.stats.MeanStatistic;
import dev.flywheel.stats.ProportionStatistic;
import dev.flywheel.stats.RatioStatistic;
import dev.flywheel.stats.Statistic;
import dev.flywheel.testsupport.TestKeys;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Experiment metrics from maintained statistics: each unit's values recomputed whatever the order its events and
 * exposure arrive in, the per-variation sums equal to sums over hand-computed unit values, results equal to the
 * engine's on those sums, backfills after a definition change, and winsorisation caps.
 */
@QuarkusTest
class ExperimentResultsTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final long DAY = 86_400;
    private static final int UNITS = 80;

    @Inject
    Pool pool;

    @Inject
    ExperimentStatsMaintenance maintenance;

    private static ExperimentMetric metric(String key, MetricType type, String event,
            UnaryOperator<ExperimentMetric.Builder> more) {
        return more.apply(ExperimentMetric.newBuilder().setKey(key).setName(key).setType(type)
                .setEvents(event(event))).build();
    }

    private static final List<ExperimentMetric> METRICS = List.of(
            metric("rt-purchase", MetricType.METRIC_TYPE_CONVERSION, "Purchased", m -> m.setWindowSeconds(DAY)),
            metric("rt-revenue", MetricType.METRIC_TYPE_SUM, "Purchased", m -> m.setProperty("amount")
                    .setCupedDays(7)),
            metric("rt-aov", MetricType.METRIC_TYPE_MEAN, "Purchased", m -> m.setProperty("amount")),
            metric("rt-errors", MetricType.METRIC_TYPE_COUNT, "Error", m -> m.setInverse(true).setGuardrail(true)),
            metric("rt-capped", MetricType.METRIC_TYPE_SUM, "Purchased", m -> m.setProperty("amount")
                    .setWinsorizePercentile(0.9)));

    /** One event the test sends, and when relative to its unit's exposure. */
    private record Sent(int unit, String name, long offsetSeconds, double amount) {
    }

    @Test
    void resultsComeFromStatisticsKeptPerUnit() throws Exception {
        String environment = "results-" + UUID.randomUUID().toString().substring(0, 8);
        StoreQueries store = new StoreQueries(pool);
        Random random = new Random(7);
        List<Sent> sent = new ArrayList<>();
        for (int u = 0; u < UNITS; u++) {
            boolean treated = u % 2 == 1;
            int purchases = random.nextInt(treated ? 4 : 3);
            for (int k = 0; k < purchases; k++) {
                // Some purchases fall outside the one-day conversion window; some are before exposure (the CUPED
                // pre-period is 7 days: one at 9 days ago is outside it).
                long offset = random.nextInt(6) == 0 ? -DAY * (1 + random.nextInt(9)) : random.nextInt(48) * 3600L;
                sent.add(new Sent(u, "Purchased", offset, 1 + random.nextInt(100)));
            }
            for (int k = random.nextInt(3); k > 0; k--) {
                sent.add(new Sent(u, "Error", random.nextInt(100) * 60L, 0));
            }
        }
        try (EventFeed feed = new EventFeed("project-a", environment);
                AnalyticsGrpc grpc = new AnalyticsGrpc()) {
            var metrics = TestKeys.ADMIN_A.on(ExperimentMetricsServiceGrpc.newBlockingStub(grpc.channel()));
            var results = TestKeys.ADMIN_A.on(ExperimentResultsServiceGrpc.newBlockingStub(grpc.channel()));
            for (ExperimentMetric metric : METRICS) {
                metrics.putMetric(PutMetricRequest.newBuilder().setMetric(metric).build());
            }
            maintenance.backfill().await().atMost(Duration.ofSeconds(60));
            try {
                // Half the events come before their unit's exposure is stored, half after: the values must not
                // depend on the order.
                List<Event.Builder> early = new ArrayList<>();
                List<Event.Builder> late = new ArrayList<>();
                for (int i = 0; i < sent.size(); i++) {
                    Sent s = sent.get(i);
                    Instant at = exposedAt(s.unit()).plusSeconds(s.offsetSeconds());
                    Event.Builder event = feed.track("u" + s.unit(), s.name(), at, s.name().equals("Purchased")
                            ? Map.of("amount", s.amount())
                            : Map.of());
                    (i % 2 == 0 ? early : late).add(event);
                }
                feed.send(early.toArray(Event.Builder[]::new));
                store.awaitEvents(environment, early.size());
                List<Event.Builder> exposures = new ArrayList<>();
                for (int u = 0; u < UNITS; u++) {
                    exposures.add(feed.exposure("u" + u, "pricing", u % 2, exposedAt(u)));
                }
                feed.send(exposures.toArray(Event.Builder[]::new));
                feed.send(late.toArray(Event.Builder[]::new));
                // A later exposure of a unit changes nothing; a replay of everything changes nothing.
                feed.send(feed.exposure("u0", "pricing", 0, exposedAt(0).plusSeconds(3600)));
                store.awaitEvents(environment, sent.size() + UNITS + 1);
                feed.send(early.toArray(Event.Builder[]::new));

                for (ExperimentMetric metric : METRICS) {
                    assertSums(environment, metric, sent);
                }

                ExperimentResults all = results.getExperimentResults(GetExperimentResultsRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey("pricing").build());
                assertEquals(UNITS, all.getHealth().getTotalUnits());
                assertFalse(all.getHealth().getSampleRatioMismatch());
                assertEquals(METRICS.size(), all.getMetricsList().stream().filter(m -> m.getMetricKey()
                        .startsWith("rt-")).count());
                // The capped metric has no cap until the job runs, and says so.
                assertTrue(all.getWarningsList().stream().anyMatch(w -> w.contains("rt-capped")),
                        all.getWarningsList().toString());

                // Each result is the engine's answer on the hand-computed sums.
                for (ExperimentMetric metric : METRICS.subList(0, 4)) {
                    MetricResult result = find(all, metric.getKey());
                    assertTrue(result.getComplete());
                    assertEquals(UNITS / 2, result.getVariations(0).getUnits());
                    Statistic control = expected(metric, sent, 0, Double.POSITIVE_INFINITY);
                    Statistic treatment = expected(metric, sent, 1, Double.POSITIVE_INFINITY);
                    assertEquals(control.unadjustedMean(), result.getVariations(0).getMean(), 1e-9);
                    Alternative alternative = metric.getGuardrail() ? Alternative.GREATER : Alternative.TWO_SIDED;
                    FrequentistResult want = FrequentistInference.fixed(control, treatment, Difference.RELATIVE,
                            alternative, 0.05).get();
                    Comparison got = result.getVariations(1).getComparison();
                    assertEquals("", got.getNoResult(), got.getNoResultMessage());
                    assertEquals(want.estimate(), got.getEstimate(), 1e-9, metric.getKey());
                    assertEquals(want.pValue(), got.getPValue(), 1e-9, metric.getKey());
                    assertEquals(want.lower(), got.getLower(), 1e-9, metric.getKey());
                    assertTrue(got.getChanceToWin() > 0 && got.getChanceToWin() < 1);
                    assertTrue(got.getAdjustedPValue() >= got.getPValue());
                }
                assertTrue(find(all, "rt-revenue").getVariations(1).getComparison().getVarianceReduction() > 0);

                // Over time: today's snapshot gives today's results; winsorised metrics are left out of it.
                maintenance.snapshotDaily().await().atMost(Duration.ofSeconds(30));
                maintenance.snapshotDaily().await().atMost(Duration.ofSeconds(30));
                ExperimentResults daily = results.getExperimentResults(GetExperimentResultsRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey("pricing").setOverTime(true).build());
                assertEquals(1, daily.getOverTimeCount(), daily.getOverTimeList()::toString);
                // today in the project's time zone: within a day of today in UTC
                long offDays = java.time.temporal.ChronoUnit.DAYS.between(java.time.LocalDate.now(
                        java.time.ZoneOffset.UTC), java.time.LocalDate.parse(daily.getOverTime(0).getDay()));
                assertTrue(Math.abs(offDays) <= 1, daily.getOverTime(0).getDay());
                MetricResult today = daily.getOverTime(0).getMetricsList().stream()
                        .filter(m -> m.getMetricKey().equals("rt-purchase")).findFirst().orElseThrow();
                assertEquals(find(all, "rt-purchase").getVariations(1).getComparison().getEstimate(),
                        today.getVariations(1).getComparison().getEstimate(), 1e-12);
                assertEquals(find(all, "rt-purchase").getVariations(0).getMean(), today.getVariations(0).getMean(),
                        1e-12);
                assertTrue(daily.getOverTime(0).getMetricsList().stream()
                        .noneMatch(m -> m.getMetricKey().equals("rt-capped")));
                assertEquals(daily.getMetricsCount(), all.getMetricsCount());

                // Winsorised: the cap is the 90th percentile of the positive unit values.
                maintenance.refreshCaps().await().atMost(Duration.ofSeconds(30));
                ExperimentResults capped = results.getExperimentResults(GetExperimentResultsRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey("pricing").addMetricKeys("rt-capped")
                        .setSequential(true).setDifference(
                                dev.flywheel.proto.analytics.v1.Difference.DIFFERENCE_ABSOLUTE)
                        .build());
                double cap = percentile(unitValues(METRICS.get(4), sent, -1), 0.9);
                MetricResult cappedResult = capped.getMetrics(0);
                assertEquals(cap, cappedResult.getCap(), 1e-9);
                Statistic cappedControl = expected(METRICS.get(4), sent, 0, cap);
                Statistic cappedTreatment = expected(METRICS.get(4), sent, 1, cap);
                FrequentistResult sequential = FrequentistInference.sequential(cappedControl, cappedTreatment,
                        Difference.ABSOLUTE, Alternative.TWO_SIDED, 0.05,
                        FrequentistInference.DEFAULT_SEQUENTIAL_TUNING)
                        .get();
                assertEquals(sequential.pValue(), cappedResult.getVariations(1).getComparison().getPValue(), 1e-9);
                assertTrue(capped.getWarningsList().isEmpty(), capped.getWarningsList().toString());

                // A changed window starts a backfill: partial until it ends, then the new definition's values.
                ExperimentMetric twoDays = METRICS.get(0).toBuilder().setWindowSeconds(2 * DAY).build();
                metrics.putMetric(PutMetricRequest.newBuilder().setMetric(twoDays).build());
                ExperimentResults partial = results.getExperimentResults(GetExperimentResultsRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey("pricing").addMetricKeys("rt-purchase")
                        .build());
                assertFalse(partial.getMetrics(0).getComplete());
                assertFalse(partial.getWarningsList().isEmpty());
                maintenance.backfill().await().atMost(Duration.ofSeconds(60));
                assertSums(environment, twoDays, sent);
                // A new name keeps the values.
                metrics.putMetric(PutMetricRequest.newBuilder().setMetric(twoDays.toBuilder().setName("renamed"))
                        .build());
                assertTrue(results.getExperimentResults(GetExperimentResultsRequest.newBuilder()
                        .setEnvironment(environment).setExperimentKey("pricing").addMetricKeys("rt-purchase")
                        .build()).getMetrics(0).getComplete());
                assertSums(environment, twoDays, sent);

                badRequests(results, environment);
            } finally {
                for (ExperimentMetric metric : METRICS) {
                    metrics.deleteMetric(DeleteMetricRequest.newBuilder().setKey(metric.getKey()).build());
                }
            }
            assertEquals(0, store.number("SELECT count(*) FROM experiment_metric_stats WHERE environment = $1",
                    environment));
        }
    }

    private static void badRequests(ExperimentResultsServiceGrpc.ExperimentResultsServiceBlockingStub results,
            String environment) {
        GetExperimentResultsRequest good = GetExperimentResultsRequest.newBuilder().setEnvironment(environment)
                .setExperimentKey("pricing").build();
        Map<Status.Code, List<GetExperimentResultsRequest>> bad = Map.of(
                Status.Code.INVALID_ARGUMENT, List.of(good.toBuilder().setControlIndex(2).build(),
                        good.toBuilder().setControlIndex(-1).build(), good.toBuilder().setAlpha(0.9).build(),
                        good.toBuilder().setAlpha(Double.NaN).build(),
                        good.toBuilder().addMetricKeys("Not A Key").build(),
                        good.toBuilder().setPrior(dev.flywheel.proto.analytics.v1.BayesianPrior.newBuilder()
                                .setVariance(0)).build(),
                        good.toBuilder().setTargetEffect(-1).build(), good.toBuilder().setDifferenceValue(9).build(),
                        good.toBuilder().clearExperimentKey().build()),
                Status.Code.NOT_FOUND, List.of(good.toBuilder().addMetricKeys("rt-nothing").build(),
                        good.toBuilder().setExperimentKey("nothing").build()));
        bad.forEach((code, requests) -> {
            for (GetExperimentResultsRequest request : requests) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> results.getExperimentResults(request), request.toString());
                assertEquals(code, e.getStatus().getCode(), request + " -> " + e.getStatus());
            }
        });
        // A metric that is not defined is named, even before the experiment's first exposure.
        StatusRuntimeException undefined = assertThrows(StatusRuntimeException.class,
                () -> results.getExperimentResults(good.toBuilder().setExperimentKey("not-started-yet")
                        .addMetricKeys("rt-nothing").build()));
        assertEquals(Status.Code.NOT_FOUND, undefined.getStatus().getCode());
        org.junit.jupiter.api.Assertions.assertTrue(undefined.getStatus().getDescription().contains("'rt-nothing'"),
                undefined.getStatus().getDescription());
    }

    private static Instant exposedAt(int unit) {
        return T0.plusSeconds(unit * 60L);
    }

    private static MetricResult find(ExperimentResults results, String key) {
        return results.getMetricsList().stream().filter(m -> m.getMetricKey().equals(key)).findFirst()
                .orElseThrow();
    }

    /** A unit's value, denominator and pre-exposure value, computed by hand from what was sent. */
    private static double[] unitValue(ExperimentMetric metric, List<Sent> sent, int unit) {
        double x = 0;
        double y = 0;
        double p = 0;
        String name = metric.getEvents().getEvent();
        long end = metric.getWindowSeconds() == 0 ? Long.MAX_VALUE : metric.getWindowSeconds();
        for (Sent s : sent) {
            if (s.unit() != unit || !s.name().equals(name)) {
                continue;
            }
            boolean after = s.offsetSeconds() >= 0 && s.offsetSeconds() < end;
            boolean before = s.offsetSeconds() < 0 && s.offsetSeconds() >= -metric.getCupedDays() * DAY;
            switch (metric.getType()) {
                case METRIC_TYPE_CONVERSION -> x = after ? 1 : x;
                case METRIC_TYPE_COUNT -> {
                    x += after ? 1 : 0;
                    p += before ? 1 : 0;
                }
                case METRIC_TYPE_SUM -> {
                    x += after ? s.amount() : 0;
                    p += before ? s.amount() : 0;
                }
                case METRIC_TYPE_MEAN -> {
                    x += after ? s.amount() : 0;
                    y += after ? 1 : 0;
                }
                default -> throw new IllegalArgumentException(metric.getType().name());
            }
        }
        return new double[]{x, y, metric.getCupedDays() > 0 ? p : 0};
    }

    private static double[] unitValues(ExperimentMetric metric, List<Sent> sent, int variation) {
        List<Double> out = new ArrayList<>();
        for (int u = 0; u < UNITS; u++) {
            if (variation < 0 || u % 2 == variation) {
                out.add(unitValue(metric, sent, u)[0]);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** PostgreSQL's percentile_cont over the positive values. */
    private static double percentile(double[] values, double fraction) {
        double[] positive = Arrays.stream(values).filter(v -> v > 0).sorted().toArray();
        double position = fraction * (positive.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, positive.length - 1);
        return positive[below] + (position - below) * (positive[above] - positive[below]);
    }

    /** The variation's statistic from hand-computed unit values (capped at {@code cap}). */
    private static Statistic expected(ExperimentMetric metric, List<Sent> sent, int variation, double cap) {
        double[] s = new double[9];
        long n = 0;
        for (int u = variation; u < UNITS; u += 2) {
            double[] v = unitValue(metric, sent, u);
            double x = Math.min(v[0], cap);
            double p = Math.min(v[2], cap);
            double[] c = {x, x * x, v[1], v[1] * v[1], x * v[1], p, p * p, x * p};
            for (int i = 0; i < c.length; i++) {
                s[i] += c[i];
            }
            n++;
        }
        return switch (metric.getType()) {
            case METRIC_TYPE_CONVERSION -> new ProportionStatistic(n, s[0]);
            case METRIC_TYPE_MEAN -> new RatioStatistic(n, new MeanStatistic(n, s[0], s[1]),
                    new MeanStatistic(n, s[2], s[3]), s[4]);
            default -> metric.getCupedDays() > 0
                    ? new CupedStatistic(n, new MeanStatistic(n, s[0], s[1]), new MeanStatistic(n, s[5], s[6]), s[7])
                    : new MeanStatistic(n, s[0], s[1]);
        };
    }

    /** The stored sums equal sums over the hand-computed unit values. */
    private void assertSums(String environment, ExperimentMetric metric, List<Sent> sent) {
        for (int variation = 0; variation < 2; variation++) {
            double[] want = new double[9];
            for (int u = variation; u < UNITS; u += 2) {
                double[] v = unitValue(metric, sent, u);
                double[] c = {1, v[0], v[0] * v[0], v[1], v[1] * v[1], v[0] * v[1], v[2], v[2] * v[2], v[0] * v[2]};
                for (int i = 0; i < c.length; i++) {
                    want[i] += c[i];
                }
            }
            Row row = pool.preparedQuery("""
                    SELECT units, sum_x, sum_xx, sum_y, sum_yy, sum_xy, sum_p, sum_pp, sum_xp
                    FROM experiment_metric_stats WHERE project_id = 'project-a' AND environment = $1
                      AND experiment_key = 'pricing' AND metric_key = $2 AND variation_index = $3""")
                    .execute(Tuple.of(environment, metric.getKey(), variation)).await()
                    .atMost(Duration.ofSeconds(10)).iterator().next();
            for (int i = 0; i < want.length; i++) {
                double got = i == 0 ? row.getLong(0) : row.getDouble(i);
                assertEquals(want[i], got, 1e-6 * Math.max(1, Math.abs(want[i])),
                        metric.getKey() + " variation " + variation + " column " + i);
            }
        }
    }
}
