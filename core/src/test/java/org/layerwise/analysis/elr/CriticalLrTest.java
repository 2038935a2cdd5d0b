package org.layerwise.analysis.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriticalLrTest {

    @Test
    void predictedFromElrsEqualsPredictedFromRatios() {
        double[] r = {2, 5, 20, 0, Double.NaN};
        double eta = 0.1;
        double[] e = new double[r.length];
        for (int l = 0; l < r.length; l++) {
            e[l] = eta * r[l];
        }
        assertEquals(1 / Math.sqrt(40), CriticalLr.fromRatios(r), 1e-15);
        assertEquals(1 / Math.sqrt(40), CriticalLr.predicted(eta, e), 1e-15);
        assertTrue(Double.isNaN(CriticalLr.fromRatios(new double[] {0, Double.NaN})));
        assertEquals(2.0, CriticalLr.ratios(new double[] {2, 0}, new double[] {4, 1})[0]);
        assertTrue(Double.isNaN(CriticalLr.ratios(new double[] {2, 0}, new double[] {4, 1})[1]));
    }

    /** One exact SGD step at eta' from ratios r under constant base gradients: e = eta' r, e' = e / (1 + e^2). */
    static CriticalLr.Candidate exactStep(double lr, double[] r) {
        double[] before = new double[r.length];
        double[] after = new double[r.length];
        for (int l = 0; l < r.length; l++) {
            before[l] = lr * r[l];
            after[l] = ElrModel.nextElr(before[l]);
        }
        return CriticalLr.Candidate.of(lr, before, after);
    }

    @Test
    void swapBoundaryOfTheExactMapIsTheLargestCandidateBelowThePrediction() {
        double[] r = {2, 5, 20};
        double crit = CriticalLr.fromRatios(r); // 0.1581
        List<CriticalLr.Candidate> grid = new ArrayList<>();
        for (double lr : new double[] {0.3, 0.05, 0.2, 0.15, 0.1, 1.0}) { // unsorted on purpose
            grid.add(exactStep(lr, r));
        }
        CriticalLr.Grid g = CriticalLr.fromGrid(grid, 1);
        assertEquals(0.05, g.lrs()[0]);
        assertEquals(0.15, g.swapBoundary().lr());
        assertTrue(g.swapBoundary().lr() <= crit && crit < g.lrs()[g.swapBoundary().candidate() + 1]);
        assertFalse(g.swapBoundary().reason().contains("not monotone"), g.swapBoundary().reason());
        // the deterministic map never widens the spread, so every candidate qualifies and the largest is returned, flagged
        assertEquals(1.0, g.noWidening().lr());
        assertTrue(g.noWidening().reason().contains("largest tried"), g.noWidening().reason());
    }

    @Test
    void fastestDecayOfTwoLayersIsAtThePredictedCriticalRate() {
        // at eta_crit the two ELRs are e and 1/e, which the map sends to the same value: the spread collapses to 1
        double[] r = {2, 20};
        double crit = CriticalLr.fromRatios(r);
        List<CriticalLr.Candidate> grid = new ArrayList<>();
        for (double lr : new double[] {0.05, 0.1, crit, 0.2, 0.4}) {
            grid.add(exactStep(lr, r));
        }
        CriticalLr.Grid g = CriticalLr.fromGrid(grid, 1);
        assertEquals(crit, g.fastestDecay().lr());
        assertEquals(-Math.log(10), g.logSpreadChangePerStep()[2], 1e-12);
    }

    @Test
    void measuredGridWithNoiseAndDivergence() {
        double[] before = {0.01, 0.1, 1.0}; // extremes: layer 2 (max), layer 0 (min); S = 100, N = 10 steps
        List<CriticalLr.Candidate> grid = List.of(
                new CriticalLr.Candidate(0.01, 100, 101, before, new double[] {0.01, 0.1, 0.9}),  // widens by noise
                new CriticalLr.Candidate(0.1, 100, 20, before, new double[] {0.05, 0.1, 0.5}),
                new CriticalLr.Candidate(0.3, 100, 4, before, new double[] {0.1, 0.2, 0.1}),      // tie: keeps order
                new CriticalLr.Candidate(1.0, 100, 4, before, new double[] {0.3, 0.1, 0.2}),      // swapped; decays equally fast
                new CriticalLr.Candidate(3.0, 100, 50, before, new double[] {0.9, 0.2, 0.1}),     // swapped
                new CriticalLr.Candidate(10.0, 100, Double.NaN, before, new double[] {Double.NaN, 1, 1})); // diverged
        CriticalLr.Grid g = CriticalLr.fromGrid(grid, 10);
        assertEquals(0.3, g.swapBoundary().lr());
        assertEquals(2, g.swapBoundary().candidate());
        assertTrue(g.swapBoundary().reason().contains("1 candidate(s) could not be judged"), g.swapBoundary().reason());
        assertEquals(0.3, g.fastestDecay().lr()); // ties with 1.0: the smaller rate
        assertEquals(Math.log(4.0 / 100) / 10, g.logSpreadChangePerStep()[2], 1e-15);
        assertEquals(3.0, g.noWidening().lr());
        assertTrue(g.noWidening().reason().contains("not monotone: 0.01 widened below it"), g.noWidening().reason());
        assertTrue(g.widens()[5] && !g.keepsOrder()[5] && Double.isNaN(g.logSpreadChangePerStep()[5]));
    }

    @Test
    void noQualifyingCandidateGivesNaNWithAReason() {
        double[] before = {0.1, 1.0};
        CriticalLr.Grid g = CriticalLr.fromGrid(List.of(
                new CriticalLr.Candidate(0.5, 10, 12, before, new double[] {0.5, 0.2}),
                new CriticalLr.Candidate(2.0, 10, 30, before, new double[] {0.9, 0.03})), 5);
        for (CriticalLr.Estimate e : new CriticalLr.Estimate[] {g.swapBoundary(), g.fastestDecay(), g.noWidening()}) {
            assertTrue(Double.isNaN(e.lr()));
            assertFalse(e.found());
            assertTrue(e.reason().startsWith("no candidate"), e.reason());
        }
        // spreads only: the order cannot be judged
        CriticalLr.Grid spreadsOnly = CriticalLr.fromGrid(List.of(new CriticalLr.Candidate(0.5, 10, 5, null, null)), 1);
        assertFalse(spreadsOnly.swapBoundary().found());
        assertEquals(0.5, spreadsOnly.noWidening().lr());
    }

    @Test
    void malformedGridsAreRejected() {
        double[] e = {1, 2};
        assertThrows(IllegalArgumentException.class, () -> CriticalLr.fromGrid(List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> CriticalLr.fromGrid(List.of(CriticalLr.Candidate.of(0.1, e, e)), 0));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> CriticalLr.fromGrid(List.of(CriticalLr.Candidate.of(0.1, e, e), CriticalLr.Candidate.of(0.1, e, e)), 1));
        assertTrue(dup.getMessage().contains("0.1"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CriticalLr.fromGrid(List.of(CriticalLr.Candidate.of(0, e, e)), 1));
    }
}
