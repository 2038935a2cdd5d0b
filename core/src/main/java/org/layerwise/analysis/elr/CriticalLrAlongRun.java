package org.layerwise.analysis.elr;

import java.util.Arrays;

/**
 * The critical-LR prediction checked on a recorded run alone, without restarting it from a saved state
 * (which {@link CriticalLr#fromGrid} needs): on every pair of consecutive recorded steps t, t+1, the
 * learning rate of step t against the critical LR predicted from step t's ELRs, and what the step did.
 *
 * <p><b>[derived], this toolkit's reading.</b> The deterministic map (constant base gradients) keeps the
 * two extreme layers of step t in order after the step iff eta_t &lt;= eta_crit,t ({@link CriticalLr}:
 * k^2 e_max e_min &lt;= 1 with k = 1); a change of learning rate between t and t+1 scales every ELR alike
 * and does not change the order. In a real run the base gradients move from step to step, so a pair may
 * swap below the critical LR (noise) or keep its order above it; the counts say how often the
 * prediction holds. Beside it, as in the critical-LR study's widening test: the fraction of steps that
 * widen the spread (S_{t+1} &gt; S_t) among those far above the prediction (eta / eta_crit &gt;= aboveMin)
 * and far below it (&lt;= belowMax). A real training run usually stays far below its critical LR, so one
 * side is often empty; the counts show it.
 *
 * <p>Only pairs whose steps differ by exactly 1 are used (a probe recording every k &gt; 1 steps gives
 * none). The extreme layers are those of {@link Spread#of} on the ELRs of step t (ties to the lowest
 * layer); equal ELRs after the step count as keeping the order (the criterion's &lt;=). Pairs with no
 * usable ELR, a non-finite learning rate or prediction, or non-finite ELRs after, are left out and
 * counted in {@link Result#skipped}.
 *
 * @see CriticalLr
 */
public final class CriticalLrAlongRun {
    private CriticalLrAlongRun() {
    }

    /**
     * The counts over a run.
     *
     * @param pairs          consecutive recorded pairs judged
     * @param skipped        consecutive pairs left out (see the class comment)
     * @param below          pairs with eta_t &lt;= eta_crit,t (the model predicts: order kept)
     * @param keptBelow      of those, the pairs whose extreme layers kept their order
     * @param above          pairs with eta_t &gt; eta_crit,t (the model predicts: order swapped)
     * @param swappedAbove   of those, the pairs whose extreme layers swapped
     * @param farAbove       pairs with eta_t / eta_crit,t &gt;= aboveMin
     * @param widenedFarAbove of those, the pairs that widened the spread
     * @param farBelow       pairs with eta_t / eta_crit,t &lt;= belowMax
     * @param widenedFarBelow of those, the pairs that widened the spread
     * @param ratio          eta_t / eta_crit,t of every recorded step (NaN where not defined), for plots and quantiles
     */
    public record Result(int pairs, int skipped, int below, int keptBelow, int above, int swappedAbove, int farAbove, int widenedFarAbove,
                         int farBelow, int widenedFarBelow, double[] ratio) {
        /** The fraction of judged pairs where the prediction held (order kept below, swapped above); NaN without pairs. */
        public double agreement() {
            return pairs == 0 ? Double.NaN : (double) (keptBelow + swappedAbove) / pairs;
        }

        /** Recorded steps whose learning rate exceeded the predicted critical LR. */
        public int stepsAbove() {
            int n = 0;
            for (double r : ratio) {
                if (r > 1) {
                    n++;
                }
            }
            return n;
        }

        /** The q-quantile (0..1, linear between order statistics) of the finite ratios; NaN when none. */
        public double ratioQuantile(double q) {
            double[] f = Arrays.stream(ratio).filter(Double::isFinite).sorted().toArray();
            if (f.length == 0) {
                return Double.NaN;
            }
            double pos = q * (f.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(f.length - 1, lo + 1);
            return f[lo] + (pos - lo) * (f[hi] - f[lo]);
        }
    }

    /**
     * @param step      the recorded steps, increasing
     * @param lr        the base learning rate of each recorded step
     * @param predicted the predicted critical LR of each recorded step ({@link CriticalLr#fromRatios})
     * @param elr       [recorded step][layer] ELRs
     * @param aboveMin  "far above": eta / eta_crit at least this (e.g. 4)
     * @param belowMax  "far below": eta / eta_crit at most this (e.g. 0.25)
     */
    public static Result of(double[] step, double[] lr, double[] predicted, double[][] elr, double aboveMin, double belowMax) {
        int n = step.length;
        ElrQuantities.requireLength("lr", lr, n);
        ElrQuantities.requireLength("predicted", predicted, n);
        if (elr.length != n) {
            throw new IllegalArgumentException("elr has " + elr.length + " rows, expected " + n);
        }
        double[] ratio = new double[n];
        for (int t = 0; t < n; t++) {
            ratio[t] = predicted[t] > 0 && Double.isFinite(predicted[t]) && Double.isFinite(lr[t]) ? lr[t] / predicted[t] : Double.NaN;
        }
        int pairs = 0;
        int skipped = 0;
        int below = 0;
        int keptBelow = 0;
        int above = 0;
        int swappedAbove = 0;
        int farAbove = 0;
        int widenedFarAbove = 0;
        int farBelow = 0;
        int widenedFarBelow = 0;
        for (int t = 0; t + 1 < n; t++) {
            if (step[t + 1] - step[t] != 1) {
                continue;
            }
            Spread s = Spread.of(elr[t]);
            Spread next = Spread.of(elr[t + 1]);
            if (!s.defined() || !next.defined() || !Double.isFinite(ratio[t])) {
                skipped++;
                continue;
            }
            double hi = elr[t + 1][s.argmax()];
            double lo = elr[t + 1][s.argmin()];
            if (!Double.isFinite(hi) || !Double.isFinite(lo)) {
                skipped++;
                continue;
            }
            boolean kept = hi >= lo;
            boolean widened = next.spread() > s.spread();
            pairs++;
            if (ratio[t] <= 1) {
                below++;
                keptBelow += kept ? 1 : 0;
            } else {
                above++;
                swappedAbove += kept ? 0 : 1;
            }
            if (ratio[t] >= aboveMin) {
                farAbove++;
                widenedFarAbove += widened ? 1 : 0;
            }
            if (ratio[t] <= belowMax) {
                farBelow++;
                widenedFarBelow += widened ? 1 : 0;
            }
        }
        return new Result(pairs, skipped, below, keptBelow, above, swappedAbove, farAbove, widenedFarAbove, farBelow, widenedFarBelow, ratio);
    }
}
