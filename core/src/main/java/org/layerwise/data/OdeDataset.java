package org.layerwise.data;

import org.layerwise.util.Rng;

/**
 * The synthetic "ODE" data set of the reference code (generate_dataset.py, f = sin, g = cos, noise 0):
 * <pre>
 *   x ~ U(-1,1)^d;  z_0 = x;  z_{t+1} = z_t + n^{-1/2} tanh(sin(5 pi t/n) z_t + cos(5 pi t/n)),  t < n = 100
 *   y = z_n;  then x and y are each scaled to unit Euclidean norm (y computed from the raw x).
 * </pre>
 * Note the step is n^{-1/2} = 0.1, not 1/n, and there is no "+x" despite the reference docstring.
 * Computed in float64 and stored as float32; seeded (the reference sets no seed).
 */
public final class OdeDataset {
    public static final int STEPS = 100;

    private OdeDataset() {
    }

    public static Dataset generate(int n, int dim, long seed) {
        if (n < 1 || dim < 1) {
            throw new IllegalArgumentException("need n >= 1 and dim >= 1, got n=" + n + " dim=" + dim);
        }
        Rng rng = Rng.derive(seed, "ode-dataset", 0);
        float[] x = new float[n * dim];
        float[] y = new float[n * dim];
        double[] xr = new double[dim];
        double[] z = new double[dim];
        double step = 1.0 / Math.sqrt(STEPS);
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < dim; i++) {
                xr[i] = (float) rng.uniform(-1, 1);
                z[i] = xr[i];
            }
            for (int t = 0; t < STEPS; t++) {
                double s = 5 * Math.PI * t / STEPS;
                double f = Math.sin(s);
                double g = Math.cos(s);
                for (int i = 0; i < dim; i++) {
                    z[i] += step * Math.tanh(f * z[i] + g);
                }
            }
            double nx = norm(xr);
            double nz = norm(z);
            for (int i = 0; i < dim; i++) {
                x[r * dim + i] = (float) (xr[i] / nx);
                y[r * dim + i] = (float) (z[i] / nz);
            }
        }
        return new Dataset("synthetic-ode", n, dim, x, y);
    }

    static double norm(double[] v) {
        double s = 0;
        for (double a : v) {
            s += a * a;
        }
        return Math.sqrt(s);
    }
}
