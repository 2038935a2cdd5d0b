package org.layerwise.engine.torch.bench;

import java.util.function.LongPredicate;
import org.layerwise.train.Checkpoint;
import org.layerwise.train.Parameters;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainResult;
import org.layerwise.train.TrainingListener;

/**
 * Passes the hooks to a listener and adds up, per step, the time spent inside its {@link #onStep} and
 * {@link #afterUpdate}: the listener's direct cost, free of the noise that a with/without comparison
 * of whole steps carries. The two step hooks can be passed on chosen steps only, so that one run
 * holds steps with and without the listener side by side (every other hook always passes).
 */
final class TimedListener implements TrainingListener {
    private final TrainingListener inner;
    private final long[] nanos;
    private final LongPredicate active;

    /**
     * @param steps  steps the loop will take
     * @param active which steps' onStep and afterUpdate reach the listener
     */
    TimedListener(TrainingListener inner, int steps, LongPredicate active) {
        this.inner = inner;
        this.nanos = new long[steps];
        this.active = active;
    }

    /** Whether the listener sees step {@code step}. */
    boolean active(long step) {
        return active.test(step);
    }

    /** Time inside the listener's step hooks, per step, in ms. */
    double[] stepMs() {
        double[] t = new double[nanos.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = nanos[i] / 1e6;
        }
        return t;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public int every() {
        return inner.every();
    }

    @Override
    public void onBegin(long resumedAt) {
        inner.onBegin(resumedAt);
    }

    @Override
    public void onStep(StepView step) {
        if (!active(step.step())) {
            return;
        }
        long t0 = System.nanoTime();
        inner.onStep(step);
        nanos[(int) step.step()] += System.nanoTime() - t0;
    }

    @Override
    public void afterUpdate(StepView step) {
        if (!active(step.step())) {
            return;
        }
        long t0 = System.nanoTime();
        inner.afterUpdate(step);
        nanos[(int) step.step()] += System.nanoTime() - t0;
    }

    @Override
    public void onEpochEnd(int epoch, long updates, double meanLoss, Parameters params) {
        inner.onEpochEnd(epoch, updates, meanLoss, params);
    }

    @Override
    public void onEvaluation(long step, double loss, double accuracy) {
        inner.onEvaluation(step, loss, accuracy);
    }

    @Override
    public void onEnd(TrainResult result) {
        inner.onEnd(result);
    }

    @Override
    public void saveState(Checkpoint checkpoint) {
        inner.saveState(checkpoint);
    }

    @Override
    public void restoreState(Checkpoint checkpoint) {
        inner.restoreState(checkpoint);
    }
}
