package org.layerwise.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The scaling-regime label and the evidence behind it. The rule is [INFERRED] from the statistics of
 * Cohen et al. (2021) and their Hypotheses 1 and 2 (scaling-reference.md section 4.4); the paper's own
 * thresholds were not available. With beta = -slope(max norm), s_I = slope of L^beta max_k ||dW_k||,
 * s_R = slope of root-SSQ, all with 95 % intervals, and a tolerance tol on exponents:
 * <ul>
 *   <li>ODE-like (smooth limit, H1): the interval of s_I lies entirely below 0 (increments vanish
 *       after rescaling) and s_R is consistent with 1/2 - beta.</li>
 *   <li>SDE-like (diffusive, H2): beta consistent with 1/2, s_I consistent with 0 and s_R consistent
 *       with 0 (rescaled increments neither vanish nor grow; total energy flat).</li>
 *   <li>neither: anything else, e.g. beta ~ 0 with flat root-SSQ and flat increments (the CIFAR case).</li>
 * </ul>
 * "Consistent with t" means the 95 % interval overlaps [t - tol, t + tol].
 *
 * <p>A verdict states its own weakness [layerwise]: with fewer than {@link #MIN_DEPTHS} depths that
 * trained without diverging, or when the interval of beta, s_I or s_R is wider than
 * {@link #MAX_INTERVAL_WIDTH}, the label is "undetermined" and {@link #reason()} says why.
 */
public record Regime(String label, double beta, ScalingFit maxNorm, ScalingFit increment, ScalingFit rootSsq,
                     double tolerance, List<String> evidence, String reason) {

    /** Fewest distinct depths a label is given on. */
    public static final int MIN_DEPTHS = 5;
    /** Widest 95 % interval of an exponent a label is given on. */
    public static final double MAX_INTERVAL_WIDTH = 0.5;

    public static final String ODE = "smooth ODE-like";
    public static final String SDE = "diffusive SDE-like";
    public static final String NEITHER = "neither";
    public static final String UNDETERMINED = "undetermined";

    /**
     * @param maxNorm   fit of max_k ||W_k|| against L
     * @param increment fit of the raw max_k ||W_k - W_{k-1}|| against L (rescaled here by L^beta)
     * @param rootSsq   fit of sqrt(sum_k ||W_k||^2) against L
     */
    public static Regime classify(ScalingFit maxNorm, ScalingFit increment, ScalingFit rootSsq, double tol, int depths) {
        List<String> ev = new ArrayList<>();
        if (depths < MIN_DEPTHS) {
            String why = "only " + depths + " depth(s) trained without diverging; a label needs at least " + MIN_DEPTHS;
            ev.add(why);
            return new Regime(UNDETERMINED, -maxNorm.slope(), maxNorm, increment, rootSsq, tol, ev, why);
        }
        if (!(maxNorm.points() >= 3 && Double.isFinite(maxNorm.stdError()) && Double.isFinite(increment.stdError())
                && Double.isFinite(rootSsq.stdError()))) {
            String why = "fewer than 3 depths with finite statistics: no interval";
            ev.add(why);
            return new Regime(UNDETERMINED, -maxNorm.slope(), maxNorm, increment, rootSsq, tol, ev, why);
        }
        double beta = -maxNorm.slope();
        ScalingFit inc = increment.shifted(beta);
        ScalingFit betaFit = new ScalingFit(beta, 0, maxNorm.stdError(), -maxNorm.upper(), -maxNorm.lower(),
                maxNorm.rSquared(), maxNorm.points(), maxNorm.method());
        ev.add(String.format("beta = %.3f [%.3f, %.3f] (max norm ~ L^-beta)", beta, betaFit.lower(), betaFit.upper()));
        ev.add(String.format("s_I = %.3f [%.3f, %.3f] (L^beta max increment ~ L^s_I)", inc.slope(), inc.lower(), inc.upper()));
        ev.add(String.format("s_R = %.3f [%.3f, %.3f] (root-SSQ ~ L^s_R; H1 predicts %.3f, H2 predicts 0)",
                rootSsq.slope(), rootSsq.lower(), rootSsq.upper(), 0.5 - beta));
        for (ScalingFit[] f : new ScalingFit[][] {{betaFit}, {inc}, {rootSsq}}) {
            double width = f[0].upper() - f[0].lower();
            if (!(width <= MAX_INTERVAL_WIDTH)) {
                String name = f[0] == betaFit ? "beta" : f[0] == inc ? "s_I" : "s_R";
                String why = String.format("the 95%% interval of %s is %.2f wide (more than %.1f): too uncertain for a label", name, width, MAX_INTERVAL_WIDTH);
                ev.add(why);
                return new Regime(UNDETERMINED, beta, maxNorm, increment, rootSsq, tol, ev, why);
            }
        }
        String label;
        if (inc.upper() < 0 && rootSsq.consistentWith(0.5 - beta, tol)) {
            label = ODE;
            ev.add("rescaled increments vanish and root-SSQ scales as L^(1/2 - beta): smooth limit (H1)");
        } else if (betaFit.consistentWith(0.5, tol) && inc.consistentWith(0, tol) && rootSsq.consistentWith(0, tol)) {
            label = SDE;
            ev.add("beta ~ 1/2 with non-vanishing rescaled increments and flat root-SSQ: diffusive limit (H2)");
        } else {
            label = NEITHER;
            ev.add("matches neither the H1 nor the H2 signature within tolerance " + tol);
        }
        return new Regime(label, beta, maxNorm, increment, rootSsq, tol, ev, null);
    }
}
