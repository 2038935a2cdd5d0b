package org.layerwise.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class RationalTanhTest {
    @Test
    void closeToMathTanhEverywhere() {
        double worst = 0;
        for (double x = -20; x <= 20; x += 1e-3) {
            double err = Math.abs(RationalTanh.apply((float) x) - Math.tanh((float) x));
            worst = Math.max(worst, err);
        }
        assertTrue(worst < 5e-7, "max abs error " + worst);
        assertEquals(1f, RationalTanh.apply(100f), 5e-7f);
        assertEquals(-1f, RationalTanh.apply(-100f), 5e-7f);
        assertEquals(0f, RationalTanh.apply(0f));
    }

    @Test
    void vectorAndScalarFormsAgreeBitForBit() {
        var s = FloatVector.SPECIES_PREFERRED;
        float[] in = new float[s.length()];
        float[] out = new float[s.length()];
        for (float base = -9f; base < 9f; base += 0.37f) {
            for (int i = 0; i < in.length; i++) {
                in[i] = base + i * 0.011f;
            }
            RationalTanh.apply(s, FloatVector.fromArray(s, in, 0)).intoArray(out, 0);
            for (int i = 0; i < in.length; i++) {
                assertEquals(Float.floatToIntBits(RationalTanh.apply(in[i])), Float.floatToIntBits(out[i]), "x=" + in[i]);
            }
        }
    }
}
