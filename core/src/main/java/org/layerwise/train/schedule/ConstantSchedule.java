package org.layerwise.train.schedule;

/** The same learning rate at every step. */
public record ConstantSchedule(double lr) implements LrSchedule {

    public ConstantSchedule {
        Check.rate("lr", lr);
    }

    @Override
    public double lr(long step, double[] sigma, double[] gradNorm) {
        return lr;
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
        return "constant " + lr;
    }
}
