package org.layerwise.train;

/**
 * The named parameter tensors of a network as probes see them, whatever engine holds them (flat
 * Java arrays for the residual MLP, libtorch tensors for ResNets). The per-tensor reductions are the
 * fast path (an engine computes them where the data lives); {@link #values}/{@link #gradient} copy
 * and are for probes that need individual entries.
 */
public interface Parameters {
    /** Number of tensors. */
    int count();

    /** A stable name, e.g. "A_12" or "layer2.3.conv1.weight". */
    String name(int i);

    /** Number of elements of tensor i. */
    long size(int i);

    /**
     * Whether the loss is invariant to rescaling tensor i (its output goes straight into a
     * normalization layer), which is what makes its effective learning rate meaningful.
     */
    default boolean scaleInvariant(int i) {
        return false;
    }

    /** ||w_i||^2. */
    double normSquared(int i);

    /** ||g_i||^2 of the current step's gradient (NaN where no gradient is available). */
    double gradNormSquared(int i);

    /** <w_i, g_i> (NaN where no gradient is available). */
    double dot(int i);

    /** A copy of tensor i's values, flattened in row-major order. */
    double[] values(int i);

    /** A copy of tensor i's gradient, or null where none is available. */
    double[] gradient(int i);

    /**
     * Cosine between tensor i before and after the last update (measured on the weights, not modelled);
     * NaN where the engine does not keep the previous weights.
     */
    default double updateCosine(int i) {
        return Double.NaN;
    }
}
