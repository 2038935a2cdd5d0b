package org.layerwise.analysis.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ElrQuantitiesTest {

    @Test
    void definitionsOnHandComputedValues() {
        // layer 0: c = 0.2, r = 0.05, e = 0.005; layer 1: c = 2, r = 8, e = 0.8, orthogonality 0.2 / (0.5 * 4) = 0.1;
        // layer 2: no gradient, left out of the spread
        ElrQuantities q = ElrQuantities.of(new double[] {2, 0.5, 1}, new double[] {0.1, 4, 0}, new double[] {0, 0.2, 0}, 0.1);
        assertArrayClose(new double[] {0.2, 2, 0}, q.baseGradient());
        assertArrayClose(new double[] {0.05, 8, 0}, q.ratio());
        assertArrayClose(new double[] {0.005, 0.8, 0}, q.elr());
        assertArrayClose(new double[] {0.025, 0.4, 0.1}, q.classicElr());
        assertArrayClose(new double[] {0, 0.1, 0}, q.orthogonality());
        assertEquals(160, q.spread(), 1e-12);
        assertEquals(Math.log(160), q.logSpread(), 1e-12);
        assertEquals(1, q.argmax());
        assertEquals(0, q.argmin());
        assertEquals(1, q.excludedLayers());
        assertEquals(1 / Math.sqrt(0.4), q.predictedCriticalLr(), 1e-12);
    }

    @Test
    void nonFiniteInputsAreNaNAndLeftOutOfTheSpread() {
        double nan = Double.NaN;
        ElrQuantities q = ElrQuantities.of(new double[] {1, 0, 2, 1, nan}, new double[] {nan, 3, 1, 1, 1}, null,
                new double[] {0.1, 0.1, 0.2, 0.1, 0.1});
        for (int l : new int[] {0, 1, 4}) {
            assertTrue(Double.isNaN(q.elr()[l]) && Double.isNaN(q.ratio()[l]), "layer " + l);
        }
        assertTrue(Double.isNaN(q.baseGradient()[0]));
        assertEquals(0.1, q.classicElr()[0], 1e-15);
        assertTrue(Double.isNaN(q.orthogonality()[2]), "dot not measured");
        assertEquals(0.1, q.elr()[2], 1e-15);
        assertEquals(0.1, q.elr()[3], 1e-15);
        assertEquals(1.0, q.spread()); // layers 2 and 3 tie: lowest index wins both extremes
        assertEquals(2, q.argmax());
        assertEquals(2, q.argmin());
        assertEquals(3, q.excludedLayers());
        ElrQuantities none = ElrQuantities.of(new double[] {1, 1}, new double[] {0, nan}, null, 0.1);
        assertTrue(Double.isNaN(none.spread()));
        assertEquals(-1, none.argmax());
        assertTrue(Double.isNaN(none.predictedCriticalLr()));
    }

    @Test
    void zeroLearningRateKeepsTheSpreadDefined() {
        ElrQuantities q = ElrQuantities.of(new double[] {1, 2}, new double[] {3, 1}, null, 0.0);
        assertEquals(0, q.elr()[0]);
        assertEquals(6, q.spread(), 1e-12); // r = 3 and 0.5
    }

    @Test
    void badInputsNameTheLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ElrQuantities.of(new double[] {1, 1}, new double[] {1, -1}, null, 0.1));
        assertTrue(e.getMessage().contains("layer 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElrQuantities.of(new double[] {1}, new double[] {1}, null, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ElrQuantities.of(new double[] {1}, new double[] {1, 2}, null, 0.1));
    }

    @Test
    void angularUpdateIsAccurateForTinyAngles() {
        for (double theta : new double[] {1e-10, 1e-5, 0.3, 2.0}) {
            double[] before = {2, 0, 0};
            double[] after = {3 * Math.cos(theta), 3 * Math.sin(theta), 0};
            assertEquals(theta, ElrQuantities.angularUpdate(before, after), 1e-15 + 1e-14 * theta);
            // the SGD step that produces it (angles below pi/2): w' = w - d, d orthogonal to w, tan(theta) = ||d|| / sigma
            double sigma = 2;
            if (theta < Math.PI / 2) {
                assertEquals(theta, ElrQuantities.angleOfStep(sigma, sigma * Math.tan(theta), 0), 1e-15 + 1e-14 * theta);
            }
        }
        assertEquals(0.3, ElrQuantities.angularUpdate(Math.cos(0.3)), 1e-14);
        assertEquals(0.0, ElrQuantities.angularUpdate(1 + 1e-15));
        // a step with a radial part: w = (2, 0), d = (0.5, 1) -> w' = (1.5, -1)
        assertEquals(Math.atan2(1, 1.5), ElrQuantities.angleOfStep(2, Math.sqrt(1.25), 1.0), 1e-15);
        assertTrue(Double.isNaN(ElrQuantities.angularUpdate(new double[] {0, 0}, new double[] {1, 0})));
    }

    static void assertArrayClose(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])), "index " + i);
        }
    }
}
