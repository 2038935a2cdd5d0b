package org.layerwise.train;

/**
 * Observes training without changing it (probes, progress displays). The loop calls these hooks and
 * knows nothing about what a listener records; a listener knows nothing about the command line.
 *
 * <p>Order within one update: {@link #onStep} (gradient computed, parameters not yet updated), the
 * update, {@link #afterUpdate}. {@link #every()} thins both to every k-th step (steps 0, k, 2k, ...).
 *
 * <p>State that must survive a checkpoint/resume goes through {@link #saveState}/{@link #restoreState}:
 * the loop calls saveState right before it writes a checkpoint (so a listener that streams to disk
 * flushes there and records how far its files go) and restoreState when it resumes from one, before
 * {@link #onBegin}. A listener's output after a resume must be the same as without the interruption.
 */
public interface TrainingListener {
    /** A unique name among a run's listeners: the prefix of its checkpoint fields. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Call onStep/afterUpdate every k steps (1 = every step). */
    default int every() {
        return 1;
    }

    /** Training starts ({@code resumedAt} = 0) or resumes after {@code resumedAt} updates. */
    default void onBegin(long resumedAt) {
    }

    /** After the backward pass, before the update. */
    default void onStep(StepView step) {
    }

    /** After the update of the same step. */
    default void afterUpdate(StepView step) {
    }

    /** After every full epoch, with the mean of its batch losses. */
    default void onEpochEnd(int epoch, long updates, double meanLoss, Parameters params) {
    }

    /** After an evaluation on held-out data at step {@code step} (mean loss and accuracy). */
    default void onEvaluation(long step, double loss, double accuracy) {
    }

    /** Training ended (converged, budget, divergence); not called when it is interrupted. */
    default void onEnd(TrainResult result) {
    }

    /** Writes this listener's state under {@code name() + "."} names. */
    default void saveState(Checkpoint checkpoint) {
    }

    /** Restores what {@link #saveState} wrote. */
    default void restoreState(Checkpoint checkpoint) {
    }
}
