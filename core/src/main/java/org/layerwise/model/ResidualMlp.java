package org.layerwise.model;

import org.layerwise.util.Rng;

/**
 * The fully-connected residual network of Cohen et al. (2021), eq. (1):
 * <pre>  h_{k+1} = h_k + delta_k * sigma(A_k h_k + b_k),   k = 0..L-1,  h_k in R^d  </pre>
 * with no input or output layer (R^d to R^d). A_k acts on column vectors as in the paper; the reference
 * code's row-vector A is the transpose.
 *
 * <p>All parameters live in one flat array so optimizers and checkpoints treat them uniformly:
 * layer k holds A_k (d*d, row-major: A[i][j] multiplies h_j into z_i) then b_k (d); the deltas follow
 * all layers (0, 1 or L values).
 */
public record ResidualMlp(int depth, int width, Activation activation, DeltaMode deltaMode) {

    public ResidualMlp {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, got " + depth);
        }
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        long count = parameterCount(depth, width);
        if (count > MAX_PARAMETERS) {
            throw new IllegalArgumentException(String.format("depth %d x width %d has %,d parameters; one network holds at most %,d"
                    + " (Java arrays): lower depth or width", depth, width, count, MAX_PARAMETERS));
        }
    }

    /** The largest parameter count a flat Java array holds (a little under 2^31). */
    public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 16;

    /** Parameters of a network of this size, without overflow (deltas counted at their largest, one per layer). */
    public static long parameterCount(long depth, long width) {
        return depth * (width * width + width) + depth;
    }

    public int layerStride() {
        return width * width + width;
    }

    public int offsetA(int layer) {
        return layer * layerStride();
    }

    public int offsetB(int layer) {
        return layer * layerStride() + width * width;
    }

    public int offsetDelta() {
        return depth * layerStride();
    }

    public int parameterCount() {
        return offsetDelta() + deltaMode.count(depth);
    }

    /** The delta that multiplies layer k in the forward pass (|delta| for SHARED, signed for PER_LAYER). */
    public double effectiveDelta(double[] params, int layer) {
        return switch (deltaMode) {
            case NONE -> 1.0;
            case SHARED -> Math.abs(params[offsetDelta()]);
            case PER_LAYER -> params[offsetDelta() + layer];
        };
    }

    /** Fresh parameters drawn from the given initialisation; deltas as in the reference code. */
    public double[] initialise(Init init, double scale, Rng rng) {
        double[] p = new double[parameterCount()];
        double sa = init.stdA(scale, depth, width);
        double sb = init.stdB(scale, depth, width);
        for (int k = 0; k < depth; k++) {
            int a = offsetA(k);
            for (int i = 0; i < width * width; i++) {
                p[a + i] = sa * rng.nextGaussian();
            }
            int b = offsetB(k);
            for (int i = 0; i < width; i++) {
                p[b + i] = sb == 0 ? 0.0 : sb * rng.nextGaussian();
            }
        }
        switch (deltaMode) {
            case NONE -> { }
            case SHARED -> p[offsetDelta()] = 1.0 / depth;
            case PER_LAYER -> {
                for (int k = 0; k < depth; k++) {
                    p[offsetDelta() + k] = rng.nextGaussian() / depth;
                }
            }
        }
        return p;
    }
}
