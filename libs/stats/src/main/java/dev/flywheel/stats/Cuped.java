package dev.flywheel.stats;

/** CUPED's theta, pooled over the two arms of a comparison. */
public final class Cuped {

    private Cuped() {
    }

    /**
     * Cov(post, pre) / Var(pre) over both arms' units taken together (the least-squares slope of post on pre);
     * 0 when either varies not at all (no covariate information, so no adjustment).
     */
    public static double theta(CupedStatistic a, CupedStatistic b) {
        Component post = Component.joint(a.post(), b.post());
        Component pre = Component.joint(a.pre(), b.pre());
        if (pre.variance() == 0 || post.variance() == 0) {
            return 0;
        }
        long n = post.n();
        // Centred sums keep the covariance and the variance on one footing, for proportions (whose variance is
        // p(1 - p)) as for means.
        double centredProducts = a.sumOfProducts() + b.sumOfProducts() - post.sum() * pre.sum() / n;
        double centredSquares = sumSquares(pre) - pre.sum() * pre.sum() / n;
        return centredProducts / centredSquares;
    }

    private static double sumSquares(Component component) {
        return component instanceof MeanStatistic mean ? mean.sumSquares() : component.sum();
    }
}
