package org.layerwise.engine;

import org.layerwise.data.Dataset;

/**
 * One thread's workspace of the fused kernel: the whole network, forward and (if asked) backward, on
 * one chunk of at most {@link FusedKernel#CHUNK} samples. Its result depends on the chunk alone, never
 * on which thread runs it or how many threads there are. An engine that keeps sigma(z) of every
 * layer from the forward pass for the backward pass (instead of recomputing z = A h + b there) gives
 * the same floats, bit for bit, for one more copy of the activations.
 */
interface ChunkEngine {
    /**
     * Rows {@code rows[from..from+m)} of {@code data}; {@code batch} is the whole batch's size (the
     * loss is a mean over it). With {@code backward}, writes this chunk's share of the gradient into
     * {@code grad} (overwritten, the parameter layout). Returns the chunk's summed squared error.
     */
    double run(float[] w, Dataset data, int[] rows, int from, int m, int batch, boolean backward, float[] grad);

    /** Bytes of working memory held. */
    long workspaceBytes();
}
