package org.layerwise.analysis.elr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The critical learning rate (design note §3, §5.2): predicted from the current ELRs, and the
 * empirical ones read off a learning-rate grid.
 *
 * <p><b>Predicted [derived; the paper states only that it depends on the current ELRs alone].</b>
 * With e_l measured at learning rate eta, a step at eta' = k eta gives every layer the ELR k e_l; by
 * the exact map e' = e / (1 + e^2) the two extreme layers keep their order (the larger ELR stays the
 * larger) iff k^2 e_max e_min &lt;= 1. Hence
 * <pre>  eta_crit = eta / sqrt(e_max e_min) = 1 / sqrt(r_max r_min),   r_l = ||g_l|| / sigma_l.</pre>
 * At eta_crit the log-ELRs are centred on 0, where the contraction of the log map is strongest.
 *
 * <p><b>Empirical (§5.2).</b> From one checkpoint and batch, for each candidate eta', N steps are
 * taken and the spread and per-layer ELRs measured before and after; {@link #fromGrid} returns
 * <ul>
 *   <li>the swap boundary: the largest eta' whose extreme layers (argmax and argmin of the ELRs
 *       before) keep their order after the N steps;</li>
 *   <li>the eta' of fastest spread decay: the most negative (ln S_after - ln S_before) / N;</li>
 *   <li>the largest eta' that does not widen the spread: S_after &lt;= S_before.</li>
 * </ul>
 * Ties: equal ELRs of the two extreme layers after the steps count as keeping their order (the
 * criterion's &lt;=); S_after = S_before counts as not widening; among equally fast decays the smallest
 * eta' is chosen; when several layers share the extreme ELR before, the lowest layer index is the
 * extreme one ({@link Spread}). A candidate whose ELRs before are all equal keeps its order trivially.
 * "Largest" is taken over all qualifying candidates, as the design note words it; when a smaller
 * candidate fails (noise), the estimate's reason says so, and the per-candidate flags are returned
 * for other rules. A candidate that cannot be judged (no per-layer ELRs, no usable ELR before,
 * non-finite values after: typically a diverged step) does not qualify. When none qualifies the
 * estimate is NaN with a reason, not an exception.
 */
public final class CriticalLr {
    private CriticalLr() {
    }

    /** eta / sqrt(e_max e_min) from the ELRs measured at learning rate {@code lr}; NaN if no ELR is usable. */
    public static double predicted(double lr, double[] elr) {
        Spread s = Spread.of(elr);
        if (!s.defined()) {
            return Double.NaN;
        }
        return lr / Math.sqrt(elr[s.argmax()]) / Math.sqrt(elr[s.argmin()]);
    }

    /**
     * 1 / sqrt(r_max r_min) from the ratios r_l = ||g_l|| / sigma_l, independent of any learning rate.
     * Zero and non-finite ratios are left out as in {@link Spread}; NaN if none is usable.
     */
    public static double fromRatios(double[] ratio) {
        return predicted(1.0, ratio);
    }

    /** r_l = ||g_l|| / sigma_l (NaN where sigma is not finite and positive). */
    public static double[] ratios(double[] sigma, double[] gradNorm) {
        ElrQuantities.requireLength("gradNorm", gradNorm, sigma.length);
        double[] r = new double[sigma.length];
        for (int l = 0; l < r.length; l++) {
            double s = sigma[l];
            r[l] = s > 0 && s < Double.POSITIVE_INFINITY ? gradNorm[l] / s : Double.NaN;
        }
        return r;
    }

    /**
     * One point of a learning-rate grid.
     *
     * @param lr           the candidate learning rate eta' (finite, &gt; 0)
     * @param spreadBefore S at the checkpoint
     * @param spreadAfter  S after the N steps (NaN or infinite if the run diverged)
     * @param elrBefore    per-layer ELRs at the checkpoint (may be null: order then not judged)
     * @param elrAfter     per-layer ELRs after the N steps (may be null)
     */
    public record Candidate(double lr, double spreadBefore, double spreadAfter, double[] elrBefore, double[] elrAfter) {
        /** A candidate whose spreads are computed from its per-layer ELRs ({@link Spread}). */
        public static Candidate of(double lr, double[] elrBefore, double[] elrAfter) {
            return new Candidate(lr, Spread.of(elrBefore).spread(), Spread.of(elrAfter).spread(),
                    elrBefore.clone(), elrAfter.clone());
        }
    }

    /**
     * An empirical critical learning rate.
     *
     * @param lr        the learning rate, or NaN when no candidate qualifies
     * @param candidate its index in {@link Grid#lrs()}, or -1
     * @param reason    how it was chosen, or why there is none (one line)
     */
    public record Estimate(double lr, int candidate, String reason) {
        public boolean found() {
            return candidate >= 0;
        }
    }

    /**
     * The grid analysed, candidates sorted by learning rate.
     *
     * @param lrs                    candidate learning rates, increasing
     * @param logSpreadChangePerStep (ln S_after - ln S_before) / N (NaN where not finite)
     * @param keepsOrder             whether the extreme layers kept their order
     * @param widens                 whether S_after &gt; S_before (true when S_after is not finite)
     * @param swapBoundary           largest lr keeping the order
     * @param fastestDecay           lr of the most negative log-spread change
     * @param noWidening             largest lr that does not widen the spread
     */
    public record Grid(double[] lrs, double[] logSpreadChangePerStep, boolean[] keepsOrder, boolean[] widens,
                       Estimate swapBoundary, Estimate fastestDecay, Estimate noWidening) {
    }

    /**
     * Analyses a grid of candidates measured from the same checkpoint, each after {@code steps} steps.
     *
     * @throws IllegalArgumentException on an empty grid, steps &lt; 1, a learning rate that is not finite
     *                                  and positive, or two candidates with the same learning rate
     */
    public static Grid fromGrid(List<Candidate> candidates, int steps) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("critical learning rate: the grid has no candidates");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("critical learning rate: steps must be >= 1, got " + steps);
        }
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Candidate::lr));
        int n = sorted.size();
        double[] lrs = new double[n];
        double[] change = new double[n];
        boolean[] keeps = new boolean[n];
        boolean[] widens = new boolean[n];
        int unjudged = 0;
        for (int i = 0; i < n; i++) {
            Candidate cand = sorted.get(i);
            lrs[i] = cand.lr();
            if (!(lrs[i] > 0) || lrs[i] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("critical learning rate: candidate learning rate must be finite and > 0, got " + lrs[i]);
            }
            if (i > 0 && lrs[i] == lrs[i - 1]) {
                throw new IllegalArgumentException("critical learning rate: two candidates share learning rate " + lrs[i]);
            }
            double before = cand.spreadBefore();
            double after = cand.spreadAfter();
            boolean finite = before > 0 && after > 0 && Double.isFinite(before) && Double.isFinite(after);
            change[i] = finite ? (Math.log(after) - Math.log(before)) / steps : Double.NaN;
            widens[i] = !(after <= before) || !Double.isFinite(after);
            Boolean k = keepsOrder(cand);
            if (k == null) {
                unjudged++;
            }
            keeps[i] = k != null && k;
        }
        String unjudgedNote = unjudged == 0 ? "" : "; " + unjudged + " candidate(s) could not be judged (no per-layer ELRs or non-finite values)";
        Estimate swap = largest(lrs, keeps, "kept the order of their extreme layers", "swapped", unjudgedNote);
        Estimate noWiden = largest(lrs, negate(widens), "did not widen the spread", "widened", "");
        Estimate fastest = fastestDecay(lrs, change);
        return new Grid(lrs, change, keeps, widens, swap, fastest, noWiden);
    }

    /** True/false whether the extreme layers before keep their order after; null if it cannot be judged. */
    private static Boolean keepsOrder(Candidate cand) {
        double[] before = cand.elrBefore();
        double[] after = cand.elrAfter();
        if (before == null || after == null || before.length != after.length) {
            return null;
        }
        Spread s = Spread.of(before);
        if (!s.defined()) {
            return null;
        }
        if (s.argmax() == s.argmin() || before[s.argmax()] == before[s.argmin()]) {
            return true;
        }
        double hi = after[s.argmax()];
        double lo = after[s.argmin()];
        if (!Double.isFinite(hi) || !Double.isFinite(lo)) {
            return null;
        }
        return hi >= lo;
    }

    private static Estimate largest(double[] lrs, boolean[] ok, String qualifies, String failed, String note) {
        int best = -1;
        for (int i = lrs.length - 1; i >= 0; i--) {
            if (ok[i]) {
                best = i;
                break;
            }
        }
        if (best < 0) {
            return new Estimate(Double.NaN, -1, "no candidate " + qualifies + " (smallest tried: " + lrs[0] + ")" + note);
        }
        StringBuilder below = new StringBuilder();
        for (int i = 0; i < best; i++) {
            if (!ok[i]) {
                below.append(below.length() == 0 ? "" : ", ").append(lrs[i]);
            }
        }
        String reason = "largest of " + lrs.length + " candidates that " + qualifies
                + (best == lrs.length - 1 ? " (the largest tried: the boundary may lie higher)" : "")
                + (below.length() > 0 ? "; not monotone: " + below + " " + failed + " below it" : "") + note;
        return new Estimate(lrs[best], best, reason);
    }

    private static Estimate fastestDecay(double[] lrs, double[] change) {
        int best = -1;
        for (int i = 0; i < lrs.length; i++) {
            // strict < keeps the smallest learning rate among equal changes
            if (change[i] < 0 && (best < 0 || change[i] < change[best])) {
                best = i;
            }
        }
        if (best < 0) {
            return new Estimate(Double.NaN, -1, "no candidate reduced the spread");
        }
        return new Estimate(lrs[best], best, "fastest decay of ln S: " + change[best] + " per step"
                + (best == lrs.length - 1 ? " (at the largest tried)" : best == 0 ? " (at the smallest tried)" : ""));
    }

    private static boolean[] negate(boolean[] a) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = !a[i];
        }
        return out;
    }
}
