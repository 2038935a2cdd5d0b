package org.layerwise.train;

/**
 * How a training run ended.
 *
 * @param reason     CONVERGED (loss below epsilon), MAX_UPDATES, PLATEAU or DIVERGED (non-finite loss)
 * @param updates    optimizer steps taken
 * @param epochs     full epochs completed
 * @param finalLoss  mean batch loss of the last full epoch (NaN if none finished or diverged)
 * @param divergedAt the update at which the loss became non-finite, or -1
 * @param epochLosses mean batch loss of each finished epoch
 */
public record TrainResult(Reason reason, long updates, int epochs, double finalLoss, long divergedAt, double[] epochLosses) {
    public enum Reason { CONVERGED, MAX_UPDATES, PLATEAU, DIVERGED }
}
