package org.layerwise.train;

/**
 * Observes training without changing it (probes, progress bars). The loop calls these and knows
 * nothing about what they record.
 */
public interface TrainingListener {
    /** After every update; {@code loss} is the batch loss measured before the update. */
    default void onUpdate(long updates, double loss) {
    }

    /** After every full epoch, with the mean of its batch losses and the current parameters (read only). */
    default void onEpochEnd(int epoch, long updates, double meanLoss, double[] params) {
    }
}
