package org.layerwise.analysis;

import java.util.List;

/**
 * Trend/noise decomposition of weights along depth (reference denoising.py, scaling-reference.md 4.6).
 * With rescaled cumulative sums C_L(t) = L^(beta-1) sum_{j < floor(L t)} w_j on a grid t = i/n
 * (here linearly interpolated within a layer: identical when L t is an integer),
 * the trend integral I(t) is estimated as the mean of C_L over several independent depths (noise
 * averages out), the denoised weights are w_k = L^-beta n (I((i+1)/n) - I(i/n)) with i = floor(n k/L),
 * and the noise is what is left: L^(beta-1) cumsum_k (w_k - trend_k).
 * The reference hard-codes beta per setting and averages depths[-8:-4]; here beta is the fitted one
 * and the caller chooses the averaging depths.
 */
public final class TrendNoise {
    private TrendNoise() {
    }

    /**
     * @param trend    L^beta times the denoised weight, per layer, per entry (L x size)
     * @param noise    the rescaled cumulative noise L^(beta-1) cumsum(w - w_denoised), per layer, per entry
     * @param denoised the denoised weights themselves (L x size), for a loss check
     */
    public record Decomposition(int depth, double[] trend, double[] noise, double[] denoised) {
    }

    /** I(i/n) for i = 0..n, per entry: the depth-averaged rescaled cumulative sum. */
    public static double[] trendIntegral(List<WeightSequence> sequences, double beta, int grid) {
        int size = sequences.get(0).size();
        double[] integral = new double[(grid + 1) * size];
        for (WeightSequence w : sequences) {
            int len = w.length();
            double scale = Math.pow(len, beta - 1);
            double[] run = new double[size];
            int j = 0;
            for (int i = 0; i <= grid; i++) {
                double pos = (double) len * i / grid;
                int m = (int) Math.floor(pos);
                while (j < m) {
                    for (int e = 0; e < size; e++) {
                        run[e] += w.get(j, e);
                    }
                    j++;
                }
                // the reference sums the first floor(L t) layers; adding the fraction of the next one
                // makes C_L piecewise linear in t, which removes the floor jitter when L/n is small
                double frac = m < len ? pos - m : 0;
                for (int e = 0; e < size; e++) {
                    double partial = frac > 0 ? frac * w.get(m, e) : 0;
                    integral[i * size + e] += scale * (run[e] + partial) / sequences.size();
                }
            }
        }
        return integral;
    }

    public static Decomposition decompose(WeightSequence w, double[] integral, double beta, int grid) {
        int len = w.length();
        int size = w.size();
        double[] denoised = new double[len * size];
        double[] trend = new double[len * size];
        double[] noise = new double[len * size];
        double up = Math.pow(len, beta);
        double down = Math.pow(len, -beta);
        double cumScale = Math.pow(len, beta - 1);
        double[] run = new double[size];
        for (int k = 0; k < len; k++) {
            int idx = Math.min(grid - 1, (int) Math.floor((double) grid * k / len));
            for (int e = 0; e < size; e++) {
                double wbar = down * grid * (integral[(idx + 1) * size + e] - integral[idx * size + e]);
                denoised[k * size + e] = wbar;
                trend[k * size + e] = up * wbar;
                run[e] += w.get(k, e) - wbar;
                noise[k * size + e] = cumScale * run[e];
            }
        }
        return new Decomposition(len, trend, noise, denoised);
    }
}
