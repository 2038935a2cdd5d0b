package org.layerwise.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 tanh as a 13/6 rational function of x (the coefficients of Eigen's generic_fast_tanh_float),
 * clamped to +-7.9053 where it reaches +-1 in float. Why not {@code VectorOperators.TANH}: its
 * compiled (SVML) and interpreted results differ in the last bits, so a run resumed from a checkpoint
 * in a fresh JVM would not continue bit-identically. Only +, *, fma, min, max and / are used here, all
 * exactly rounded, so every JIT tier gives the same bits. Error: a few ulp (tested against Math.tanh).
 */
public final class RationalTanh {
    private static final float CLAMP = 7.90531110763549805f;
    private static final float A1 = 4.89352455891786e-03f;
    private static final float A3 = 6.37261928875436e-04f;
    private static final float A5 = 1.48572235717979e-05f;
    private static final float A7 = 5.12229709037114e-08f;
    private static final float A9 = -8.60467152213735e-11f;
    private static final float A11 = 2.00018790482477e-13f;
    private static final float A13 = -2.76076847742355e-16f;
    private static final float B0 = 4.89352518554385e-03f;
    private static final float B2 = 2.26843463243900e-03f;
    private static final float B4 = 1.18534705686654e-04f;
    private static final float B6 = 1.19825839466702e-06f;

    private RationalTanh() {
    }

    public static float apply(float x) {
        float c = Math.max(-CLAMP, Math.min(CLAMP, x));
        float x2 = c * c;
        float p = Math.fma(x2, A13, A11);
        p = Math.fma(x2, p, A9);
        p = Math.fma(x2, p, A7);
        p = Math.fma(x2, p, A5);
        p = Math.fma(x2, p, A3);
        p = Math.fma(x2, p, A1);
        p = p * c;
        float q = Math.fma(x2, B6, B4);
        q = Math.fma(x2, q, B2);
        q = Math.fma(x2, q, B0);
        return p / q;
    }

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    /** Vector form; {@code s} must be the preferred species (a constant species keeps broadcasts intrinsic). */
    public static FloatVector apply(VectorSpecies<Float> s, FloatVector x) {
        if (s != SP) {
            throw new IllegalArgumentException("RationalTanh works on " + SP + ", not " + s);
        }
        FloatVector c = x.max(-CLAMP).min(CLAMP);
        FloatVector x2 = c.mul(c);
        FloatVector p = x2.fma(FloatVector.broadcast(SP, A13), FloatVector.broadcast(SP, A11));
        p = x2.fma(p, FloatVector.broadcast(SP, A9));
        p = x2.fma(p, FloatVector.broadcast(SP, A7));
        p = x2.fma(p, FloatVector.broadcast(SP, A5));
        p = x2.fma(p, FloatVector.broadcast(SP, A3));
        p = x2.fma(p, FloatVector.broadcast(SP, A1));
        p = p.mul(c);
        FloatVector q = x2.fma(FloatVector.broadcast(SP, B6), FloatVector.broadcast(SP, B4));
        q = x2.fma(q, FloatVector.broadcast(SP, B2));
        q = x2.fma(q, FloatVector.broadcast(SP, B0));
        return p.lanewise(VectorOperators.DIV, q);
    }
}
