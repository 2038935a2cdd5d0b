package org.layerwise.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerwise.util.Rng;

/**
 * ConvSpectrum against an independent reference: the dense matrix of the circular convolution
 * operator on n x n inputs, built entry by entry, and its largest singular value from a Jacobi
 * eigenvalue solver on A^T A (no power iteration); plus closed forms.
 */
class ConvSpectrumTest {
    /** Relative agreement asked of ConvSpectrum against the dense reference. */
    private static final double TOL = 1e-9;

    @Test
    void matchesDenseSvdOfTheUnrolledCircularOperator() {
        int[][] shapes = {{1, 1, 1, 1}, {3, 2, 1, 1}, {2, 3, 3, 3}, {3, 2, 3, 3}, {4, 4, 3, 3}, {2, 2, 2, 3}, {1, 5, 3, 3}};
        Rng rng = new Rng(11);
        for (int[] s : shapes) {
            for (int n = 1; n <= 6; n++) {
                double[] k = random(rng, s[0] * s[1] * s[2] * s[3]);
                double dense = denseSigmaMax(k, s[0], s[1], s[2], s[3], n);
                double fast = ConvSpectrum.sigmaMax(k, s[0], s[1], s[2], s[3], n);
                assertEquals(dense, fast, TOL * dense, "shape " + java.util.Arrays.toString(s) + " n = " + n);
            }
        }
    }

    @Test
    void oneByOneKernelIsItsChannelMatrixAtEveryN() {
        Rng rng = new Rng(3);
        double[] m = random(rng, 5 * 3);
        double expected = matrixSigmaMax(m, 5, 3);
        for (int n = 1; n <= 7; n++) {
            assertEquals(expected, ConvSpectrum.sigmaMax(m, 5, 3, 1, 1, n), TOL * expected, "n = " + n);
        }
    }

    @Test
    void singleTapKernelIsItsChannelMatrixWhereverTheTap() {
        Rng rng = new Rng(5);
        double[] m = random(rng, 4 * 6);
        double expected = matrixSigmaMax(m, 4, 6);
        for (int tap = 0; tap < 9; tap++) {
            double[] k = new double[4 * 6 * 9];
            for (int e = 0; e < 24; e++) {
                k[e * 9 + tap] = m[e];
            }
            for (int n : new int[] {1, 2, 4, 5, 8}) {
                assertEquals(expected, ConvSpectrum.sigmaMax(k, 4, 6, 3, 3, n), TOL * expected, "tap " + tap + " n = " + n);
            }
        }
    }

    @Test
    void equalTapsPeakAtTheDcFrequency() {
        // F[0,0] = 9 M; elsewhere |sum_p w^{pu}| |sum_q w^{qv}| < 9 (or the taps fold, n < 3, and still sum to 9 at DC)
        Rng rng = new Rng(7);
        double[] m = random(rng, 3 * 3);
        double[] k = new double[9 * 9];
        for (int e = 0; e < 9; e++) {
            for (int t = 0; t < 9; t++) {
                k[e * 9 + t] = m[e];
            }
        }
        double expected = 9 * matrixSigmaMax(m, 3, 3);
        for (int n = 1; n <= 6; n++) {
            assertEquals(expected, ConvSpectrum.sigmaMax(k, 3, 3, 3, 3, n), TOL * expected, "n = " + n);
            assertEquals(expected, at(k, 3, 3, 3, 3, n, 0, 0), TOL * expected);
        }
        // at n = 3 every other frequency sums a full period of roots of unity: F[u,v] = 0
        assertEquals(0, at(k, 3, 3, 3, 3, 3, 1, 2), 1e-12);
    }

    @Test
    void visitingHalfTheFrequenciesLosesNone() {
        // the max over all n^2 frequencies, one by one, equals the half-grid answer, and mirrored frequencies agree
        Rng rng = new Rng(13);
        for (int n : new int[] {1, 2, 3, 4, 5, 7}) {
            double[] k = random(rng, 3 * 2 * 9);
            double all = 0;
            for (int u = 0; u < n; u++) {
                for (int v = 0; v < n; v++) {
                    double s = at(k, 3, 2, 3, 3, n, u, v);
                    double mirror = at(k, 3, 2, 3, 3, n, (n - u) % n, (n - v) % n);
                    assertEquals(s, mirror, 1e-12 * Math.max(1, s), "u = " + u + " v = " + v + " n = " + n);
                    all = Math.max(all, s);
                }
            }
            assertEquals(all, ConvSpectrum.sigmaMax(k, 3, 2, 3, 3, n), 1e-12 * all, "n = " + n);
        }
    }

    @Test
    void wideKernelAtOneFrequencyMatchesJacobi() {
        // 64 channels: the Lanczos iteration stops on its tolerance before it has exhausted the space
        Rng rng = new Rng(17);
        int c = 64;
        int n = 4;
        double[] k = new double[c * c * 9];
        for (int i = 0; i < k.length; i++) {
            k[i] = rng.uniform(-1, 1) / Math.sqrt(9 * c); // PyTorch's default init scale
        }
        for (int[] f : new int[][] {{0, 0}, {1, 2}, {2, 2}}) {
            double expected = frequencySigmaMax(k, c, c, 3, 3, n, f[0], f[1]);
            assertEquals(expected, at(k, c, c, 3, 3, n, f[0], f[1]), TOL * expected,
                    "frequency " + f[0] + "," + f[1]);
        }
    }

    @Test
    void stoppingRuleLosesNothingAgainstTheExhaustedKrylovSpace() {
        // 256 channels, one frequency: the default rule stops after tens of steps; with no tolerance the
        // iteration runs all 256 steps, where the Krylov space is the whole space and the value exact
        Rng rng = new Rng(43);
        int c = 256;
        double[] k = new double[c * c * 9];
        for (int i = 0; i < k.length; i++) {
            k[i] = rng.uniform(-1, 1) / Math.sqrt(9 * c);
        }
        double exact = ConvSpectrum.sigmaMaxAt(k, c, c, 3, 3, 4, 1, 2, -1, c); // tolerance -1: never stops early
        assertEquals(exact, at(k, c, c, 3, 3, 4, 1, 2), TOL * exact);
    }

    private static double at(double[] k, int out, int in, int kh, int kw, int n, int u, int v) {
        return ConvSpectrum.sigmaMaxAt(k, out, in, kh, kw, n, u, v, ConvSpectrum.TOLERANCE, ConvSpectrum.MAX_STEPS);
    }

    @Test
    void tapsBeyondTheInputFoldModuloN() {
        // [layerwise] choice: at n = 2 a 3x3 kernel acts as its 2x2 fold; the reference's fft2 would crop it instead
        Rng rng = new Rng(19);
        double[] k = random(rng, 2 * 2 * 9);
        double[] folded = new double[2 * 2 * 4];
        double[] cropped = new double[2 * 2 * 4];
        for (int e = 0; e < 4; e++) {
            for (int p = 0; p < 3; p++) {
                for (int q = 0; q < 3; q++) {
                    folded[e * 4 + (p % 2) * 2 + q % 2] += k[e * 9 + p * 3 + q];
                    if (p < 2 && q < 2) {
                        cropped[e * 4 + p * 2 + q] = k[e * 9 + p * 3 + q];
                    }
                }
            }
        }
        double s = ConvSpectrum.sigmaMax(k, 2, 2, 3, 3, 2);
        assertEquals(ConvSpectrum.sigmaMax(folded, 2, 2, 2, 2, 2), s, TOL * s);
        assertNotEquals(ConvSpectrum.sigmaMax(cropped, 2, 2, 2, 2, 2), s, 1e-3 * s);
    }

    @Test
    void differenceOfKernels() {
        Rng rng = new Rng(23);
        float[] a = new float[4 * 3 * 9];
        float[] b = new float[a.length];
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.uniform(-1, 1);
            b[i] = (float) rng.uniform(-1, 1);
            d[i] = (double) b[i] - a[i];
        }
        double s = ConvSpectrum.sigmaMax(d, 4, 3, 3, 3, 5);
        assertEquals(s, ConvSpectrum.sigmaMaxOfDifference(b, a, 4, 3, 3, 3, 5), 1e-12 * s);
        assertEquals(0, ConvSpectrum.sigmaMaxOfDifference(a, a, 4, 3, 3, 3, 5), 0);
    }

    @Test
    void zeroKernelAndBadShapes() {
        assertEquals(0, ConvSpectrum.sigmaMax(new double[2 * 3 * 9], 2, 3, 3, 3, 4), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvSpectrum.sigmaMax(new double[10], 2, 3, 3, 3, 4));
        assertTrue(e.getMessage().contains("54 values, not 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvSpectrum.sigmaMax(new float[9], 1, 1, 3, 3, 0));
    }

    // ---- the independent reference ----

    private static double[] random(Rng rng, int size) {
        double[] k = new double[size];
        for (int i = 0; i < size; i++) {
            k[i] = rng.uniform(-1, 1);
        }
        return k;
    }

    /**
     * sigma_max of the (out n^2) x (in n^2) matrix of circular cross-correlation with padding
     * (kh/2, kw/2), as PyTorch's conv2d with circular padding: y[o,i,j] = sum K[o,c,p,q] x[c, i+p-ph, j+q-pw].
     */
    static double denseSigmaMax(double[] k, int out, int in, int kh, int kw, int n) {
        int rows = out * n * n;
        int cols = in * n * n;
        double[] a = new double[rows * cols];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int row = (o * n + i) * n + j;
                    for (int c = 0; c < in; c++) {
                        for (int p = 0; p < kh; p++) {
                            for (int q = 0; q < kw; q++) {
                                int x = Math.floorMod(i + p - kh / 2, n);
                                int y = Math.floorMod(j + q - kw / 2, n);
                                a[row * cols + (c * n + x) * n + y] += k[((o * in + c) * kh + p) * kw + q];
                            }
                        }
                    }
                }
            }
        }
        return matrixSigmaMax(a, rows, cols);
    }

    /** sigma_max of F[u,v] by Jacobi on the real 2in x 2in embedding [[Re, -Im], [Im, Re]]^T [[Re, -Im], [Im, Re]]. */
    static double frequencySigmaMax(double[] k, int out, int in, int kh, int kw, int n, int u, int v) {
        double[] m = new double[(2 * out) * (2 * in)];
        int cols = 2 * in;
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                double re = 0;
                double im = 0;
                for (int p = 0; p < kh; p++) {
                    for (int q = 0; q < kw; q++) {
                        double ang = -2 * Math.PI * (p * u + q * v) / n;
                        re += k[((o * in + c) * kh + p) * kw + q] * Math.cos(ang);
                        im += k[((o * in + c) * kh + p) * kw + q] * Math.sin(ang);
                    }
                }
                m[o * cols + c] = re;
                m[o * cols + in + c] = -im;
                m[(out + o) * cols + c] = im;
                m[(out + o) * cols + in + c] = re;
            }
        }
        return matrixSigmaMax(m, 2 * out, 2 * in);
    }

    /** sigma_max of a dense rows x cols matrix: sqrt of the largest eigenvalue of A^T A, by cyclic Jacobi. */
    static double matrixSigmaMax(double[] a, int rows, int cols) {
        double[] g = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            for (int j = i; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += a[r * cols + i] * a[r * cols + j];
                }
                g[i * cols + j] = s;
                g[j * cols + i] = s;
            }
        }
        double max = 0;
        for (double e : jacobiEigenvalues(g, cols)) {
            max = Math.max(max, e);
        }
        return Math.sqrt(max);
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, until the off-diagonal part is negligible. */
    static double[] jacobiEigenvalues(double[] s, int n) {
        double[] a = s.clone();
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i * n + i] * a[i * n + i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i * n + j] * a[i * n + j];
                }
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int r = 0; r < n; r++) { // columns p, q
                        double arp = a[r * n + p];
                        double arq = a[r * n + q];
                        a[r * n + p] = c * arp - sn * arq;
                        a[r * n + q] = sn * arp + c * arq;
                    }
                    for (int r = 0; r < n; r++) { // rows p, q
                        double apr = a[p * n + r];
                        double aqr = a[q * n + r];
                        a[p * n + r] = c * apr - sn * aqr;
                        a[q * n + r] = sn * apr + c * aqr;
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = a[i * n + i];
        }
        return ev;
    }
}
