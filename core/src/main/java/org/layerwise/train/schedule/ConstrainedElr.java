package org.layerwise.train.schedule;

/**
 * Constrained-ELR training, beyond the paper (design note §3, optional): per-layer learning rates
 * <pre>  eta_l = e_target(t) &middot; sigma_l / ||g_l||</pre>
 * so that every normalized layer takes the same relative step e_target (its ELR). e_target follows a
 * measurement-free schedule (constant, step, cosine, linear warm-up...). Parameters outside the
 * measured layers (e.g. the classifier) get {@link #lr} from {@code others}.
 *
 * <p>A layer with ||g_l|| = 0, or a non-finite ratio (NaN gradient, sigma not finite and positive), gets
 * rate 0: there is nothing to scale, and a NaN gradient must not move the weights.
 *
 * @param targetElr the ELR every layer should take, per step (global, measurement-free)
 * @param others    the rate of the parameters outside the normalized layers (global)
 */
public record ConstrainedElr(LrSchedule targetElr, LrSchedule others) implements LrSchedule {

    public ConstrainedElr {
        Check.measurementFree("target-elr", targetElr);
        Check.global("others", others);
    }

    @Override
    public double lr(long step, double[] sigma, double[] gradNorm) {
        return others.lr(step, sigma, gradNorm);
    }

    @Override
    public void rates(long step, double[] sigma, double[] gradNorm, double[] out) {
        if (sigma == null || gradNorm == null || sigma.length != out.length || gradNorm.length != out.length) {
            throw new IllegalArgumentException("constrained ELR: step " + step + " needs sigma and gradNorm for all " + out.length + " layers");
        }
        double e = targetElr.lr(step);
        for (int l = 0; l < out.length; l++) {
            double s = sigma[l];
            double g = gradNorm[l];
            double rate = e * s / g;
            out[l] = s > 0 && g > 0 && Double.isFinite(rate) ? rate : 0.0;
        }
    }

    @Override
    public boolean perLayer() {
        return true;
    }

    @Override
    public boolean needsMeasurement(long step) {
        return true;
    }

    @Override
    public boolean usesMeasurements() {
        return true;
    }

    @Override
    public int stateLength() {
        return targetElr.stateLength() + others.stateLength();
    }

    @Override
    public long[] exportState() {
        return States.concat(targetElr.exportState(), others.exportState());
    }

    @Override
    public void importState(long[] state) {
        States.requireLength(this, state);
        targetElr.importState(States.part(state, 0, targetElr.stateLength()));
        others.importState(States.part(state, targetElr.stateLength(), others.stateLength()));
    }

    @Override
    public String describe() {
        return "constrained ELR (per layer eta_l = e_target sigma_l / ||g_l||, beyond the paper), e_target " + targetElr.describe()
                + "; other parameters " + others.describe();
    }
}
