package org.layerwise.train;

/**
 * One optimizer step as a probe sees it: after the backward pass and before the update
 * ({@link TrainingListener#onStep}), and again after the update ({@link TrainingListener#afterUpdate}),
 * when {@link #parameters()} holds the updated values and the gradient of this step.
 */
public interface StepView {
    /** Index of this update, counting from 0 over the whole run (a resumed run continues the count). */
    long step();

    /** The epoch this step belongs to (0-based). */
    int epoch();

    /** The minibatch loss at the parameters before the update. */
    double loss();

    /** The minibatch accuracy at the parameters before the update (NaN where not a classification task). */
    default double accuracy() {
        return Double.NaN;
    }

    /** The step's base learning rate (what a global schedule gives). */
    double learningRate();

    /** The learning rate applied to tensor i this step (equal to {@link #learningRate()} unless rates are per tensor). */
    default double learningRate(int tensor) {
        return learningRate();
    }

    Parameters parameters();
}
