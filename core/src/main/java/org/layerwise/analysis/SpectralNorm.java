package org.layerwise.analysis;

/**
 * The true spectral norm (largest singular value) of a small dense matrix, by power iteration on
 * M^T M, started from a fixed vector plus the all-ones direction so a run is deterministic. The
 * reference code's "Spectral" statistic is a Frobenius norm; this is the real one.
 */
public final class SpectralNorm {
    private SpectralNorm() {
    }

    /** Largest singular value of the rows x cols matrix stored row-major at {@code m[off..]}. */
    public static double of(double[] m, int off, int rows, int cols) {
        double[] v = new double[cols];
        double[] u = new double[rows];
        for (int j = 0; j < cols; j++) {
            v[j] = 1.0 + 0.01 * j; // not orthogonal to a generic leading singular vector
        }
        normalise(v);
        double sigma = 0;
        for (int it = 0; it < 1000; it++) {
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += m[off + i * cols + j] * v[j];
                }
                u[i] = s;
            }
            double uNorm = normalise(u);
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int i = 0; i < rows; i++) {
                    s += m[off + i * cols + j] * u[i];
                }
                v[j] = s;
            }
            double next = normalise(v);
            if (uNorm == 0 || next == 0) {
                return 0;
            }
            if (Math.abs(next - sigma) <= 1e-13 * next) {
                return next;
            }
            sigma = next;
        }
        return sigma;
    }

    private static double normalise(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        double n = Math.sqrt(s);
        if (n > 0) {
            for (int i = 0; i < a.length; i++) {
                a[i] /= n;
            }
        }
        return n;
    }
}
