package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerwise.analysis.elr.CriticalLr;

/**
 * The bracketing of the grid, the bounds of the empirical critical LRs, the pooling over batch offsets
 * and the widening statistic, on synthetic grids whose answers are known by construction.
 */
class CriticalLrBoundsTest {
    /**
     * Two layers with ELRs (2, 1) before (S = 2); after, S = 2 e^{change}, with the larger layer still
     * the larger when {@code keeps}, else the two swapped.
     */
    private static CriticalLr.Candidate cand(double lr, boolean keeps, double change) {
        double hi = 2 * Math.exp(change);
        double[] after = keeps ? new double[] {hi, 1} : new double[] {1, hi};
        return CriticalLr.Candidate.of(lr, new double[] {2, 1}, after);
    }

    /** A grid at learning rates 1, 2, 4, ... with the given order flags and ln S changes. */
    private static CriticalLr.Grid grid(boolean[] keeps, double[] change) {
        List<CriticalLr.Candidate> c = new ArrayList<>();
        for (int i = 0; i < keeps.length; i++) {
            c.add(cand(Math.pow(2, i), keeps[i], change[i]));
        }
        return CriticalLr.fromGrid(c, 1);
    }

    @Test
    void anInnerBoundaryIsBracketed() {
        CriticalLr.Grid g = grid(new boolean[] {true, true, false, false}, new double[] {-0.1, -0.3, 0.2, 0.4});
        CriticalLrAnalysis.Bounded swap = CriticalLrAnalysis.boundOfLargest(g, g.swapBoundary());
        assertEquals("=", swap.bound());
        assertEquals(2, swap.lr());
        CriticalLrAnalysis.Bounded widen = CriticalLrAnalysis.boundOfLargest(g, g.noWidening());
        assertEquals("=", widen.bound());
        assertEquals(2, widen.lr());
        CriticalLrAnalysis.Bounded fastest = CriticalLrAnalysis.boundOfFastest(g);
        assertEquals("=", fastest.bound());
        assertEquals(2, fastest.lr());
        assertEquals(0, CriticalLrAnalysis.extension(g), "bracketed on both sides: no extension");
    }

    @Test
    void aBoundaryAtTheTopIsALowerBoundAndExtendsUp() {
        CriticalLr.Grid g = grid(new boolean[] {true, true, true}, new double[] {-0.1, -0.2, -0.3});
        CriticalLrAnalysis.Bounded swap = CriticalLrAnalysis.boundOfLargest(g, g.swapBoundary());
        assertEquals(">=", swap.bound());
        assertEquals("≥", swap.symbol());
        assertEquals(4, swap.lr());
        assertEquals(">=", CriticalLrAnalysis.boundOfLargest(g, g.noWidening()).bound());
        assertEquals(">=", CriticalLrAnalysis.boundOfFastest(g).bound());
        assertEquals(CriticalLrAnalysis.UP, CriticalLrAnalysis.extension(g));
    }

    @Test
    void noQualifyingCandidateIsAnUpperBoundAtTheBottomAndExtendsDown() {
        CriticalLr.Grid g = grid(new boolean[] {false, false, false}, new double[] {0.1, 0.2, 0.3});
        CriticalLrAnalysis.Bounded swap = CriticalLrAnalysis.boundOfLargest(g, g.swapBoundary());
        assertFalse(g.swapBoundary().found());
        assertEquals("<=", swap.bound());
        assertEquals("≤", swap.symbol());
        assertEquals(1, swap.lr(), "at most the smallest candidate");
        assertEquals("<=", CriticalLrAnalysis.boundOfLargest(g, g.noWidening()).bound());
        CriticalLrAnalysis.Bounded fastest = CriticalLrAnalysis.boundOfFastest(g);
        assertNull(fastest.bound(), "nothing decayed: no bound");
        assertTrue(fastest.why().contains("no candidate reduced"));
        assertEquals(CriticalLrAnalysis.DOWN, CriticalLrAnalysis.extension(g));
    }

    @Test
    void fastestDecayAtTheBottomIsAnUpperBound() {
        CriticalLr.Grid g = grid(new boolean[] {true, true, false}, new double[] {-0.5, -0.2, 0.3});
        CriticalLrAnalysis.Bounded fastest = CriticalLrAnalysis.boundOfFastest(g);
        assertEquals("<=", fastest.bound());
        assertEquals(1, fastest.lr());
        assertEquals(CriticalLrAnalysis.DOWN, CriticalLrAnalysis.extension(g));
    }

    @Test
    void boundariesAtBothEdgesExtendBothWays() {
        // every candidate keeps its order (swap boundary at the top), none leaves the spread unwidened
        CriticalLr.Grid g = grid(new boolean[] {true, true, true}, new double[] {0.1, 0.2, 0.3});
        assertEquals(CriticalLrAnalysis.UP | CriticalLrAnalysis.DOWN, CriticalLrAnalysis.extension(g));
    }

    @Test
    void wideningCountsTheCandidatesWellAboveAndWellBelow() {
        // factors 0.1, 0.25, 1, 4, 10 at lrs 1, 2, 4, 8, 16; widens: no, yes, no, yes, yes
        double[] change = {-0.2, 0.1, -0.4, 0.3, 0.5};
        CriticalLr.Grid g = grid(new boolean[] {true, true, true, false, false}, change);
        double[] factors = {0.1, 0.25, 1, 4, 10};
        CriticalLrAnalysis.Widening w = CriticalLrAnalysis.widening(factors, g, 4, 0.25);
        assertEquals(2, w.nAbove());
        assertEquals(2, w.nBelow());
        assertEquals(1.0, w.above());
        assertEquals(0.5, w.below());
        assertEquals(0.4, w.meanLogAbove(), 1e-12);
        assertEquals(-0.05, w.meanLogBelow(), 1e-12);
        assertFalse(w.holds(), "half of the candidates below widen: not a majority that does not");

        CriticalLrAnalysis.Widening strict = CriticalLrAnalysis.widening(factors, g, 4, 0.1);
        assertEquals(1, strict.nBelow());
        assertEquals(0.0, strict.below());
        assertTrue(strict.holds(), "all above widen, the one below does not");

        CriticalLrAnalysis.Widening none = CriticalLrAnalysis.widening(factors, g, 20, 0.25);
        assertEquals(0, none.nAbove());
        assertTrue(Double.isNaN(none.above()));
        assertNull(none.holds(), "no candidate above: not judged");
    }

    @Test
    void aboveNotWideningInTheMajorityFailsTheClaim() {
        CriticalLr.Grid g = grid(new boolean[] {true, true, true, true}, new double[] {-0.1, -0.1, -0.2, 0.2});
        CriticalLrAnalysis.Widening w = CriticalLrAnalysis.widening(new double[] {0.25, 4, 8, 16}, g, 4, 0.25);
        assertEquals(1.0 / 3, w.above(), 1e-12);
        assertEquals(0.0, w.below());
        assertFalse(w.holds());
    }

    @Test
    void poolingOverBatchOffsetsAveragesTheLogSpreadChange() {
        // offset 0: S 2 -> 4 (ln change +ln 2); offset 1: S 4 -> 2 (-ln 2): the pooled candidate does not change S
        CriticalLr.Candidate c = CriticalLrAnalysis.pooled(1, List.of(new double[] {2, 1}, new double[] {4, 1}),
                List.of(new double[] {4, 1}, new double[] {2, 1}));
        assertEquals(Math.sqrt(8), c.spreadBefore(), 1e-12);
        assertEquals(Math.sqrt(8), c.spreadAfter(), 1e-12);
        assertEquals(Math.sqrt(8), c.elrBefore()[0], 1e-12);
        CriticalLr.Candidate one = CriticalLrAnalysis.pooled(1, List.<double[]>of(new double[] {2, 1}), List.<double[]>of(new double[] {3, 1}));
        assertEquals(2, one.spreadBefore());
        assertEquals(3, one.spreadAfter());
        // a diverged offset makes the pooled candidate diverged
        CriticalLr.Candidate bad = CriticalLrAnalysis.pooled(1, List.of(new double[] {2, 1}, new double[] {2, 1}),
                List.of(new double[] {2, 1}, new double[] {Double.NaN, Double.NaN}));
        assertFalse(Double.isFinite(bad.spreadAfter()));
    }
}
