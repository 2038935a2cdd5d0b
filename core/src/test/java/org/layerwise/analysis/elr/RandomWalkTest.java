package org.layerwise.analysis.elr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerwise.train.schedule.LrSchedule;
import org.layerwise.util.Rng;

class RandomWalkTest {
    private static final int[] SIZES = {1000, 4000, 300, 3};
    private static final double[] SIGMA0 = {2.0, 0.3, 5.0, 1.0};

    static double[][] randomBaseGradients(int steps, int layers, long seed) {
        Rng rng = new Rng(seed);
        double[][] c = new double[steps][layers];
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < layers; l++) {
                c[t][l] = rng.uniform(0.2, 3.0) * (l + 1);
            }
        }
        return c;
    }

    @Test
    void projectedWalkHasExactlyTheNormsOfTheDeterministicRecursion() {
        // with z orthogonal to w the norm update is sigma'^2 = sigma^2 + eta^2 ||g||^2 whatever the direction; only rounding
        // (~1e-16 per step, a few hundred steps) separates the vector's norm from the recursion
        int steps = 600;
        BaseGradients c = BaseGradients.measured(randomBaseGradients(steps, SIZES.length, 9));
        LearningRates lr = LrSchedule.cosine(0.8, 0.01, steps);
        RandomWalk.Result walk = new RandomWalk(SIZES, 42, true).run(SIGMA0, c, lr, steps);
        ElrTrajectory model = ElrModel.sgd().run(SIGMA0, c, lr, steps);
        double worst = 0;
        for (int t = 0; t <= steps; t++) {
            for (int l = 0; l < SIZES.length; l++) {
                double r = Math.abs(walk.sigma()[t][l] / model.sigma()[t][l] - 1);
                worst = Math.max(worst, r);
                assertTrue(r < 1e-12, "step " + t + " layer " + l + ": " + walk.sigma()[t][l] + " vs " + model.sigma()[t][l]);
            }
        }
        assertTrue(model.sigma()[steps][0] > 1.2 * SIGMA0[0], "the norms must actually grow for the check to mean anything");
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < SIZES.length; l++) {
                double e = walk.elr()[t][l];
                assertEquals(model.elr()[t][l], e, 1e-12 * e);
                // the angle is measured from the simulated vectors, and must be atan(eta ||g|| / sigma)
                assertEquals(Math.atan(e), walk.angularUpdate()[t][l], 1e-12 * Math.atan(e));
                assertTrue(Math.abs(walk.orthogonality()[t][l]) < 1e-13);
            }
            assertEquals(model.logSpread()[t], walk.logSpread()[t], 1e-11);
        }
        System.out.println("random walk vs recursion, worst relative norm error " + worst);
    }

    @Test
    void withoutProjectionTheStepHasARandomRadialPart() {
        // z ~ N(0, I_n): cos(w, g) = z_1 / ||z|| with E|cos| = Gamma(n/2) / (sqrt(pi) Gamma((n+1)/2)) and E cos^2 = 1/n
        int n = 50;
        int steps = 20000;
        BaseGradients c = BaseGradients.constant(1.0, 1);
        RandomWalk.Result free = new RandomWalk(new int[] {n}, 7, false).run(new double[] {1.0}, c, LearningRates.constant(0.05), steps);
        double meanAbs = 0;
        double meanSq = 0;
        for (int t = 0; t < steps; t++) {
            double cos = free.orthogonality()[t][0];
            meanAbs += Math.abs(cos) / steps;
            meanSq += cos * cos / steps;
        }
        double expectedAbs = 2 / Math.PI; // n = 2, then a_{n+2} = n/(n+1) a_n
        for (int k = 2; k < n; k += 2) {
            expectedAbs *= k / (k + 1.0);
        }
        // standard error of the mean of |cos| is ~0.085/sqrt(20000) = 0.0006, 0.5 % of 0.113: 3 % is > 5 standard errors
        assertEquals(expectedAbs, meanAbs, 0.03 * expectedAbs);
        assertEquals(1.0 / n, meanSq, 0.03 / n);
        ElrTrajectory model = ElrModel.sgd().run(new double[] {1.0}, c, LearningRates.constant(0.05), steps);
        double deviation = Math.abs(free.sigma()[steps][0] / model.sigma()[steps][0] - 1);
        assertTrue(deviation > 1e-6, "without projection the norm must leave the recursion, deviation " + deviation);
    }

    @Test
    void sameSeedSameWalkAndLayersDoNotDependOnEachOther() {
        int steps = 50;
        BaseGradients c = BaseGradients.measured(randomBaseGradients(steps, SIZES.length, 1));
        RandomWalk walk = new RandomWalk(SIZES, 3, false);
        RandomWalk.Result a = walk.run(SIGMA0, c, LearningRates.constant(0.3), steps);
        RandomWalk.Result b = walk.run(SIGMA0, c, LearningRates.constant(0.3), steps);
        assertArrayEquals(a.sigma(), b.sigma());
        assertArrayEquals(a.angularUpdate(), b.angularUpdate());
        RandomWalk.Result other = new RandomWalk(SIZES, 4, false).run(SIGMA0, c, LearningRates.constant(0.3), steps);
        assertTrue(a.sigma()[steps][0] != other.sigma()[steps][0]);
        // layer 2 draws from its own stream: its path is the same when the other layers differ in size and base gradient
        double[][] c2 = new double[steps][1];
        for (int t = 0; t < steps; t++) {
            c2[t][0] = c.at(t, 2);
        }
        RandomWalk.Result padded = new RandomWalk(new int[] {5, 5, SIZES[2]}, 3, false).run(new double[] {1, 1, SIGMA0[2]},
                BaseGradients.measured(pad(c2)), LearningRates.constant(0.3), steps);
        for (int t = 0; t <= steps; t++) {
            assertEquals(a.sigma()[t][2], padded.sigma()[t][2]);
        }
    }

    private static double[][] pad(double[][] c) {
        double[][] out = new double[c.length][3];
        for (int t = 0; t < c.length; t++) {
            out[t][0] = 1;
            out[t][1] = 1;
            out[t][2] = c[t][0];
        }
        return out;
    }

    @Test
    void singleElementLayerCannotMoveWithProjectionAndClosedLoopRatesAreRefused() {
        RandomWalk.Result r = new RandomWalk(new int[] {1}, 1, true).run(new double[] {2.0}, BaseGradients.constant(1, 1),
                LearningRates.constant(0.5), 10);
        assertEquals(2.0, r.sigma()[10][0], 1e-15);
        assertEquals(0.0, r.angularUpdate()[9][0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RandomWalk(new int[] {3}, 1, true)
                .run(new double[] {1}, BaseGradients.constant(1, 1), LrSchedule.constant(0.1).withElrWarmup(), 5));
        assertTrue(e.getMessage().contains("ElrModel"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomWalk(new int[] {0}, 1, true));
    }

    @Test
    void normalSamplerIsStandardNormal() {
        int n = 1_000_000;
        double[] z = new double[n];
        new NormalSampler(new Rng(123)).fill(z, n);
        double m1 = 0;
        double m2 = 0;
        double m4 = 0;
        int beyond2 = 0;
        int above = 0; // the ziggurat's tail sampler serves |z| > 3.4426, each side separately
        int below = 0;
        for (double x : z) {
            m1 += x / n;
            m2 += x * x / n;
            m4 += x * x * x * x / n;
            beyond2 += Math.abs(x) > 2 ? 1 : 0;
            above += x > 3.5 ? 1 : 0;
            below += x < -3.5 ? 1 : 0;
        }
        // standard errors: mean 0.001, variance 0.0014, 4th moment 0.01, P(|z|>2) 0.0002, P(z>3.5) 1.5e-5 (233 of 10^6 expected)
        assertEquals(0, m1, 0.005);
        assertEquals(1, m2, 0.007);
        assertEquals(3, m4, 0.05);
        assertEquals(2 * upperTail(2), beyond2 / (double) n, 0.001);
        assertEquals(upperTail(3.5), above / (double) n, 7e-5);
        assertEquals(upperTail(3.5), below / (double) n, 7e-5);
        // Kolmogorov-Smirnov against the normal CDF: the 1 % critical value for n = 10^6 is 1.63 / sqrt(n)
        java.util.Arrays.sort(z);
        double d = 0;
        for (int i = 0; i < n; i++) {
            double cdf = 1 - upperTail(z[i]);
            d = Math.max(d, Math.max(Math.abs((i + 1.0) / n - cdf), Math.abs(cdf - i / (double) n)));
        }
        assertTrue(d < 1.63 / Math.sqrt(n), "KS distance " + d);
    }

    /** P(Z > x) = erfc(x / sqrt 2) / 2, erfc by the Chebyshev fit of Numerical Recipes (relative error < 1.2e-7). */
    static double upperTail(double x) {
        double a = Math.abs(x) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * a);
        double erfc = t * Math.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? erfc / 2 : 1 - erfc / 2;
    }
}
