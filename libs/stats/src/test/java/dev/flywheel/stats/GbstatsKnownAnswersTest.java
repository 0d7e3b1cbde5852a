package dev.flywheel.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The known answers of GrowthBook's statistics engine (test resource gbstats-cases.json), to their decimals. */
class GbstatsKnownAnswersTest {

    private static final JsonNode CASES = load();

    private static JsonNode load() {
        try (InputStream in = GbstatsKnownAnswersTest.class.getResourceAsStream("/gbstats-cases.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<JsonNode> comparisons() {
        List<JsonNode> all = new ArrayList<>();
        CASES.get("comparisons").forEach(all::add);
        return all.stream();
    }

    static Statistic statistic(JsonNode s) {
        return switch (s.get("type").asText()) {
            case "mean" -> new MeanStatistic(s.get("n").asLong(), s.get("sum").asDouble(),
                    s.get("sum_squares").asDouble());
            case "proportion" -> new ProportionStatistic(s.get("n").asLong(), s.get("sum").asDouble());
            case "ratio" -> new RatioStatistic(s.get("n").asLong(), (Component) statistic(s.get("m")),
                    (Component) statistic(s.get("d")), s.get("m_d_sum_of_products").asDouble());
            case "mean_ra" -> new CupedStatistic(s.get("n").asLong(), (Component) statistic(s.get("post")),
                    (Component) statistic(s.get("pre")), s.get("post_pre_sum_of_products").asDouble());
            default -> throw new IllegalArgumentException(s.get("type").asText());
        };
    }

    private static double number(JsonNode value) {
        return switch (value.asText()) {
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> value.asDouble();
        };
    }

    private static void close(JsonNode expected, double actual, int decimals, String what) {
        double e = number(expected);
        if (Double.isInfinite(e)) {
            assertEquals(e, actual, what);
            return;
        }
        assertEquals(e, actual, 0.5 * Math.pow(10, -decimals) * 1.0001 + 1e-15, what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("comparisons")
    void comparisonsGiveGbstatsAnswers(JsonNode c) {
        String test = c.get("test").asText();
        Statistic control = statistic(c.get("control"));
        Statistic treatment = statistic(c.get("treatment"));
        Difference difference = Difference.valueOf(c.get("difference").asText().toUpperCase());
        double alpha = c.get("alpha").asDouble();
        JsonNode expected = c.get("expected");
        int decimals = c.get("decimals").asInt();
        String id = c.get("id").asText();
        boolean noResult = expected.hasNonNull("errorMessage");
        if (test.equals("bayesian")) {
            JsonNode p = c.get("prior");
            Outcome<BayesianResult> outcome = BayesianInference.run(control, treatment, difference,
                    new BayesianInference.Prior(
                            p.get("mean").asDouble(), p.get("variance").asDouble(), p.get("proper").asBoolean()),
                    alpha,
                    c.path("inverse").asBoolean(false));
            assertEquals(noResult, !outcome.hasResult(), id + " " + outcome);
            if (noResult) {
                return;
            }
            BayesianResult r = outcome.get();
            close(expected.get("expected"), r.estimate(), decimals, id + " estimate");
            if (expected.has("uplift_stddev")) {
                close(expected.get("uplift_stddev"), r.standardDeviation(), decimals, id + " sd");
            }
            if (expected.has("ci")) {
                close(expected.get("ci").get(0), r.lower(), decimals, id + " ci lower");
                close(expected.get("ci").get(1), r.upper(), decimals, id + " ci upper");
            }
            close(expected.get("chanceToWin"), r.chanceToWin(), decimals, id + " chance to win");
            if (expected.has("risk")) {
                close(expected.get("risk").get(0), r.risk().control(), decimals, id + " risk control");
                close(expected.get("risk").get(1), r.risk().treatment(), decimals, id + " risk treatment");
            }
            if (expected.has("risk_1")) {
                close(expected.get("risk_1"), r.risk().treatment(), decimals, id + " risk treatment");
            }
            return;
        }
        Alternative alternative = test.endsWith("greater")
                ? Alternative.GREATER
                : test.endsWith("lesser") ? Alternative.LESSER : Alternative.TWO_SIDED;
        boolean sequential = test.startsWith("sequential");
        Outcome<FrequentistResult> outcome = sequential
                ? FrequentistInference.sequential(control, treatment, difference, alternative, alpha,
                        c.get("tuning").asDouble())
                : FrequentistInference.fixed(control, treatment, difference, alternative, alpha);
        assertEquals(noResult, !outcome.hasResult(), id + " " + outcome);
        if (noResult) {
            return;
        }
        FrequentistResult r = outcome.get();
        close(expected.get("expected"), r.estimate(), decimals, id + " estimate");
        if (expected.has("uplift_stddev")) {
            close(expected.get("uplift_stddev"), r.standardError(), decimals, id + " standard error");
        }
        if (expected.has("ci")) {
            close(expected.get("ci").get(0), r.lower(), decimals, id + " ci lower");
            close(expected.get("ci").get(1), r.upper(), decimals, id + " ci upper");
        }
        if (expected.has("ci_lower")) {
            close(expected.get("ci_lower"), r.lower(), decimals, id + " ci lower");
        }
        // gbstats reports no p-value for one-sided sequential tests (a 0.4999 placeholder); Flywheel derives one
        // from the two-sided sequence, checked in FrequentistInferenceTest.
        if (expected.has("pValue") && !(sequential && alternative != Alternative.TWO_SIDED)) {
            if (control instanceof CupedStatistic) {
                // gbstats' CUPED standard error for relative effects differs from the spec's delta method by about
                // 1e-4 of itself (the estimates agree to 9 places): p-values agree to 1%.
                assertEquals(expected.get("pValue").asDouble(), r.pValue(), expected.get("pValue").asDouble() * 0.01,
                        id + " p-value");
            } else {
                close(expected.get("pValue"), r.pValue(), decimals, id + " p-value");
            }
        }
        if (expected.has("control_cr")) {
            close(expected.get("control_cr"), control.unadjustedMean(), decimals, id + " control mean");
            close(expected.get("treatment_cr"), treatment.unadjustedMean(), decimals, id + " treatment mean");
        }
    }

    @Test
    void riskIsStableFarInTheTails() {
        for (JsonNode c : CASES.get("risk")) {
            Risk risk = Risk.of(c.get("mu").asDouble(), c.get("sigma").asDouble());
            int decimals = c.get("decimals").asInt();
            close(c.get("expected").get(0), risk.control(), decimals, c.get("id") + " control");
            close(c.get("expected").get(1), risk.treatment(), decimals, c.get("id") + " treatment");
        }
    }

    @Test
    void sampleRatioMismatch() {
        for (JsonNode c : CASES.get("srm")) {
            long[] units = new long[c.get("users").size()];
            for (int i = 0; i < units.length; i++) {
                units[i] = c.get("users").get(i).asLong();
            }
            double[] weights = new double[c.get("weights").size()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = c.get("weights").get(i).asDouble();
            }
            assertEquals(c.get("p").asDouble(), SampleRatio.pValue(units, weights), 5e-9, c.toString());
        }
        assertTrue(SampleRatio.check(new long[]{1000, 1200}, new double[]{0.5, 0.5}).mismatch());
        assertFalse(SampleRatio.check(new long[]{135, 115}, new double[]{0.5, 0.5}).mismatch());
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    @Test
    void holmAndBenjaminiHochberg() {
        assertArrayEquals(doubles(CASES.get("holm").get("expected")),
                MultipleTesting.holm(doubles(CASES.get("holm").get("input"))), 1e-12);
        assertArrayEquals(doubles(CASES.get("benjaminiHochberg").get("expected")),
                MultipleTesting.benjaminiHochberg(doubles(CASES.get("benjaminiHochberg").get("input"))), 5e-5);
        for (JsonNode c : CASES.get("adjustedIntervals")) {
            double[] interval = MultipleTesting.adjustedInterval(c.get("adjustedP").asDouble(),
                    c.get("estimate").asDouble(), c.get("alpha").asDouble());
            assertNotNull(interval);
            assertArrayEquals(doubles(c.get("expected")), interval, 5e-8);
        }
    }

    @Test
    void powerAndMinimumDetectableEffect() {
        JsonNode power = CASES.get("power");
        for (JsonNode c : power.get("differenceVariance")) {
            JsonNode a = c.get("args");
            close(c.get("expected_5dp"), Power.differenceVariance(a.get(0).asDouble(), a.get(1).asDouble(),
                    a.get(2).asDouble(), a.get(3).asDouble(), a.get(4).asDouble(), a.get(5).asDouble(),
                    a.get(6).asBoolean()), 5, "difference variance");
        }
        JsonNode m = power.get("metric");
        Power.Metric metric = new Power.Metric(m.get("mean").asDouble(), m.get("standardDeviation").asDouble());
        double effect = m.get("effectSize").asDouble();
        for (JsonNode c : power.get("power")) {
            close(c.get("expected_5dp"), Power.power(metric, effect, c.get("n").asLong(), c.get("nVariations").asInt(),
                    c.get("alpha").asDouble(), c.get("twoTailed").asBoolean(), c.get("sequentialTuning").asDouble()),
                    5, "power " + c);
        }
        for (JsonNode c : power.get("mde")) {
            close(c.get("expected_5dp"), Power.minimumDetectableEffect(metric, c.get("power").asDouble(),
                    c.get("n").asLong(), c.get("nVariations").asInt(), c.get("alpha").asDouble(),
                    c.get("sequentialTuning").asDouble()), 5, "mde " + c);
        }
    }

    @Test
    void cupedThetaIsPooledOverBothArms() {
        JsonNode t = CASES.get("statistics").get("theta");
        double[] pre = doubles(t.get("pre"));
        double[] post = doubles(t.get("post"));
        double sumPre = 0;
        double sumPre2 = 0;
        double sumPost = 0;
        double sumPost2 = 0;
        double products = 0;
        for (int i = 0; i < pre.length; i++) {
            sumPre += pre[i];
            sumPre2 += pre[i] * pre[i];
            sumPost += post[i];
            sumPost2 += post[i] * post[i];
            products += pre[i] * post[i];
        }
        CupedStatistic arm = new CupedStatistic(pre.length, new MeanStatistic(pre.length, sumPost, sumPost2),
                new MeanStatistic(pre.length, sumPre, sumPre2), products);
        close(t.get("expected"), Cuped.theta(arm, arm), 5, "theta");
    }
}
