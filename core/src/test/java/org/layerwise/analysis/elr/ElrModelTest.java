package org.layerwise.analysis.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerwise.config.ConfigException;
import org.layerwise.util.Rng;

class ElrModelTest {

    /** Initial norms that give the requested ELRs at learning rate lr and base gradients c: sigma^2 = lr c / e. */
    static double[] sigmaFor(double[] e, double lr, double[] c) {
        double[] s = new double[e.length];
        for (int l = 0; l < e.length; l++) {
            s[l] = Math.sqrt(lr * c[l] / e[l]);
        }
        return s;
    }

    static double rel(double expected, double actual) {
        return Math.abs(actual - expected) / Math.abs(expected);
    }

    @Test
    void recursionFollowsTheOneStepMapExactly() {
        // every step is compared with the map applied to the model's own previous ELR, so rounding does not accumulate:
        // a few ulps per step (sqrt, square, division) is all that can differ
        double[] e0 = {1e-3, 0.05, 0.7, 1.0, 3.0, 40.0};
        double[] c = {0.3, 1.0, 2.0, 0.5, 7.0, 1.5};
        double lr = 0.2;
        ElrTrajectory tr = ElrModel.sgd().run(sigmaFor(e0, lr, c), BaseGradients.constant(c), LearningRates.constant(lr), 500);
        for (int l = 0; l < e0.length; l++) {
            assertEquals(e0[l], tr.elr()[0][l], 1e-15 * e0[l]);
            for (int t = 0; t + 1 < tr.steps(); t++) {
                double e = tr.elr()[t][l];
                assertTrue(rel(ElrModel.nextElr(e), tr.elr()[t + 1][l]) < 1e-14, "layer " + l + " step " + t);
                double x = Math.log(e);
                assertEquals(ElrModel.nextLogElr(x), Math.log(tr.elr()[t + 1][l]), 1e-13);
                // plain SGD: relative step = ELR and the angle is atan(e)
                assertTrue(rel(e, tr.relativeStep()[t][l]) < 1e-15);
                assertTrue(rel(Math.atan(e), tr.angularUpdate()[t][l]) < 1e-14);
            }
        }
    }

    @Test
    void scheduleChangeScalesTheMapByTheLearningRateRatio() {
        double[] e0 = {0.01, 0.3, 2.5};
        double[] c = {1.0, 2.0, 0.5};
        double[] lr = new double[60];
        for (int t = 0; t < lr.length; t++) {
            lr[t] = t < 20 ? 0.5 : t < 40 ? 0.05 : 0.005 * (1 + t % 3);
        }
        ElrTrajectory tr = ElrModel.sgd().run(sigmaFor(e0, lr[0], c), BaseGradients.constant(c), LearningRates.global(lr), lr.length);
        for (int l = 0; l < e0.length; l++) {
            for (int t = 0; t + 1 < lr.length; t++) {
                double expected = ElrModel.nextElr(tr.elr()[t][l], lr[t + 1] / lr[t]);
                assertTrue(rel(expected, tr.elr()[t + 1][l]) < 1e-14, "layer " + l + " step " + t);
            }
        }
    }

    @Test
    void spreadRatioAcrossAScheduleChangeDoesNotDependOnTheNewRate() {
        // e_{t+1} = k e_t / (1 + e_t^2) for all layers: a common factor k cancels in max/min, so
        // S_{t+1} / S_t = (1 + e_min^2) / (1 + e_max^2) whatever the step's gamma (while the extreme layers keep order)
        Rng rng = new Rng(11);
        int layers = 30;
        double[] e0 = new double[layers];
        double[] c = new double[layers];
        for (int l = 0; l < layers; l++) {
            e0[l] = Math.exp(rng.uniform(Math.log(0.02), Math.log(0.9)));
            c[l] = rng.uniform(0.5, 3);
        }
        int milestone = 15;
        for (double gamma : new double[] {1.0, 0.1, 0.01}) {
            double[] lr = new double[30];
            for (int t = 0; t < lr.length; t++) {
                lr[t] = t < milestone ? 0.4 : 0.4 * gamma;
            }
            ElrTrajectory tr = ElrModel.sgd().run(sigmaFor(e0, 0.4, c), BaseGradients.constant(c), LearningRates.global(lr), lr.length);
            double[] before = tr.elr()[milestone - 1];
            Spread s = Spread.of(before);
            double emax = before[s.argmax()];
            double emin = before[s.argmin()];
            double expected = (1 + emin * emin) / (1 + emax * emax);
            assertTrue(rel(expected, tr.spread()[milestone] / tr.spread()[milestone - 1]) < 1e-13, "gamma " + gamma);
            for (int l = 0; l < layers; l++) {
                assertTrue(rel(gamma * ElrModel.nextElr(before[l]), tr.elr()[milestone][l]) < 1e-14);
            }
        }
    }

    @Test
    void closeToTheContinuousSolutionWithinAGapThatShrinksLikeE0Squared() {
        // With u = e^-2 the map is u' = u + 2 + 1/u, so u_t = u0 + 2t + sum_{s<t} 1/u_s >= u0 + 2t: the discrete ELR stays
        // below e(t) = (u0 + 2t)^-1/2, and the gap 1 - e_t/e(t) <= (1/2) (t/u0) / (u0 + 2t) < e0^2/4 for all t.
        // Its largest value is about e0^2/(4e) (near t = 0.86/e0^2), hence the lower check at e0^2/20: a model that
        // stepped differently (e.g. e' = e/(1+e)) misses both.
        double lr = 0.1;
        double c = 2.0;
        double previousGap = Double.NaN;
        for (double e0 : new double[] {0.2, 0.1, 0.05, 0.02}) {
            int steps = (int) Math.ceil(2 / (e0 * e0));
            double sigma0 = Math.sqrt(lr * c / e0);
            ElrTrajectory tr = ElrModel.sgd().run(new double[] {sigma0}, BaseGradients.constant(c, 1), LearningRates.constant(lr), steps);
            double maxGap = 0;
            double maxSigmaGap = 0;
            for (int t = 0; t < steps; t++) {
                double cont = ElrModel.continuousElr(e0, t);
                double gap = 1 - tr.elr()[t][0] / cont;
                assertTrue(gap >= -1e-13, "the discrete ELR must stay below the continuous one");
                maxGap = Math.max(maxGap, gap);
                double sigmaGap = tr.sigma()[t][0] / ElrModel.continuousSigma(sigma0, lr, c, t) - 1;
                maxSigmaGap = Math.max(maxSigmaGap, Math.abs(sigmaGap));
            }
            assertTrue(maxGap <= e0 * e0 / 4, "e0 " + e0 + ": gap " + maxGap);
            assertTrue(maxGap >= e0 * e0 / 20, "e0 " + e0 + ": gap " + maxGap);
            // sigma^2 = lr c / e: the norm's gap is about half the ELR's
            assertTrue(maxSigmaGap <= e0 * e0 / 8, "e0 " + e0 + ": sigma gap " + maxSigmaGap);
            if (!Double.isNaN(previousGap)) {
                assertTrue(maxGap < previousGap / 3, "the gap must shrink with e0");
            }
            previousGap = maxGap;
        }
    }

    @Test
    void constantLearningRateDrivesEveryRatioToOneAndNeverWidensTheSpread() {
        // log map slope -tanh(x): one step shrinks ln S by at least the factor max |tanh| over [x_min, x_max]
        Rng rng = new Rng(5);
        int layers = 40;
        double[] e0 = new double[layers];
        double[] c = new double[layers];
        for (int l = 0; l < layers; l++) {
            e0[l] = Math.exp(rng.uniform(Math.log(0.05), Math.log(20)));
            c[l] = rng.uniform(0.1, 10);
        }
        int steps = 20000;
        ElrTrajectory tr = ElrModel.sgd().run(sigmaFor(e0, 0.3, c), BaseGradients.constant(c), LearningRates.constant(0.3), steps);
        assertTrue(tr.logSpread()[0] > Math.log(100));
        for (int t = 0; t + 1 < steps; t++) {
            double[] e = tr.elr()[t];
            Spread s = Spread.of(e);
            double contraction = Math.max(Math.abs(Math.tanh(Math.log(e[s.argmax()]))), Math.abs(Math.tanh(Math.log(e[s.argmin()]))));
            assertTrue(contraction < 1);
            assertTrue(tr.logSpread()[t + 1] <= contraction * tr.logSpread()[t] + 1e-13, "step " + t);
        }
        // u_t ~ 2t for every layer once t >> max u0 (<= 400 here), so every ratio is within ~1 % of 1 at t = 20000
        double[] last = tr.elr()[steps - 1];
        for (int l = 0; l < layers; l++) {
            assertEquals(1.0, last[l] / last[0], 0.01);
        }
        assertTrue(tr.spread()[steps - 1] < 1.01, "spread " + tr.spread()[steps - 1]);
    }

    @Test
    void logMapSlopeIsMinusTanh() {
        for (double x : new double[] {-5, -1, -0.1, 0, 0.3, 2, 8}) {
            double h = 1e-6;
            double numeric = (ElrModel.nextLogElr(x + h) - ElrModel.nextLogElr(x - h)) / (2 * h);
            assertEquals(ElrModel.logMapSlope(x), numeric, 1e-8);
            assertEquals(Math.log(ElrModel.nextElr(Math.exp(x))), ElrModel.nextLogElr(x), 1e-14);
        }
        // no overflow far out
        assertEquals(-400, ElrModel.nextLogElr(400), 1e-9);
        assertEquals(1e-200, ElrModel.nextElr(1e200), 1e-214);
    }

    @Test
    void weightDecayWithoutMomentumFollowsTheExactFormula() {
        double lambda = 5e-3;
        double[] sigma0 = {3.0, 0.4};
        double[] c = {0.8, 2.0};
        double[] lr = new double[400];
        for (int t = 0; t < lr.length; t++) {
            lr[t] = 0.5 * (1 + Math.cos(Math.PI * t / lr.length)) + 0.01;
        }
        ElrTrajectory tr = ElrModel.of(0, lambda).run(sigma0, BaseGradients.constant(c), LearningRates.global(lr), lr.length);
        for (int l = 0; l < 2; l++) {
            double s = sigma0[l] * sigma0[l];
            for (int t = 0; t < lr.length; t++) {
                double g2 = c[l] * c[l] / s;
                double decay = 1 - lr[t] * lambda;
                // relative step ||lr (g + lambda w)|| / sigma and angle atan2(lr ||g||, (1 - lr lambda) sigma)
                assertTrue(rel(lr[t] * Math.sqrt(g2 + lambda * lambda * s) / Math.sqrt(s), tr.relativeStep()[t][l]) < 1e-13);
                assertTrue(rel(Math.atan2(lr[t] * Math.sqrt(g2), decay * Math.sqrt(s)), tr.angularUpdate()[t][l]) < 1e-12);
                s = decay * decay * s + lr[t] * lr[t] * g2;
                assertTrue(rel(Math.sqrt(s), tr.sigma()[t + 1][l]) < 1e-13, "layer " + l + " step " + t);
            }
        }
        assertTrue(ElrModel.of(0, lambda).exact());
    }

    /** torch.optim.SGD on explicit vectors; each step's gradient is drawn orthogonal to w and v, so the model's assumption holds. */
    static double[][] bruteForce(int n, double sigma0, double[] c, double[] lr, double mu, double lambda, long seed) {
        Rng rng = new Rng(seed);
        double[] w = new double[n];
        double[] v = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = rng.nextGaussian();
        }
        scale(w, sigma0 / norm(w));
        int steps = lr.length;
        double[][] out = new double[3][steps + 1]; // norm, relative step, angle
        out[0][0] = sigma0;
        for (int t = 0; t < steps; t++) {
            double sigma = norm(w);
            for (int i = 0; i < n; i++) {
                g[i] = rng.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) { // Gram-Schmidt twice: orthogonal to rounding
                removeComponent(g, w);
                if (norm(v) > 0) {
                    double[] vPerp = v.clone();
                    removeComponent(vPerp, w);
                    removeComponent(g, vPerp);
                }
            }
            scale(g, c[t] / sigma / norm(g));
            double[] before = w.clone();
            for (int i = 0; i < n; i++) {
                v[i] = mu * v[i] + g[i] + lambda * w[i];
                w[i] -= lr[t] * v[i];
            }
            out[0][t + 1] = norm(w);
            out[1][t] = lr[t] * norm(v) / sigma;
            out[2][t] = ElrQuantities.angularUpdate(before, w);
        }
        return out;
    }

    @Test
    void momentumModelMatchesExplicitVectorsWhenTheGradientIsOrthogonalToTheVelocity() {
        int steps = 300;
        Rng rng = new Rng(3);
        double[] lr = new double[steps];
        for (int t = 0; t < steps; t++) {
            lr[t] = 0.05 + 0.2 * (1 + Math.cos(Math.PI * t / steps));
        }
        double[][] cAll = new double[steps][2];
        for (int t = 0; t < steps; t++) {
            cAll[t][0] = rng.uniform(0.5, 2);
            cAll[t][1] = rng.uniform(0.1, 0.3);
        }
        double[] sigma0 = {1.5, 0.2};
        for (double[] muLambda : new double[][] {{0.9, 0}, {0.9, 5e-4}, {0.5, 0.05}, {0, 0.01}}) {
            ElrTrajectory tr = ElrModel.of(muLambda[0], muLambda[1]).run(sigma0, BaseGradients.measured(cAll), LearningRates.global(lr), steps);
            for (int l = 0; l < 2; l++) {
                double[] c = ElrTrajectory.column(cAll, l);
                double[][] brute = bruteForce(12, sigma0[l], c, lr, muLambda[0], muLambda[1], 17 + l);
                for (int t = 0; t < steps; t++) {
                    String where = "mu " + muLambda[0] + " lambda " + muLambda[1] + " layer " + l + " step " + t;
                    assertTrue(rel(brute[0][t + 1], tr.sigma()[t + 1][l]) < 1e-12, where + ": " + brute[0][t + 1] + " vs " + tr.sigma()[t + 1][l]);
                    assertTrue(rel(brute[1][t], tr.relativeStep()[t][l]) < 1e-12, where);
                    assertTrue(rel(brute[2][t], tr.angularUpdate()[t][l]) < 1e-10, where);
                }
            }
        }
        assertFalse(ElrModel.of(0.9, 0).exact());
        assertTrue(ElrModel.of(0.9, 0).assumptions().stream().anyMatch(a -> a.startsWith("APPROXIMATION") && a.contains("<g_t, v_{t-1}> = 0")));
    }

    @Test
    void frozenBaseGradientsUseTheMeanOfTheFirstSteps() {
        double[][] c = {{1, 4}, {3, Double.NaN}, {100, 100}};
        BaseGradients frozen = BaseGradients.frozen(c, 2);
        assertEquals(2.0, frozen.at(0, 0));
        assertEquals(2.0, frozen.at(1000, 0));
        assertEquals(4.0, frozen.at(7, 1)); // the NaN is skipped
        assertFalse(frozen.isMeasured());
        ElrTrajectory tr = ElrModel.sgd().run(new double[] {1, 1}, frozen, LearningRates.constant(0.1), 5);
        assertTrue(tr.assumptions().stream().anyMatch(a -> a.startsWith("APPROXIMATION") && a.contains("first 2 measured steps")));
        assertThrows(IllegalArgumentException.class, () -> BaseGradients.frozen(c, 4));
        // measured c are replayed as given, and the trajectory hands them back
        ElrTrajectory m = ElrModel.sgd().run(new double[] {1, 2}, BaseGradients.measured(new double[][] {{1, 4}, {3, 5}}),
                LearningRates.constant(0.1), 2);
        assertEquals(3.0, m.baseGradients()[1][0], 1e-14);
        assertEquals(5.0, m.baseGradients()[1][1], 1e-14);
    }

    @Test
    void badInputsAreRejectedWithTheirName() {
        ConfigException e = assertThrows(ConfigException.class, () -> ElrModel.of(1.0, 0));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
        assertThrows(ConfigException.class, () -> ElrModel.of(0, -1));
        IllegalArgumentException steps = assertThrows(IllegalArgumentException.class, () -> ElrModel.sgd().run(new double[] {1},
                BaseGradients.measured(new double[][] {{1}}), LearningRates.constant(0.1), 2));
        assertTrue(steps.getMessage().contains("cover 1 steps"), steps.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElrModel.sgd().run(new double[] {0}, BaseGradients.constant(1, 1),
                LearningRates.constant(0.1), 2));
        assertThrows(IllegalArgumentException.class, () -> ElrModel.sgd().run(new double[] {1}, BaseGradients.constant(1, 1),
                (t, s, g, out) -> out[0] = -1, 2));
    }

    static void scale(double[] a, double k) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= k;
        }
    }

    static double norm(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static void removeComponent(double[] g, double[] w) {
        double gw = 0;
        double ww = 0;
        for (int i = 0; i < g.length; i++) {
            gw += g[i] * w[i];
            ww += w[i] * w[i];
        }
        double a = gw / ww;
        for (int i = 0; i < g.length; i++) {
            g[i] -= a * w[i];
        }
    }
}
