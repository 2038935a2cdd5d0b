package org.layerwise.train.schedule;

import org.layerwise.analysis.elr.CriticalLr;

/**
 * The hyper-parameter-free ELR warm-up [paper: a warm-up that minimizes the ELR spread quickly and
 * needs no hyper-parameters; the rule below is derived in design note §3]:
 * <pre>  eta_t = min(target_t, eta_crit,t),   eta_crit,t = 1 / sqrt(r_max r_min),  r_l = ||g_l|| / sigma_l</pre>
 * with r_l measured at step t, just before the update ({@link CriticalLr#fromRatios}). Each step runs
 * at the critical learning rate until that exceeds the target; the warm-up then ends by itself
 * (at the first step with eta_crit &gt;= target) and from there on the rate is the target's and no
 * measurement is needed.
 *
 * <p>State: the step at which the warm-up ended (-1 while active), exported as one long before the
 * target's own state; without it a resumed run would apply the cap again. With {@code endsOnce = false}
 * the cap applies at every step (no state: an "ELR cap" variant, not the paper's warm-up).
 *
 * <p>Zero and non-finite ratios are left out of r_max, r_min ({@link CriticalLr}); if no layer is usable
 * (every gradient zero or NaN) the step runs at the target and the warm-up stays active, as there is no
 * evidence either way.
 */
public final class ElrWarmup implements LrSchedule {
    private final LrSchedule target;
    private final boolean endsOnce;
    private long endedAt = -1;
    private double lastCriticalLr = Double.NaN;

    /** The paper's warm-up: ends for good at the first step where eta_crit &gt;= target. */
    public ElrWarmup(LrSchedule target) {
        this(target, true);
    }

    /** @param endsOnce whether the warm-up ends for good (true) or caps every step (false) */
    public ElrWarmup(LrSchedule target, boolean endsOnce) {
        Check.global("target", target);
        this.target = target;
        this.endsOnce = endsOnce;
    }

    @Override
    public double lr(long step, double[] sigma, double[] gradNorm) {
        double goal = target.lr(step, sigma, gradNorm);
        if (!capping(step)) {
            return goal;
        }
        if (sigma == null || gradNorm == null) {
            throw new IllegalArgumentException("ELR warm-up: step " + step + " needs sigma and gradNorm of the normalized layers");
        }
        double critical = CriticalLr.fromRatios(CriticalLr.ratios(sigma, gradNorm));
        lastCriticalLr = critical;
        if (Double.isNaN(critical)) {
            return goal;
        }
        if (critical >= goal) {
            if (endsOnce && endedAt < 0) {
                endedAt = step;
            }
            return goal;
        }
        return critical;
    }

    @Override
    public boolean needsMeasurement(long step) {
        return capping(step) || target.needsMeasurement(step);
    }

    /** Whether the cap is evaluated at this step: always, until the warm-up has ended at or before it. */
    private boolean capping(long step) {
        return !(endsOnce && endedAt >= 0 && step >= endedAt);
    }

    @Override
    public boolean usesMeasurements() {
        return true;
    }

    /** Whether the warm-up may still cap a coming step (always true when it does not end once). */
    public boolean active() {
        return !endsOnce || endedAt < 0;
    }

    /** The step at which the warm-up ended, or -1. */
    public long endedAt() {
        return endedAt;
    }

    /** The critical learning rate computed at the last capped-or-checked step (NaN before the first). Not exported. */
    public double lastCriticalLr() {
        return lastCriticalLr;
    }

    public LrSchedule target() {
        return target;
    }

    public boolean endsOnce() {
        return endsOnce;
    }

    @Override
    public int stateLength() {
        return 1 + target.stateLength();
    }

    @Override
    public long[] exportState() {
        return States.concat(new long[] {endedAt}, target.exportState());
    }

    @Override
    public void importState(long[] state) {
        States.requireLength(this, state);
        if (state[0] < -1 || (!endsOnce && state[0] != -1)) {
            throw new IllegalArgumentException("ELR warm-up state: end step must be -1 or >= 0" + (endsOnce ? "" : " (-1 when it never ends)")
                    + ", got " + state[0]);
        }
        endedAt = state[0];
        target.importState(States.part(state, 1, target.stateLength()));
    }

    @Override
    public String describe() {
        return target.describe() + (endsOnce ? ", ELR warm-up (min with the critical learning rate until it exceeds the target)"
                : ", capped at the critical learning rate every step");
    }
}
