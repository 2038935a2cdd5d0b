package org.layerwise.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedStatsTest {
    @Test
    void welchIntervalMatchesTheClosedForm() {
        // equal variances 1 and n 3: se = sqrt(2/3), dof = 4, t(0.975, 4) = 2.776445
        SeedStats.Difference d = SeedStats.difference(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        double h = 2.776445 * Math.sqrt(2.0 / 3);
        assertEquals(-3, d.mean(), 1e-12);
        assertEquals(-3 - h, d.lower(), 1e-5);
        assertEquals(-3 + h, d.upper(), 1e-5);
        assertTrue(d.below(0));
        assertEquals(0, d.seedsToDecide());
    }

    @Test
    void anIntervalThatContainsZeroSaysHowManySeedsWouldDecideIt() {
        SeedStats.Difference d = SeedStats.difference(new double[] {1, 3, 2}, new double[] {1.5, 2.5, 3.5});
        assertTrue(d.lower() < 0 && d.upper() > 0);
        assertTrue(d.seedsToDecide() > 3, "needs more than the 3 seeds it has: " + d.seedsToDecide());
    }

    @Test
    void tooFewSeedsGiveNoInterval() {
        SeedStats.Difference d = SeedStats.difference(new double[] {1}, new double[] {2, 3});
        assertTrue(Double.isNaN(d.lower()) && Double.isNaN(d.upper()));
    }

    @Test
    void spearmanOfMonotonePairsAndTies() {
        assertEquals(1, SeedStats.spearman(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 400}), 1e-12);
        assertEquals(-1, SeedStats.spearman(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-12);
        // ties share their average rank: ranks (1.5, 1.5, 3) and (1, 2, 3)
        assertEquals(0.8660254, SeedStats.spearman(new double[] {1, 1, 2}, new double[] {1, 2, 3}), 1e-6);
    }

    @Test
    void theBootstrapResamplesSeedsWithinSettingsAndIsOnePointPerSetting() {
        List<double[][]> settings = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            // well separated settings: x rises, y falls, seed scatter far below the separation
            settings.add(new double[][] {{s, -s}, {s + 0.01, -s - 0.01}, {s - 0.01, -s + 0.02}});
        }
        double[] rho = SeedStats.spearmanOverSettings(settings, 0);
        assertEquals(-1, rho[0], 1e-12);
        assertEquals(-1, rho[1], 1e-12);
        assertEquals(-1, rho[2], 1e-12);
        // overlapping settings: the same point estimate, but a wide interval (a percentile interval need not contain the estimate)
        List<double[][]> noisy = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            noisy.add(new double[][] {{s, -s}, {s + 4, -s + 5}, {s - 4, -s - 5}});
        }
        double[] r = SeedStats.spearmanOverSettings(noisy, 0);
        assertEquals(-1, r[0], 1e-12);
        assertTrue(r[2] - r[1] > 0.5 && r[2] > 0, java.util.Arrays.toString(r));
    }
}
