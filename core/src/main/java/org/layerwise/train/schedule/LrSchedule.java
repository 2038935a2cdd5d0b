package org.layerwise.train.schedule;

import java.util.Arrays;
import org.layerwise.analysis.elr.LearningRates;

/**
 * The learning rate of every training step. Step t is the (t+1)-th update, counted from 0.
 *
 * <p>A global schedule gives one rate for every parameter. A {@link #perLayer() per-layer} schedule
 * gives one rate per measured normalized layer through {@link #rates}, and {@link #lr} is then the rate
 * of every other parameter (e.g. the final classifier).
 *
 * <p>Also a {@link LearningRates}, so the ELR models ({@code org.layerwise.analysis.elr}) can replay a
 * schedule, closed loop for the ones that use measurements.
 */
public interface LrSchedule extends LearningRates {

    /**
     * The learning rate of step {@code step}.
     *
     * @param sigma    ||w_l|| of each normalized layer at this step (before the update); may be null when
     *                 {@link #needsMeasurement(long)} is false. Not modified.
     * @param gradNorm ||g_l|| of each normalized layer at this step, as sigma
     */
    double lr(long step, double[] sigma, double[] gradNorm);

    /** The learning rate of a step that needs no measurement. */
    default double lr(long step) {
        if (needsMeasurement(step)) {
            throw new IllegalStateException(describe() + ": step " + step + " needs the measured norms; call lr(step, sigma, gradNorm)");
        }
        return lr(step, null, null);
    }

    /** Whether the rate of this step depends on the measured norms of this step. */
    boolean needsMeasurement(long step);

    /** Whether the normalized layers get individual rates ({@link #rates}). */
    default boolean perLayer() {
        return false;
    }

    /**
     * The rate of each normalized layer, written into {@code out} (one entry per layer). For a global
     * schedule every entry is {@link #lr(long, double[], double[])}.
     */
    default void rates(long step, double[] sigma, double[] gradNorm, double[] out) {
        Arrays.fill(out, lr(step, sigma, gradNorm));
    }

    /** As {@link #rates(long, double[], double[], double[])}, into a new array as long as sigma. */
    default double[] rates(long step, double[] sigma, double[] gradNorm) {
        double[] out = new double[sigma.length];
        rates(step, sigma, gradNorm, out);
        return out;
    }

    /** How many values {@link #exportState()} returns (0 for a pure schedule). */
    default int stateLength() {
        return 0;
    }

    /** The schedule's state, for a checkpoint; empty for a pure function of (step, measurement). */
    default long[] exportState() {
        return new long[0];
    }

    /** Restores the state written by {@link #exportState()} of an identically configured schedule. */
    default void importState(long[] state) {
        States.requireLength(this, state);
    }

    /** One line for reports and provenance. */
    String describe();

    @Override
    default void fill(int step, double[] sigma, double[] gradNorm, double[] out) {
        rates(step, sigma, gradNorm, out);
    }

    // ---- factories ---------------------------------------------------------------------------------

    /** The same rate at every step. */
    static LrSchedule constant(double lr) {
        return new ConstantSchedule(lr);
    }

    /** lr &middot; gamma^k from the k-th milestone on (torch MultiStepLR with steps as milestones). */
    static LrSchedule step(double lr, long[] milestones, double gamma) {
        return new StepSchedule(lr, milestones, gamma);
    }

    /** Cosine from lr down to floor over {@code length} steps, then floor (torch CosineAnnealingLR, held). */
    static LrSchedule cosine(double lr, double floor, long length) {
        return new CosineSchedule(lr, floor, length);
    }

    /** This schedule with no warm-up (itself), for symmetry with the other warm-ups. */
    default LrSchedule withoutWarmup() {
        return this;
    }

    /** This schedule times a factor rising linearly from startFraction to 1 over the first {@code length} steps. */
    default LrSchedule withLinearWarmup(long length, double startFraction) {
        return new LinearWarmup(this, length, startFraction);
    }

    /** This schedule capped by the critical learning rate until that exceeds it ({@link ElrWarmup}). */
    default ElrWarmup withElrWarmup() {
        return new ElrWarmup(this);
    }
}
