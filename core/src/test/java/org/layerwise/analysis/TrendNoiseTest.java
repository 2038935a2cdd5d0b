package org.layerwise.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrendNoiseTest {
    @Test
    void smoothWeightsAreTheirOwnTrendAndHaveNoNoise() {
        // W_k = L^-beta f(k/L) with f(s) = s: the trend recovers f, the noise is ~0
        double beta = 0.5;
        int grid = 100;
        List<WeightSequence> seqs = new java.util.ArrayList<>();
        for (int L : new int[] {400, 800}) {
            double[] v = new double[L];
            for (int k = 0; k < L; k++) {
                v[k] = Math.pow(L, -beta) * ((double) k / L);
            }
            seqs.add(new WeightSequence("w", L, 1, 1, v));
        }
        double[] integral = TrendNoise.trendIntegral(seqs, beta, grid);
        TrendNoise.Decomposition d = TrendNoise.decompose(seqs.get(1), integral, beta, grid);
        for (int k = 0; k < 800; k += 37) {
            assertEquals((double) k / 800, d.trend()[k], 0.011); // piecewise constant on the grid
        }
        for (double v : d.noise()) {
            assertEquals(0, v, 0.01);
        }
    }
}
