package org.layerwise.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Optimizers on f(p) = p^2 / 2 (gradient p), against values worked out by hand from torch.optim's
 * documented update rules.
 */
class OptimizerTest {
    @Test
    void sgdMomentumAndWeightDecay() {
        double[] p = {1.0};
        Sgd sgd = new Sgd(0.1, 0.9, 0, 0.01, false);
        sgd.step(p, new double[] {p[0]}); // g = 1 + 0.01 = 1.01, buf = 1.01, p = 1 - 0.101
        assertEquals(0.899, p[0], 1e-15);
        sgd.step(p, new double[] {p[0]}); // g = 0.899*1.01 = 0.90799, buf = 0.9*1.01 + 0.90799 = 1.81699
        assertEquals(0.899 - 0.181699, p[0], 1e-12);
    }

    @Test
    void sgdNesterov() {
        double[] p = {1.0};
        new Sgd(0.1, 0.5, 0, 0, true).step(p, new double[] {1.0}); // buf = 1, d = 1 + 0.5 = 1.5
        assertEquals(0.85, p[0], 1e-15);
    }

    @Test
    void adamFirstStepsMoveByLr() {
        double[] p = {1.0};
        Adam adam = new Adam(0.01, 0.9, 0.999, 1e-8, 0);
        adam.step(p, new double[] {p[0]});
        // bias-corrected m/sqrt(v) = g/|g| = 1 on the first step
        assertEquals(1.0 - 0.01 * 1 / (1 + 1e-8), p[0], 1e-12);
        double p1 = p[0];
        adam.step(p, new double[] {p1});
        double m = 0.9 * 0.1 * 1.0 + 0.1 * p1;
        double v = 0.999 * 0.001 * 1.0 + 0.001 * p1 * p1;
        double expected = p1 - (0.01 / (1 - 0.81)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 * 0.999) + 1e-8);
        assertEquals(expected, p[0], 1e-14);
    }

    @Test
    void rmsprop() {
        double[] p = {2.0};
        new RmsProp(0.01, 0.99, 1e-8, 0, 0).step(p, new double[] {2.0});
        // sq = 0.01 * 4 = 0.04, p -= 0.01 * 2 / (0.2 + 1e-8)
        assertEquals(2.0 - 0.01 * 2 / (0.2 + 1e-8), p[0], 1e-14);
    }
}
