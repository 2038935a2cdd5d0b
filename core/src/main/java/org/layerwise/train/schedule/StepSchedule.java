package org.layerwise.train.schedule;

import java.util.Arrays;
import org.layerwise.config.ConfigException;

/**
 * lr &middot; gamma^k, k = the number of milestones &lt;= step (torch MultiStepLR, milestones counted in
 * steps).
 *
 * @param lr         the rate before the first milestone
 * @param milestones steps at which the rate is multiplied by gamma, strictly increasing, &gt;= 0
 * @param gamma      the factor (finite, &gt; 0)
 */
public record StepSchedule(double lr, long[] milestones, double gamma) implements LrSchedule {

    public StepSchedule {
        Check.rate("lr", lr);
        Check.positive("gamma", gamma);
        milestones = milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 0 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new ConfigException("milestones: must be strictly increasing steps >= 0, got " + Arrays.toString(milestones));
            }
        }
    }

    @Override
    public double lr(long step, double[] sigma, double[] gradNorm) {
        double rate = lr;
        for (long m : milestones) {
            if (m > step) {
                break;
            }
            rate *= gamma;
        }
        return rate;
    }

    @Override
    public long[] milestones() {
        return milestones.clone();
    }

    @Override
    public boolean needsMeasurement(long step) {
        return false;
    }

    @Override
    public boolean usesMeasurements() {
        return false;
    }

    @Override
    public String describe() {
        return "step " + lr + " x " + gamma + " at " + Arrays.toString(milestones);
    }
}
