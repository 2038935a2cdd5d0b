package org.layerwise.analysis;

import org.layerwise.util.Rng;

/**
 * Ordinary least squares of ln(statistic) on ln(L), as the reference code (sklearn LinearRegression
 * with intercept), plus what it lacks: the slope's standard error, a 95 % t-interval and, on request,
 * a percentile bootstrap interval over the (depth, value) points.
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
        int n = 0;
        double[] lx = new double[depths.length];
        double[] ly = new double[depths.length];
        for (int i = 0; i < depths.length; i++) {
            if (depths[i] > 0 && values[i] > 0 && Double.isFinite(values[i])) {
                lx[n] = Math.log(depths[i]);
                ly[n] = Math.log(values[i]);
                n++;
            }
        }
        if (n < 2) {
            return new ScalingFit(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, n, "t");
        }
        double[] line = ols(lx, ly, n);
        double slope = line[0];
        double intercept = line[1];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += lx[i];
            my += ly[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double ssr = 0;
        double sst = 0;
        for (int i = 0; i < n; i++) {
            sxx += (lx[i] - mx) * (lx[i] - mx);
            double r = ly[i] - (intercept + slope * lx[i]);
            ssr += r * r;
            sst += (ly[i] - my) * (ly[i] - my);
        }
        double se = n > 2 ? Math.sqrt(ssr / (n - 2) / sxx) : Double.NaN;
        double half = n > 2 ? StudentT.quantile(0.975, n - 2) * se : Double.NaN;
        double r2 = sst > 0 ? 1 - ssr / sst : 1.0;
        return new ScalingFit(slope, intercept, se, slope - half, slope + half, r2, n, "t");
    }

    /** As {@link #fit}, with the interval replaced by a percentile bootstrap over points. */
    public static ScalingFit fitBootstrap(double[] depths, double[] values, int resamples, long seed) {
        ScalingFit base = fit(depths, values);
        if (base.points() < 3 || resamples < 10) {
            return base;
        }
        Rng rng = Rng.derive(seed, "bootstrap", 0);
        double[] slopes = new double[resamples];
        int m = depths.length;
        int kept = 0;
        for (int b = 0; b < resamples; b++) {
            double[] lx = new double[m];
            double[] ly = new double[m];
            int n = 0;
            for (int i = 0; i < m; i++) {
                int j = rng.nextInt(m);
                if (depths[j] > 0 && values[j] > 0 && Double.isFinite(values[j])) {
                    lx[n] = Math.log(depths[j]);
                    ly[n] = Math.log(values[j]);
                    n++;
                }
            }
            double[] line = ols(lx, ly, n);
            if (Double.isFinite(line[0])) {
                slopes[kept++] = line[0];
            }
        }
        double[] s = java.util.Arrays.copyOf(slopes, kept);
        java.util.Arrays.sort(s);
        if (kept < 10) {
            return base;
        }
        return new ScalingFit(base.slope(), base.intercept(), base.stdError(), s[(int) Math.floor(0.025 * (kept - 1))],
                s[(int) Math.ceil(0.975 * (kept - 1))], base.rSquared(), base.points(), "bootstrap");
    }

    /** {slope, intercept}; NaN slope when all x are equal. */
    private static double[] ols(double[] x, double[] y, int n) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double slope = sxx > 0 ? sxy / sxx : Double.NaN;
        return new double[] {slope, my - slope * mx};
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
