package org.layerwise.analysis.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CriticalLrAlongRunTest {
    /**
     * Exact plain SGD under constant base gradients c (the model's own world): sigma'^2 = sigma^2 (1 + e^2),
     * e = eta c / sigma^2; learning rates that put some steps above the predicted critical LR.
     */
    private static double[][] exactRun(double[] lrs, double[] c, double[] sigma0, double[][] elrOut, double[] critOut) {
        double[] sigma = sigma0.clone();
        for (int t = 0; t < lrs.length; t++) {
            double[] r = new double[c.length];
            elrOut[t] = new double[c.length];
            for (int l = 0; l < c.length; l++) {
                r[l] = c[l] / (sigma[l] * sigma[l]);
                elrOut[t][l] = lrs[t] * r[l];
            }
            critOut[t] = CriticalLr.fromRatios(r);
            for (int l = 0; l < c.length; l++) {
                sigma[l] = ElrModel.nextSigma(sigma[l], lrs[t], c[l] / sigma[l]);
            }
        }
        return elrOut;
    }

    @Test
    void theExactMapKeepsTheOrderBelowTheCriticalLrAndSwapsAboveIt() {
        double[] lrs = {0.05, 0.1, 1.5, 0.2, 3, 0.5, 4, 20, 0.1, 60}; // lr / critical LR: 0.07 0.14 1.9 0.04 0.6 0.07 0.54 2.1 0.002 1.2
        double[] c = {1.0, 4.0, 0.5};
        double[] sigma0 = {1.0, 1.0, 1.0};
        double[][] elr = new double[lrs.length][];
        double[] crit = new double[lrs.length];
        exactRun(lrs, c, sigma0, elr, crit);
        double[] step = new double[lrs.length];
        for (int t = 0; t < step.length; t++) {
            step[t] = t;
        }
        CriticalLrAlongRun.Result r = CriticalLrAlongRun.of(step, lrs, crit, elr, 4, 0.25);
        assertEquals(lrs.length - 1, r.pairs());
        assertTrue(r.above() >= 2 && r.below() >= 2, "both sides are tested: " + r);
        assertEquals(r.below(), r.keptBelow(), "below the critical LR the exact map keeps the order: " + r);
        assertEquals(r.above(), r.swappedAbove(), "above it the extreme layers swap: " + r);
        assertEquals(1.0, r.agreement());
        assertEquals(0, r.widenedFarBelow(), "the deterministic map never widens the spread: " + r);
        for (int t = 0; t < lrs.length; t++) {
            assertEquals(lrs[t] / crit[t], r.ratio()[t], 1e-15);
        }
    }

    @Test
    void onlyConsecutiveStepsArePairedAndUnusableRowsAreCounted() {
        double[] step = {0, 1, 3, 4, 5};
        double[] lr = {0.1, 0.1, 0.1, 0.1, 0.1};
        double[] crit = {1, 1, 1, Double.NaN, 1};
        double[][] elr = {{0.1, 0.2}, {0.1, 0.2}, {0.2, 0.1}, {0.2, 0.1}, {0.2, 0.1}};
        CriticalLrAlongRun.Result r = CriticalLrAlongRun.of(step, lr, crit, elr, 4, 0.25);
        // steps (0,1) and (3,4) are judged; (1,3) is not consecutive; (4,5) has no prediction at step 4
        assertEquals(2, r.pairs(), r.toString());
        assertEquals(1, r.skipped(), r.toString());
        assertEquals(2, r.keptBelow());
        assertEquals(0, r.stepsAbove());
        assertTrue(Double.isNaN(r.ratio()[3]));
        assertEquals(0.1, r.ratioQuantile(0.5), 1e-15);
    }
}
