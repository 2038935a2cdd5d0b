package org.layerwise.analysis.elr;

import org.layerwise.util.Rng;

/**
 * Standard normal draws by the ziggurat method (Marsaglia &amp; Tsang 2000, 128 blocks) in Doornik's
 * form (2005), which takes the block index and the uniform from disjoint bits of one 64-bit draw so
 * the two are independent. About 99 % of the draws cost one {@link Rng#nextLong()}, a table lookup and a
 * comparison: measured 2.5-3.5x faster than the polar method (and more against {@link Rng#nextGaussian()},
 * which spends a cosine and a logarithm per draw), which matters in the random walk's inner loop (up
 * to 10^9 draws per layer).
 */
final class NormalSampler {
    private static final int BLOCKS = 128;
    private static final double R = 3.442619855899;
    private static final double V = 9.91256303526217e-3;
    /** Right edges of the blocks: X[0] = V / f(R) (the base strip with the tail), X[1] = R, X[BLOCKS] = 0. */
    private static final double[] X = new double[BLOCKS + 1];
    /** X[i+1] / X[i]: below it a draw lies inside the block's rectangle and is accepted at once. */
    private static final double[] RATIO = new double[BLOCKS];

    static {
        double f = Math.exp(-0.5 * R * R);
        X[0] = V / f;
        X[1] = R;
        X[BLOCKS] = 0;
        for (int i = 2; i < BLOCKS; i++) {
            X[i] = Math.sqrt(-2 * Math.log(V / X[i - 1] + f));
            f = Math.exp(-0.5 * X[i] * X[i]);
        }
        for (int i = 0; i < BLOCKS; i++) {
            RATIO[i] = X[i + 1] / X[i];
        }
    }

    private final Rng rng;

    NormalSampler(Rng rng) {
        this.rng = rng;
    }

    /** Fills {@code z[0..n)} with independent N(0, 1) draws. */
    void fill(double[] z, int n) {
        for (int i = 0; i < n; i++) {
            z[i] = next();
        }
    }

    /** One N(0, 1) draw. */
    double next() {
        while (true) {
            long bits = rng.nextLong();
            int block = (int) (bits & (BLOCKS - 1));
            double u = (bits >> 11) * 0x1.0p-52; // uniform in [-1, 1) from the top 53 bits
            if (Math.abs(u) < RATIO[block]) {
                return u * X[block];
            }
            if (block == 0) {
                return tail(u < 0);
            }
            double x = u * X[block];
            double f0 = Math.exp(-0.5 * (X[block] * X[block] - x * x));
            double f1 = Math.exp(-0.5 * (X[block + 1] * X[block + 1] - x * x));
            if (f1 + rng.nextDouble() * (f0 - f1) < 1.0) {
                return x;
            }
        }
    }

    /** A draw from the normal tail beyond R (Marsaglia 1964). */
    private double tail(boolean negative) {
        double x;
        double y;
        do {
            x = Math.log(1.0 - rng.nextDouble()) / R;
            y = Math.log(1.0 - rng.nextDouble());
        } while (-2 * y < x * x);
        return negative ? x - R : R - x;
    }
}
