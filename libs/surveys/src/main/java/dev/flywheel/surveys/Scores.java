package dev.flywheel.surveys;

import dev.flywheel.stats.Alternative;
import dev.flywheel.stats.Difference;
import dev.flywheel.stats.FrequentistInference;
import dev.flywheel.stats.FrequentistResult;
import dev.flywheel.stats.MeanStatistic;
import dev.flywheel.stats.OneSample;
import dev.flywheel.stats.Outcome;

/**
 * The scores of numeric questions, from the count of answers per score.
 * <ul>
 * <li>NPS: % promoters (9-10) minus % detractors (0-6), from -100 to 100. Each answer is +1, 0 or -1; NPS is 100
 * times their mean, so its interval and the test between groups are those of a mean (t, Welch).</li>
 * <li>CSAT: the share answering 4 or 5 of 5; CES: the share answering 5 to 7 of 7 ("easy"). Wilson intervals;
 * groups compared as proportions.</li>
 * <li>Rating: the mean score with its t interval.</li>
 * </ul>
 */
public final class Scores {

    private Scores() {
    }

    /** A score with its interval (null bounds: too few answers) and sample size. */
    public record Score(double value, Double lower, Double upper, long n) {
    }

    /** The difference between two groups' scores (b - a), its interval and p-value; null p: not testable. */
    public record Comparison(double difference, Double lower, Double upper, Double pValue, String noResult) {
    }

    /** NPS from answers per score 0..10 ({@code counts[s]}). */
    public static Score nps(long[] counts, double alpha) {
        MeanStatistic stat = npsStatistic(counts);
        if (stat.n() == 0) {
            return new Score(0, null, null, 0);
        }
        double[] interval = OneSample.meanInterval(stat, alpha);
        return new Score(100 * stat.mean(), interval == null ? null : 100 * interval[0],
                interval == null ? null : 100 * interval[1], stat.n());
    }

    public static Comparison npsDifference(long[] a, long[] b, double alpha) {
        Outcome<FrequentistResult> outcome = FrequentistInference.fixed(npsStatistic(a), npsStatistic(b),
                Difference.ABSOLUTE, Alternative.TWO_SIDED, alpha);
        if (!(outcome instanceof Outcome.Ok<FrequentistResult> ok)) {
            return new Comparison(0, null, null, null, outcome.noResult().message());
        }
        FrequentistResult r = ok.result();
        return new Comparison(100 * r.estimate(), 100 * r.lower(), 100 * r.upper(), r.pValue(), null);
    }

    static MeanStatistic npsStatistic(long[] counts) {
        long promoters = 0;
        long detractors = 0;
        long n = 0;
        for (int score = 0; score < counts.length; score++) {
            n += counts[score];
            if (score >= 9) {
                promoters += counts[score];
            } else if (score <= 6) {
                detractors += counts[score];
            }
        }
        // Each answer is +1 (promoter), 0 (passive) or -1 (detractor): sum P - D, sum of squares P + D.
        return new MeanStatistic(n, promoters - detractors, promoters + detractors);
    }

    /** The share of answers from {@code from} up ("top box": 4-5 for CSAT, 5-7 for CES), with a Wilson interval. */
    public static Score topShare(long[] counts, int from, double alpha) {
        long n = 0;
        long top = 0;
        for (int score = 0; score < counts.length; score++) {
            n += counts[score];
            if (score >= from) {
                top += counts[score];
            }
        }
        if (n == 0) {
            return new Score(0, null, null, 0);
        }
        double[] interval = OneSample.wilsonInterval(top, n, alpha);
        return new Score((double) top / n, interval[0], interval[1], n);
    }

    public static Comparison topShareDifference(long[] a, long[] b, int from, double alpha) {
        Outcome<FrequentistResult> outcome = FrequentistInference.fixed(topStatistic(a, from), topStatistic(b, from),
                Difference.ABSOLUTE, Alternative.TWO_SIDED, alpha);
        if (!(outcome instanceof Outcome.Ok<FrequentistResult> ok)) {
            return new Comparison(0, null, null, null, outcome.noResult().message());
        }
        FrequentistResult r = ok.result();
        return new Comparison(r.estimate(), r.lower(), r.upper(), r.pValue(), null);
    }

    private static MeanStatistic topStatistic(long[] counts, int from) {
        long n = 0;
        long top = 0;
        for (int score = 0; score < counts.length; score++) {
            n += counts[score];
            if (score >= from) {
                top += counts[score];
            }
        }
        return new MeanStatistic(n, top, top);
    }

    /** The difference of mean scores (b - a), Welch. */
    public static Comparison meanDifference(long[] a, long[] b, double alpha) {
        Outcome<FrequentistResult> outcome = FrequentistInference.fixed(meanStatistic(a), meanStatistic(b),
                Difference.ABSOLUTE, Alternative.TWO_SIDED, alpha);
        if (!(outcome instanceof Outcome.Ok<FrequentistResult> ok)) {
            return new Comparison(0, null, null, null, outcome.noResult().message());
        }
        FrequentistResult r = ok.result();
        return new Comparison(r.estimate(), r.lower(), r.upper(), r.pValue(), null);
    }

    private static MeanStatistic meanStatistic(long[] counts) {
        long n = 0;
        double sum = 0;
        double squares = 0;
        for (int score = 0; score < counts.length; score++) {
            n += counts[score];
            sum += (double) score * counts[score];
            squares += (double) score * score * counts[score];
        }
        return new MeanStatistic(n, sum, squares);
    }

    /** The mean score with its t interval. */
    public static Score mean(long[] counts, double alpha) {
        MeanStatistic stat = meanStatistic(counts);
        long n = stat.n();
        if (n == 0) {
            return new Score(0, null, null, 0);
        }
        double[] interval = OneSample.meanInterval(stat, alpha);
        return new Score(stat.mean(), interval == null ? null : interval[0], interval == null ? null : interval[1],
                n);
    }
}
