package org.layerwise.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Statistics on sequences whose values are known in closed form. */
class WeightStatisticsTest {
    private static WeightSequence scalars(double... v) {
        return new WeightSequence("w", v.length, 1, 1, v);
    }

    @Test
    void linearRampHasKnownValues() {
        int n = 50;
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = k; // W_k = k
        }
        WeightSequence w = scalars(v);
        assertEquals(49, WeightStatistics.maxFrobenius(w), 0);
        assertEquals(Math.sqrt(49.0 * 50 * 99 / 6), WeightStatistics.rootSsq(w), 1e-9); // sum k^2
        assertEquals(49, WeightStatistics.quadraticVariation(w), 1e-12);            // 49 unit steps
        assertEquals(Math.sqrt(50 * 49), WeightStatistics.h1(w), 1e-12);
        assertEquals(1, WeightStatistics.maxIncrement(w), 1e-12);
        assertEquals(49.0 * 50 / 2, WeightStatistics.cumsumNorm(w), 1e-9);
    }

    @Test
    void alternatingSequence() {
        double[] v = new double[11];
        for (int k = 0; k < v.length; k++) {
            v[k] = k % 2 == 0 ? 1 : -1;
        }
        WeightSequence w = scalars(v);
        assertEquals(4.0 * 10, WeightStatistics.quadraticVariation(w), 1e-12);
        assertEquals(2, WeightStatistics.maxIncrement(w), 1e-12);
        assertEquals(1, WeightStatistics.cumsumNorm(w), 1e-12);
    }

    @Test
    void constantSequenceHasNoRoughnessAndZeroDetrendedCumsumInTheMiddle() {
        double[] v = new double[8];
        java.util.Arrays.fill(v, 3);
        WeightSequence w = scalars(v);
        assertEquals(0, WeightStatistics.quadraticVariation(w), 0);
        assertEquals(0, WeightStatistics.maxIncrement(w), 0);
        // L < 10: bridge detrending; S_k = 3k is exactly linear, so S_k - (k/L) S_L = 0
        assertEquals(0, WeightStatistics.detrendedCumsum(w), 1e-12);
    }

    @Test
    void detrendedCumsumMovingAverageMatchesDirectDefinition() {
        // L = 20, window w = max(3, 2) = 3; W_k = (-1)^k k: compare with a literal transcription
        int n = 20;
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = (k % 2 == 0 ? 1 : -1) * k;
        }
        double[] s = new double[n + 1];
        for (int k = 0; k < n; k++) {
            s[k + 1] = s[k] + v[k];
        }
        int win = 3;
        double best = 0;
        for (int k = 1; k < n; k++) {
            int lo = k < win ? 0 : (k < n - win ? k - win : 2 * k - n);
            int hi = k < win ? 2 * k : (k < n - win ? k + win : n);
            double mean = 0;
            for (int j = lo; j < hi; j++) {
                mean += s[j];
            }
            mean /= hi - lo;
            best = Math.max(best, Math.abs(s[k] - mean));
        }
        assertEquals(best, WeightStatistics.detrendedCumsum(scalars(v)), 1e-12);
    }

    @Test
    void spectralNormIsTheLargestSingularValueNotFrobenius() {
        double[] diag = {3, 0, 0, 0, -5, 0, 0, 0, 1};
        assertEquals(5, SpectralNorm.of(diag, 0, 3, 3), 1e-10);
        // rank one u v^T: sigma = |u| |v| = sqrt(14) * sqrt(2); Frobenius is the same here, so also a non-rank-one case
        double[] uv = new double[9];
        double[] u = {1, 2, 3};
        double[] vv = {1, -1, 0};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                uv[i * 3 + j] = u[i] * vv[j];
            }
        }
        assertEquals(Math.sqrt(14) * Math.sqrt(2), SpectralNorm.of(uv, 0, 3, 3), 1e-10);
        // [[1,1],[0,1]]: sigma_max = golden ratio, Frobenius = sqrt 3
        assertEquals((1 + Math.sqrt(5)) / 2, SpectralNorm.of(new double[] {1, 1, 0, 1}, 0, 2, 2), 1e-10);
        Map<String, Double> st = WeightStatistics.compute(new WeightSequence("A", 1, 2, 2, new double[] {1, 1, 0, 1}));
        assertEquals(Math.sqrt(3), st.get(WeightStatistics.MAX_FROBENIUS), 1e-12);
        assertEquals((1 + Math.sqrt(5)) / 2, st.get(WeightStatistics.MAX_SPECTRAL), 1e-10);
    }
}
