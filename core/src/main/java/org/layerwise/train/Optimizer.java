package org.layerwise.train;

/**
 * An in-place parameter update with PyTorch's semantics (torch.optim), on float64 master weights.
 * Parameters may be split into contiguous groups with their own learning rates (per layer, per
 * tensor), as warm-ups and constrained-ELR training need; by default there is one group. State
 * round-trips through a {@link Checkpoint} so a resumed run continues bit-identically.
 */
public interface Optimizer {
    /** One update of {@code params} from {@code grad} (which weight decay may modify in place). */
    void step(double[] params, double[] grad);

    /** Sets the learning rate of every group. */
    void setLearningRate(double lr);

    /**
     * Splits the parameters into groups: group i is [bounds[i], bounds[i+1]). Every group starts with
     * the current global learning rate.
     */
    void setGroups(int[] bounds);

    /** Learning rates per group, in group order. */
    void setGroupLearningRates(double[] lrs);

    void saveState(Checkpoint c, String prefix);

    void restoreState(Checkpoint c, String prefix);

    /** Adds weight decay the PyTorch way (L2 added to the gradient), in place. */
    static void decay(double[] grad, double[] params, double weightDecay) {
        if (weightDecay != 0) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] += weightDecay * params[i];
            }
        }
    }
}
