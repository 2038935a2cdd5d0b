package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule of the warning box, at and beside its threshold. */
class LimitsTest {
    @Test
    void shallowNetworksCannotShowTheSpreadEffects() {
        String t = Limits.depth("elr-trainability", 20, 29.4);
        assertTrue(t.contains("depth ≥ 56") && t.contains("at depth 20") && t.contains("29.4x"), t);
        assertTrue(Limits.depth("elr-constant-lr", 20, Double.NaN).contains("depth 20"));
        assertNull(Limits.depth("elr-trainability", 56, 29.4), "56 is deep enough");
        assertNull(Limits.depth("elr-trainability", 110, 29.4));
        assertNull(Limits.depth("elr-model-check", 20, 29.4), "the model check works at any depth");
        assertNull(Limits.depth("elr-train", 20, 29.4));
    }

    @Test
    void aWarmUpAtTheTargetFromStepZeroNeverEngaged() {
        assertTrue(Limits.atTargetFromStart(new double[] {0.5, 0.5}, 0.5));
        assertFalse(Limits.atTargetFromStart(new double[] {0.2, 0.5}, 0.5), "below the target at step 0: the warm-up engaged");
        assertFalse(Limits.atTargetFromStart(new double[0], 0.5), "no step recorded: nothing to say");
        assertNull(Limits.warmupNeverEngaged(List.of(), 2));
        String t = Limits.warmupNeverEngaged(List.of("short-elr-d20-s0 (twin of short-none-d20-s0)"), 2);
        assertTrue(t.contains("1 of 2") && t.contains("short-elr-d20-s0 (twin of short-none-d20-s0)") && t.contains("step 0"), t);
    }

    @Test
    void aCorrelationNeedsFiveDistinctSettings() {
        String four = Limits.fewSettings(4);
        assertTrue(four.contains("4 distinct") && four.contains("8.33 %"), four + " (2 of 4! = 24 orderings)");
        assertTrue(Limits.fewSettings(2).contains("whatever the data"));
        assertNull(Limits.fewSettings(5));
    }

    @Test
    void allRunsDiverged() {
        assertTrue(Limits.allDiverged(3, 3).contains("Every run (3) diverged"));
        assertNull(Limits.allDiverged(3, 2));
        assertNull(Limits.allDiverged(0, 0), "no run: nothing diverged");
    }
}
