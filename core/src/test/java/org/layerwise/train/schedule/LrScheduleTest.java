package org.layerwise.train.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerwise.analysis.elr.BaseGradients;
import org.layerwise.analysis.elr.ElrModel;
import org.layerwise.analysis.elr.ElrTrajectory;
import org.layerwise.config.ConfigException;

class LrScheduleTest {

    @Test
    void constantStepAndCosineAtHandComputedSteps() {
        LrSchedule constant = LrSchedule.constant(0.1);
        assertEquals(0.1, constant.lr(0));
        assertEquals(0.1, constant.lr(1_000_000_000_000L));

        LrSchedule step = LrSchedule.step(1.0, new long[] {10, 20}, 0.1);
        assertEquals(1.0, step.lr(0));
        assertEquals(1.0, step.lr(9));
        assertEquals(0.1, step.lr(10), 1e-15);
        assertEquals(0.1, step.lr(19), 1e-15);
        assertEquals(0.01, step.lr(20), 1e-15);
        assertEquals(0.01, step.lr(5000), 1e-15);

        LrSchedule cosine = LrSchedule.cosine(1.0, 0.1, 100);
        assertEquals(1.0, cosine.lr(0), 1e-15);
        assertEquals(0.1 + 0.9 * (1 + Math.sqrt(0.5)) / 2, cosine.lr(25), 1e-15);
        assertEquals(0.55, cosine.lr(50), 1e-15);
        assertEquals(0.1 + 0.9 * (1 - Math.sqrt(0.5)) / 2, cosine.lr(75), 1e-15);
        assertEquals(0.1, cosine.lr(100), 1e-15);
        assertEquals(0.1, cosine.lr(1000), 1e-15);
        for (LrSchedule s : new LrSchedule[] {constant, step, cosine}) {
            assertFalse(s.needsMeasurement(0));
            assertFalse(s.usesMeasurements());
            assertEquals(0, s.exportState().length);
        }
    }

    @Test
    void linearWarmupRampsTheTargetFromItsStartFraction() {
        LrSchedule warm = LrSchedule.constant(1.0).withLinearWarmup(4, 0.2);
        double[] expected = {0.2, 0.4, 0.6, 0.8, 1.0, 1.0};
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t], warm.lr(t), 1e-15, "step " + t);
        }
        LrSchedule overCosine = LrSchedule.cosine(2.0, 0.0, 10).withLinearWarmup(5, 0.0);
        assertEquals(0.0, overCosine.lr(0));
        assertEquals(0.4 * (1 + Math.cos(Math.PI * 2 / 10)), overCosine.lr(2), 1e-15); // factor 2/5 times the cosine
        assertEquals(1 + Math.cos(Math.PI * 7 / 10), overCosine.lr(7), 1e-15);
        assertTrue(((LinearWarmup) warm).active(3));
        assertFalse(((LinearWarmup) warm).active(4));
        assertEquals(LrSchedule.constant(1.0), LrSchedule.constant(1.0).withoutWarmup());
    }

    @Test
    void elrWarmupIsTheMinimumOfTargetAndCriticalRateUntilThatExceedsTheTarget() {
        ElrWarmup warm = LrSchedule.constant(1.0).withElrWarmup();
        assertTrue(warm.active());
        assertTrue(warm.needsMeasurement(0));
        // r = 4, 0.5 -> eta_crit = 1/sqrt(2) < 1
        assertEquals(1 / Math.sqrt(2), warm.lr(0, new double[] {1, 2}, new double[] {4, 1}), 1e-15);
        assertEquals(1 / Math.sqrt(2), warm.lastCriticalLr(), 1e-15);
        assertArrayEquals(new double[] {1 / Math.sqrt(2), 1 / Math.sqrt(2)}, warm.rates(1, new double[] {1, 2}, new double[] {4, 1}), 1e-15);
        assertTrue(warm.active());
        // r = 1, 0.5 -> eta_crit = sqrt(2) > 1: the warm-up ends at step 2
        assertEquals(1.0, warm.lr(2, new double[] {1, 2}, new double[] {1, 1}));
        assertFalse(warm.active());
        assertEquals(2, warm.endedAt());
        assertFalse(warm.needsMeasurement(3));
        assertEquals(1.0, warm.lr(3));
        // once ended, a small critical rate no longer caps
        assertEquals(1.0, warm.lr(4, new double[] {1, 2}, new double[] {40, 10}));
        assertThrows(IllegalStateException.class, () -> LrSchedule.constant(1.0).withElrWarmup().lr(0));

        // the cap-every-step variant keeps capping
        ElrWarmup cap = new ElrWarmup(LrSchedule.constant(1.0), false);
        assertEquals(1.0, cap.lr(0, new double[] {1}, new double[] {0.5}));
        assertEquals(0.25, cap.lr(1, new double[] {1}, new double[] {4}), 1e-15);
        assertTrue(cap.active());

        // no usable layer: the target, and the warm-up stays active
        ElrWarmup blind = LrSchedule.constant(1.0).withElrWarmup();
        assertEquals(1.0, blind.lr(0, new double[] {1, 1}, new double[] {0, Double.NaN}));
        assertTrue(blind.active());
    }

    @Test
    void elrWarmupStateRoundTripsSoAResumedRunContinuesIdentically() {
        ElrWarmup first = LrSchedule.step(1.0, new long[] {100}, 0.1).withElrWarmup();
        first.lr(0, new double[] {1}, new double[] {4});
        first.lr(1, new double[] {1}, new double[] {0.5}); // crit 2 > 1: ends at 1
        long[] state = first.exportState();
        assertArrayEquals(new long[] {1}, state);
        ElrWarmup resumed = LrSchedule.step(1.0, new long[] {100}, 0.1).withElrWarmup();
        resumed.importState(state);
        assertFalse(resumed.active());
        assertEquals(first.lr(150, new double[] {1}, new double[] {40}), resumed.lr(150, new double[] {1}, new double[] {40}));
        assertEquals(0.1, resumed.lr(150, new double[] {1}, new double[] {40}), 1e-15);
        ElrWarmup fresh = LrSchedule.step(1.0, new long[] {100}, 0.1).withElrWarmup();
        assertEquals(0.025, fresh.lr(150, new double[] {1}, new double[] {40}), 1e-15, "without the state the cap would apply again");
        assertThrows(IllegalArgumentException.class, () -> resumed.importState(new long[] {1, 2}));
        // nested: constrained ELR whose other parameters run an ELR warm-up
        ConstrainedElr nested = new ConstrainedElr(LrSchedule.constant(0.01), LrSchedule.constant(0.5).withElrWarmup());
        assertEquals(1, nested.stateLength());
        nested.importState(new long[] {7});
        assertArrayEquals(new long[] {7}, nested.exportState());
    }

    @Test
    void elrWarmupInTheModelRunsAtTheCriticalRateThenHandsOver() {
        // closed loop: the model's own sigma_t and ||g_t|| feed the warm-up at every step
        double[] sigma0 = {0.05, 1.0, 3.0};
        double[] c = {1.0, 1.0, 0.5};
        double target = 0.5;
        ElrWarmup warm = LrSchedule.constant(target).withElrWarmup();
        ElrTrajectory tr = ElrModel.sgd().run(sigma0, BaseGradients.constant(c), warm, 200);
        assertFalse(warm.active());
        long end = warm.endedAt();
        assertTrue(end > 0 && end < 200, "ended at " + end);
        for (int t = 0; t < 200; t++) {
            double rmax = 0;
            double rmin = Double.POSITIVE_INFINITY;
            for (int l = 0; l < 3; l++) {
                double r = tr.gradNorm()[t][l] / tr.sigma()[t][l];
                rmax = Math.max(rmax, r);
                rmin = Math.min(rmin, r);
            }
            double crit = 1 / Math.sqrt(rmax * rmin);
            double expected = t < end ? Math.min(target, crit) : target;
            assertEquals(expected, tr.lr()[t][0], 1e-15 * expected, "step " + t);
            if (t < end) {
                assertTrue(crit < target);
            }
        }
        assertTrue(1 / Math.sqrt(maxRatio(tr, (int) end) * minRatio(tr, (int) end)) >= target);
        // at the critical rate e_max e_min = 1, and the map sends e and 1/e to the same value: the two extreme layers meet
        assertTrue(tr.spread()[1] < tr.spread()[0] / 50, tr.spread()[0] + " -> " + tr.spread()[1]);
    }

    private static double maxRatio(ElrTrajectory tr, int t) {
        double m = 0;
        for (int l = 0; l < tr.layers(); l++) {
            m = Math.max(m, tr.gradNorm()[t][l] / tr.sigma()[t][l]);
        }
        return m;
    }

    private static double minRatio(ElrTrajectory tr, int t) {
        double m = Double.POSITIVE_INFINITY;
        for (int l = 0; l < tr.layers(); l++) {
            m = Math.min(m, tr.gradNorm()[t][l] / tr.sigma()[t][l]);
        }
        return m;
    }

    @Test
    void twoLayerWarmupStepCollapsesTheSpread() {
        ElrTrajectory tr = ElrModel.sgd().run(new double[] {0.1, 2.0}, BaseGradients.constant(1.0, 2),
                LrSchedule.constant(10.0).withElrWarmup(), 2);
        assertEquals(1.0, tr.spread()[1], 1e-12);
        assertTrue(tr.spread()[0] > 100);
    }

    @Test
    void constrainedElrGivesEveryLayerTheTargetElr() {
        ConstrainedElr s = new ConstrainedElr(LrSchedule.constant(0.01), LrSchedule.constant(0.2));
        assertTrue(s.perLayer());
        double[] rates = s.rates(0, new double[] {2, 0.5, 1, 1}, new double[] {4, 0.1, 0, Double.NaN});
        assertArrayEquals(new double[] {0.005, 0.05, 0, 0}, rates, 1e-17);
        assertEquals(0.2, s.lr(0, new double[] {2}, new double[] {4}));
        ElrTrajectory tr = ElrModel.sgd().run(new double[] {0.05, 1, 30}, BaseGradients.constant(new double[] {1, 3, 0.2}),
                new ConstrainedElr(LrSchedule.cosine(0.1, 0.01, 50), LrSchedule.constant(0.2)), 60);
        for (int t = 0; t < 60; t++) {
            double e = LrSchedule.cosine(0.1, 0.01, 50).lr(t);
            for (int l = 0; l < 3; l++) {
                assertEquals(e, tr.elr()[t][l], 1e-15 * e);
            }
            assertEquals(1.0, tr.spread()[t], 1e-14);
        }
        assertTrue(s.describe().contains("beyond the paper"));
    }

    @Test
    void invalidSettingsNameTheSetting() {
        ConfigException gamma = assertThrows(ConfigException.class, () -> LrSchedule.step(1, new long[] {5}, 0));
        assertTrue(gamma.getMessage().startsWith("gamma"), gamma.getMessage());
        ConfigException milestones = assertThrows(ConfigException.class, () -> LrSchedule.step(1, new long[] {5, 5}, 0.1));
        assertTrue(milestones.getMessage().contains("[5, 5]"), milestones.getMessage());
        assertThrows(ConfigException.class, () -> LrSchedule.cosine(0.1, 0.2, 10));
        assertThrows(ConfigException.class, () -> LrSchedule.cosine(0.1, 0.0, 0));
        assertThrows(ConfigException.class, () -> LrSchedule.constant(Double.NaN));
        assertThrows(ConfigException.class, () -> LrSchedule.constant(1).withLinearWarmup(0, 0.1));
        assertThrows(ConfigException.class, () -> LrSchedule.constant(1).withLinearWarmup(5, 1.5));
        ConfigException perLayer = assertThrows(ConfigException.class,
                () -> new ConstrainedElr(LrSchedule.constant(1).withElrWarmup(), LrSchedule.constant(1)));
        assertTrue(perLayer.getMessage().startsWith("target-elr"), perLayer.getMessage());
        assertThrows(ConfigException.class,
                () -> new ElrWarmup(new ConstrainedElr(LrSchedule.constant(0.01), LrSchedule.constant(1))));
    }
}
