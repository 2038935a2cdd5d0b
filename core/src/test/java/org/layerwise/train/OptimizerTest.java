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

    /** Per-group rates: one step over two groups equals separate steps of each group with its own rate. */
    @Test
    void groupLearningRates() {
        double[] p = {1, 2, 3, 4, 5};
        double[] g = {0.5, -1, 2, 1, -3};
        Sgd grouped = new Sgd(0.1, 0.9, 0, 0.01, false);
        grouped.setGroups(new int[] {0, 2, 5});
        grouped.setGroupLearningRates(new double[] {0.1, 0.01});
        double[] a = p.clone();
        grouped.step(a, g.clone());
        grouped.step(a, g.clone()); // twice: the momentum buffer carries over within each group
        double[] head = {1, 2};
        double[] tail = {3, 4, 5};
        Sgd h = new Sgd(0.1, 0.9, 0, 0.01, false);
        Sgd t = new Sgd(0.01, 0.9, 0, 0.01, false);
        for (int k = 0; k < 2; k++) {
            h.step(head, new double[] {0.5, -1});
            t.step(tail, new double[] {2, 1, -3});
        }
        assertEquals(head[0], a[0], 0.0);
        assertEquals(head[1], a[1], 0.0);
        assertEquals(tail[0], a[2], 0.0);
        assertEquals(tail[2], a[4], 0.0);
        // a global rate afterwards applies to every group
        grouped.setLearningRate(0);
        double[] before = a.clone();
        grouped.step(a, new double[5]);
        assertEquals(before[0], a[0], 0.0, "a global rate of 0 reaches every group");
    }

    /** Optimizer state survives a checkpoint: a restored Adam continues exactly. */
    @Test
    void stateRoundTripsThroughACheckpoint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        Adam a = new Adam(0.01, 0.9, 0.999, 1e-8, 0.001);
        double[] p = {1, -2, 3};
        a.step(p, new double[] {0.3, 0.1, -0.2});
        Checkpoint c = new Checkpoint();
        a.saveState(c, "opt.");
        c.write(tmp.resolve("c"));
        Adam b = new Adam(0.01, 0.9, 0.999, 1e-8, 0.001);
        b.restoreState(Checkpoint.read(tmp.resolve("c")), "opt.");
        double[] p1 = p.clone();
        double[] p2 = p.clone();
        a.step(p1, new double[] {0.2, -0.4, 0.1});
        b.step(p2, new double[] {0.2, -0.4, 0.1});
        org.junit.jupiter.api.Assertions.assertArrayEquals(p1, p2, 0.0);
    }
}
