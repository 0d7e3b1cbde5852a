package dev.flywheel.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * 2,000 simulated A/A experiments (no true effect; 14 days, 250 users per arm and day, 10% conversion): the fixed
 * test's false-positive rate at alpha 0.05 lies in [0.035, 0.065]; the sequential test stays at or under 0.05 even
 * when looked at every day and stopped at the first significant look.
 */
class AaMonteCarloTest {

    private static final int EXPERIMENTS = 2_000;
    private static final int DAYS = 14;
    private static final int PER_ARM_PER_DAY = 250;
    private static final double RATE = 0.1;

    @Test
    void falsePositiveRates() {
        SplittableRandom random = new SplittableRandom(20261130);
        int fixedFalsePositives = 0;
        int sequentialFalsePositives = 0;
        for (int experiment = 0; experiment < EXPERIMENTS; experiment++) {
            long nA = 0;
            long nB = 0;
            long convA = 0;
            long convB = 0;
            boolean peekedSignificant = false;
            for (int day = 0; day < DAYS; day++) {
                for (int u = 0; u < PER_ARM_PER_DAY; u++) {
                    convA += random.nextDouble() < RATE ? 1 : 0;
                    convB += random.nextDouble() < RATE ? 1 : 0;
                }
                nA += PER_ARM_PER_DAY;
                nB += PER_ARM_PER_DAY;
                Outcome<FrequentistResult> look = FrequentistInference.sequential(new ProportionStatistic(nA, convA),
                        new ProportionStatistic(nB, convB), Difference.RELATIVE, Alternative.TWO_SIDED, 0.05, 5000);
                peekedSignificant |= look.hasResult() && look.get().significant(0.05);
            }
            Outcome<FrequentistResult> end = FrequentistInference.fixed(new ProportionStatistic(nA, convA),
                    new ProportionStatistic(nB, convB), Difference.RELATIVE, Alternative.TWO_SIDED, 0.05);
            fixedFalsePositives += end.hasResult() && end.get().significant(0.05) ? 1 : 0;
            sequentialFalsePositives += peekedSignificant ? 1 : 0;
        }
        double fixedRate = (double) fixedFalsePositives / EXPERIMENTS;
        double sequentialRate = (double) sequentialFalsePositives / EXPERIMENTS;
        assertTrue(fixedRate >= 0.035 && fixedRate <= 0.065, "fixed-horizon false-positive rate " + fixedRate);
        assertTrue(sequentialRate <= 0.05, "sequential false-positive rate with daily peeking " + sequentialRate);
    }
}
