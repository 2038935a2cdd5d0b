package org.layerwise.engine;

import org.layerwise.data.Dataset;
import org.layerwise.model.ResidualMlp;

/**
 * Forward and backward pass of a {@link ResidualMlp} on a batch, with the mean-squared loss of the
 * reference code: mean over batch x d of (h_L - y)^2.
 */
public interface ResidualKernel extends AutoCloseable {

    ResidualMlp model();

    /**
     * Loss on the rows {@code rows[from..to)} of {@code data}, and its gradient with respect to every
     * parameter, written into {@code grad} (overwritten, same layout as {@code params}).
     */
    double lossAndGradient(double[] params, Dataset data, int[] rows, int from, int to, double[] grad);

    /** Loss on the given rows, forward pass only; any number of rows. */
    double loss(double[] params, Dataset data, int[] rows, int from, int to);

    /** Loss on the whole data set. */
    default double loss(double[] params, Dataset data) {
        int[] all = new int[data.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return loss(params, data, all, 0, all.length);
    }

    /** Bytes of working memory this kernel holds (activations, scratch, per-thread gradients). */
    long workspaceBytes();

    @Override
    void close();
}
