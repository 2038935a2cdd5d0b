package org.layerwise.analysis;

import org.layerwise.util.Rng;

/**
 * Ordinary least squares of ln(statistic) on ln(L), as the reference code (sklearn LinearRegression
 * with intercept), plus what it lacks: the slope's standard error, a 95 % t-interval and, on request,
 * a percentile bootstrap interval that resamples depths (with all their seeds).
 *
 * @param slope       fitted exponent: statistic ~ L^slope
 * @param stdError    standard error of the slope (NaN with fewer than 3 points)
 * @param lower       lower end of the 95 % interval (t-based, or bootstrap when bootstrapped)
 * @param upper       upper end
 * @param points      number of (L, value) points used (non-positive values are dropped: no logarithm)
 * @param method      "t" or "bootstrap"
 */
public record ScalingFit(double slope, double intercept, double stdError, double lower, double upper,
                         double rSquared, int points, String method) {

    public static ScalingFit fit(double[] depths, double[] values) {
        int[] all = new int[depths.length];
        java.util.Arrays.setAll(all, i -> i);
        Ols o = Ols.of(depths, values, all);
        if (o.n < 2) {
            return new ScalingFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, o.n, "t");
        }
        double se = o.n > 2 ? Math.sqrt(o.ssr / (o.n - 2) / o.sxx) : Double.NaN;
        double half = o.n > 2 ? StudentT.quantile(0.975, o.n - 2) * se : Double.NaN;
        double r2 = o.sst > 0 ? 1 - o.ssr / o.sst : 1.0;
        return new ScalingFit(o.slope, o.intercept, se, o.slope - half, o.slope + half, r2, o.n, "t");
    }

    /**
     * As {@link #fit}, with the interval replaced by a percentile bootstrap that resamples depths:
     * each draw picks distinct depths with replacement and takes every run (seed) at a picked depth,
     * so seeds of one depth, which share it, are never treated as independent depths.
     */
    public static ScalingFit fitBootstrap(double[] depths, double[] values, int resamples, long seed) {
        ScalingFit base = fit(depths, values);
        double[] distinct = java.util.Arrays.stream(depths).distinct().sorted().toArray();
        if (base.points() < 3 || distinct.length < 3 || resamples < 10) {
            return base;
        }
        int[][] byDepth = new int[distinct.length][];
        for (int g = 0; g < distinct.length; g++) {
            double dg = distinct[g];
            byDepth[g] = java.util.stream.IntStream.range(0, depths.length).filter(i -> depths[i] == dg).toArray();
        }
        Rng rng = Rng.derive(seed, "bootstrap", 0);
        double[] slopes = new double[resamples];
        int kept = 0;
        int[] pick = new int[depths.length * 2];
        for (int b = 0; b < resamples; b++) {
            int n = 0;
            for (int g = 0; g < distinct.length; g++) {
                int[] runs = byDepth[rng.nextInt(distinct.length)];
                if (n + runs.length > pick.length) {
                    pick = java.util.Arrays.copyOf(pick, 2 * (n + runs.length));
                }
                System.arraycopy(runs, 0, pick, n, runs.length);
                n += runs.length;
            }
            double slope = Ols.of(depths, values, java.util.Arrays.copyOf(pick, n)).slope;
            if (Double.isFinite(slope)) {
                slopes[kept++] = slope;
            }
        }
        if (kept < 10) {
            return base;
        }
        double[] sorted = java.util.Arrays.copyOf(slopes, kept);
        java.util.Arrays.sort(sorted);
        return new ScalingFit(base.slope(), base.intercept(), base.stdError(), sorted[(int) Math.floor(0.025 * (kept - 1))],
                sorted[(int) Math.ceil(0.975 * (kept - 1))], base.rSquared(), base.points(), "bootstrap");
    }

    /** OLS of ln y on ln x over the chosen points with positive, finite values (no logarithm otherwise). */
    private static final class Ols {
        int n;
        double slope = Double.NaN;
        double intercept = Double.NaN;
        double sxx;
        double ssr;
        double sst;

        static Ols of(double[] x, double[] y, int[] points) {
            Ols o = new Ols();
            double[] lx = new double[points.length];
            double[] ly = new double[points.length];
            for (int i : points) {
                if (x[i] > 0 && y[i] > 0 && Double.isFinite(y[i])) {
                    lx[o.n] = Math.log(x[i]);
                    ly[o.n] = Math.log(y[i]);
                    o.n++;
                }
            }
            if (o.n < 2) {
                return o;
            }
            double mx = 0;
            double my = 0;
            for (int i = 0; i < o.n; i++) {
                mx += lx[i];
                my += ly[i];
            }
            mx /= o.n;
            my /= o.n;
            double sxy = 0;
            for (int i = 0; i < o.n; i++) {
                sxy += (lx[i] - mx) * (ly[i] - my);
                o.sxx += (lx[i] - mx) * (lx[i] - mx);
                o.sst += (ly[i] - my) * (ly[i] - my);
            }
            o.slope = o.sxx > 0 ? sxy / o.sxx : Double.NaN; // NaN when all depths are equal
            o.intercept = my - o.slope * mx;
            for (int i = 0; i < o.n; i++) {
                double r = ly[i] - (o.intercept + o.slope * lx[i]);
                o.ssr += r * r;
            }
            return o;
        }
    }

    /** The same fit for statistic * L^shift: the slope moves by shift, the uncertainty does not. */
    public ScalingFit shifted(double shift) {
        return new ScalingFit(slope + shift, intercept, stdError, lower + shift, upper + shift, rSquared, points, method);
    }

    /** The interval overlaps [target - tol, target + tol]. */
    public boolean consistentWith(double target, double tol) {
        return Double.isFinite(lower) && lower <= target + tol && upper >= target - tol;
    }
}
