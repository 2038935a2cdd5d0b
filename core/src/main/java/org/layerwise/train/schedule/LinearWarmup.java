package org.layerwise.train.schedule;

import org.layerwise.config.ConfigException;

/**
 * A target schedule times f(t) = startFraction + (1 - startFraction) t / length for t &lt; length and 1
 * afterwards (torch LinearLR with start_factor = startFraction, total_iters = length): step 0 runs at
 * startFraction of the target, step {@code length} at the full target. An ablation beside the ELR
 * warm-up (design note §3).
 *
 * @param target        the global schedule being warmed up
 * @param length        warm-up steps (&gt;= 1)
 * @param startFraction f(0), in [0, 1]
 */
public record LinearWarmup(LrSchedule target, long length, double startFraction) implements LrSchedule {

    public LinearWarmup {
        Check.global("target", target);
        if (length < 1) {
            throw new ConfigException("warmup-length: must be >= 1 step, got " + length);
        }
        if (!(startFraction >= 0 && startFraction <= 1)) {
            throw new ConfigException("warmup-start: must be in [0, 1], got " + startFraction);
        }
    }

    /** The warm-up factor f(step). */
    public double factor(long step) {
        return step >= length ? 1.0 : startFraction + (1 - startFraction) * step / (double) length;
    }

    /** Whether step is still inside the warm-up. */
    public boolean active(long step) {
        return step < length;
    }

    @Override
    public double lr(long step, double[] sigma, double[] gradNorm) {
        return factor(step) * target.lr(step, sigma, gradNorm);
    }

    @Override
    public boolean needsMeasurement(long step) {
        return target.needsMeasurement(step);
    }

    @Override
    public boolean usesMeasurements() {
        return target.usesMeasurements();
    }

    @Override
    public int stateLength() {
        return target.stateLength();
    }

    @Override
    public long[] exportState() {
        return target.exportState();
    }

    @Override
    public void importState(long[] state) {
        target.importState(state);
    }

    @Override
    public String describe() {
        return target.describe() + ", linear warm-up over " + length + " steps from " + startFraction;
    }
}
