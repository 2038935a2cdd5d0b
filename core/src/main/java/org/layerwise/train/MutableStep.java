package org.layerwise.train;

import java.util.List;

/**
 * The step a training loop shows its listeners: one mutable instance per run, refilled every step, so
 * probing costs no allocation. Shared by the residual-MLP loop ({@link Trainer}) and the image loop
 * ({@link ImageTrainer}).
 */
final class MutableStep implements StepView {
    private long step;
    private int epoch;
    private double loss;
    private double accuracy = Double.NaN;
    private double lr;
    private double[] lrs;
    private Parameters parameters;

    /**
     * @param accuracy NaN where the loop does not measure it
     * @param lrs      each tensor's learning rate, or null where every tensor takes {@code lr}
     */
    void set(long step, int epoch, double loss, double accuracy, double lr, double[] lrs, Parameters parameters) {
        this.step = step;
        this.epoch = epoch;
        this.loss = loss;
        this.accuracy = accuracy;
        this.lr = lr;
        this.lrs = lrs;
        this.parameters = parameters;
    }

    /** Shows this step to the listeners due at it: before the update ({@code onStep}) or after ({@code afterUpdate}). */
    void notify(List<TrainingListener> listeners, boolean beforeUpdate) {
        for (TrainingListener l : listeners) {
            if (step % l.every() == 0) {
                if (beforeUpdate) {
                    l.onStep(this);
                } else {
                    l.afterUpdate(this);
                }
            }
        }
    }

    /** After the update: the same step, the updated parameters. */
    void parameters(Parameters p) {
        this.parameters = p;
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public double loss() {
        return loss;
    }

    @Override
    public double accuracy() {
        return accuracy;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public double learningRate(int tensor) {
        return lrs == null ? lr : lrs[tensor];
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }
}
