package org.layerwise.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.layerwise.model.Activation;
import org.layerwise.model.ResidualMlp;

/** What both layouts of the fused kernel share: the activation over a run of floats, lane sums, delta. */
final class LaneMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();

    private LaneMath() {
    }

    /**
     * sigma over the first n values of zs, in place; with ds non-null also sigma' into ds, from sigma's
     * output by {@link #derivative} (the one formula both backward passes use). A small
     * method with one loop per activation, so the JIT inlines the vector tanh here (in the large
     * layer methods it does not, and boxes the vectors).
     */
    static void activate(Activation act, float[] zs, float[] ds, int n) {
        switch (act) {
            case TANH -> {
                for (int l = 0; l < n; l += VL) {
                    RationalTanh.apply(S, FloatVector.fromArray(S, zs, l)).intoArray(zs, l);
                }
            }
            case RELU -> {
                for (int l = 0; l < n; l += VL) {
                    FloatVector.fromArray(S, zs, l).max(0f).intoArray(zs, l);
                }
            }
            case LINEAR -> { }
        }
        if (ds != null) {
            derivative(act, zs, 0, ds, n);
        }
    }

    /**
     * sigma' into ds from sigma's own output in sig (the first n values): tanh 1 - t·t by one FMA; relu
     * 1 where sigma &gt; 0, which is exactly where z &gt; 0 (NaN included); linear 1. {@link #activate} uses
     * it too, so a backward pass that kept sigma(z) from the forward pass computes bit for bit what one
     * that recomputes z computes.
     */
    static void derivative(Activation act, float[] sig, int off, float[] ds, int n) {
        switch (act) {
            case TANH -> {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (int l = 0; l < n; l += VL) {
                    FloatVector t = FloatVector.fromArray(S, sig, off + l);
                    t.fma(t.neg(), one).intoArray(ds, l);
                }
            }
            case RELU -> {
                FloatVector zero = FloatVector.zero(S);
                for (int l = 0; l < n; l += VL) {
                    zero.blend(1f, FloatVector.fromArray(S, sig, off + l).compare(VectorOperators.GT, 0f)).intoArray(ds, l);
                }
            }
            case LINEAR -> java.util.Arrays.fill(ds, 0, n, 1f);
        }
    }

    /**
     * Lane sum in a fixed order. reduceLanes(ADD) is not used: its compiled and interpreted orders
     * differ, which would break bit-identical resume.
     */
    static float sumLanes(float[] a, int off) {
        float s = 0f;
        for (int l = 0; l < VL; l++) {
            s += a[off + l];
        }
        return s;
    }

    /** delta_k as the forward pass uses it (1 without delta; |delta| when shared). */
    static float delta(ResidualMlp net, float[] w, int k) {
        return switch (net.deltaMode()) {
            case NONE -> 1f;
            case SHARED -> Math.abs(w[net.offsetDelta()]);
            case PER_LAYER -> w[net.offsetDelta() + k];
        };
    }

    static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }
}
