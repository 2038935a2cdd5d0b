package org.layerwise.reproduce;

import java.util.Arrays;
import java.util.List;
import org.layerwise.analysis.StudentT;
import org.layerwise.util.Rng;

/**
 * The statistics the claims' tests use, over seeds (the independent repetitions): a mean with its t
 * interval, the difference of two settings' means with a Welch interval, and a rank correlation over
 * settings with a bootstrap interval that resamples seeds within each setting. Intervals are 95%,
 * two-sided [layerwise].
 */
public final class SeedStats {
    /** Bootstrap resamples of {@link #spearmanOverSettings}. */
    public static final int RESAMPLES = 2000;

    private SeedStats() {
    }

    /**
     * A difference of means (a − b) with its 95% Welch interval.
     *
     * @param seedsToDecide when the interval contains 0: about how many seeds per setting would make it exclude 0 at the same
     *                      effect and scatter (0 when it already excludes 0, -1 when it cannot be estimated)
     */
    public record Difference(double mean, double lower, double upper, int na, int nb, int seedsToDecide) {
        public boolean above(double x) {
            return lower > x;
        }

        public boolean below(double x) {
            return upper < x;
        }
    }

    public static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(Double.NaN);
    }

    static double variance(double[] a) {
        double m = mean(a);
        double s = 0;
        for (double v : a) {
            s += (v - m) * (v - m);
        }
        return a.length < 2 ? Double.NaN : s / (a.length - 1);
    }

    /** The mean of a and its 95% t interval (NaN ends below 2 values). */
    public static double[] meanInterval(double[] a) {
        double m = mean(a);
        if (a.length < 2) {
            return new double[] {m, Double.NaN, Double.NaN};
        }
        double h = StudentT.quantile(0.975, a.length - 1) * Math.sqrt(variance(a) / a.length);
        return new double[] {m, m - h, m + h};
    }

    /** mean(a) − mean(b) with a 95% Welch interval; the ends are NaN when a group has fewer than 2 seeds. */
    public static Difference difference(double[] a, double[] b) {
        double d = mean(a) - mean(b);
        if (a.length < 2 || b.length < 2) {
            return new Difference(d, Double.NaN, Double.NaN, a.length, b.length, -1);
        }
        double va = variance(a) / a.length;
        double vb = variance(b) / b.length;
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new Difference(d, d, d, a.length, b.length, 0);
        }
        double dof = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        double h = StudentT.quantile(0.975, dof) * se;
        int need = 0;
        if (Math.abs(d) <= h) {
            int n = Math.max(a.length, b.length);
            need = d == 0 ? -1 : (int) Math.ceil(n * (h / d) * (h / d) * 1.1);
        }
        return new Difference(d, d - h, d + h, a.length, b.length, need);
    }

    /** Spearman's rank correlation (average ranks for ties); NaN when either coordinate is constant. */
    public static double spearman(double[] x, double[] y) {
        return org.layerwise.analysis.RankCorrelation.spearman(x, y);
    }

    /**
     * Spearman's correlation of the settings' mean x and mean y (one point per distinct setting, never
     * per run), with a 95% percentile bootstrap interval: each resample draws every setting's seeds with
     * replacement. {@code settings.get(i)} holds the (x, y) pairs of setting i's seeds.
     *
     * @return {rho, lower, upper}; the ends are NaN when no setting has 2 seeds
     */
    public static double[] spearmanOverSettings(List<double[][]> settings, long seed) {
        int k = settings.size();
        double[] mx = new double[k];
        double[] my = new double[k];
        for (int i = 0; i < k; i++) {
            mx[i] = meanOf(settings.get(i), 0, null);
            my[i] = meanOf(settings.get(i), 1, null);
        }
        double rho = spearman(mx, my);
        if (settings.stream().allMatch(s -> s.length < 2)) {
            return new double[] {rho, Double.NaN, Double.NaN};
        }
        Rng rng = Rng.derive(seed, "spearman-bootstrap", 0);
        double[] boot = new double[RESAMPLES];
        int used = 0;
        for (int b = 0; b < RESAMPLES; b++) {
            for (int i = 0; i < k; i++) {
                double[][] s = settings.get(i);
                int[] pick = new int[s.length];
                for (int j = 0; j < s.length; j++) {
                    pick[j] = rng.nextInt(s.length);
                }
                mx[i] = meanOf(s, 0, pick);
                my[i] = meanOf(s, 1, pick);
            }
            double r = spearman(mx, my);
            if (Double.isFinite(r)) {
                boot[used++] = r;
            }
        }
        if (used < RESAMPLES / 2) {
            return new double[] {rho, Double.NaN, Double.NaN};
        }
        double[] sorted = Arrays.copyOf(boot, used);
        Arrays.sort(sorted);
        return new double[] {rho, sorted[(int) Math.floor(0.025 * (used - 1))], sorted[(int) Math.ceil(0.975 * (used - 1))]};
    }

    private static double meanOf(double[][] pairs, int coord, int[] pick) {
        double s = 0;
        int n = pick == null ? pairs.length : pick.length;
        for (int j = 0; j < n; j++) {
            s += pairs[pick == null ? j : pick[j]][coord];
        }
        return s / n;
    }
}
