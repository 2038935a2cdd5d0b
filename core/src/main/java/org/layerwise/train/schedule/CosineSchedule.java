package org.layerwise.train.schedule;

import org.layerwise.config.ConfigException;

/**
 * floor + (lr - floor) (1 + cos(pi t / length)) / 2 for t &lt; length, then floor: torch
 * CosineAnnealingLR with T_max = length and eta_min = floor, held at the floor instead of rising again.
 *
 * @param lr     the rate at step 0
 * @param floor  the rate reached at step {@code length}, in [0, lr]
 * @param length steps of the decay (&gt;= 1)
 */
public record CosineSchedule(double lr, double floor, long length) implements LrSchedule {

    public CosineSchedule {
        Check.rate("lr", lr);
        Check.rate("floor", floor);
        if (floor > lr) {
            throw new ConfigException("floor: must be <= lr (" + lr + "), got " + floor);
        }
        if (length < 1) {
            throw new ConfigException("length: the cosine needs at least 1 step, got " + length);
        }
    }

    @Override
    public double lr(long step, double[] sigma, double[] gradNorm) {
        if (step >= length) {
            return floor;
        }
        return floor + (lr - floor) * 0.5 * (1 + Math.cos(Math.PI * step / length));
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
        return "cosine " + lr + " to " + floor + " over " + length + " steps";
    }
}
