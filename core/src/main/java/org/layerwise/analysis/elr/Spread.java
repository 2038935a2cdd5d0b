package org.layerwise.analysis.elr;

/**
 * The ELR spread of one step: S = max_l e_l / min_l e_l over the layers whose ELR is finite and
 * positive, its logarithm, and which layers are extreme.
 *
 * <p>Layers with a zero ELR (zero gradient or zero learning rate) or a non-finite one (NaN/infinite
 * gradient, zero weight norm) are left out rather than making S infinite or NaN, so a single dead or
 * broken layer does not hide the spread of the others; {@link #excluded} says how many were left out,
 * and a caller that wants to flag such steps should check it. Ties for the extreme layers go to the
 * lowest layer index. With no usable layer S, log S are NaN and both extremes are -1.
 *
 * @param spread   max e / min e over the usable layers (1 when only one layer is usable)
 * @param logSpread ln max e - ln min e (computed as a difference of logs, accurate near S = 1)
 * @param argmax   layer with the largest ELR, or -1
 * @param argmin   layer with the smallest ELR, or -1
 * @param used     number of usable layers
 * @param excluded number of layers left out (zero or non-finite ELR)
 */
public record Spread(double spread, double logSpread, int argmax, int argmin, int used, int excluded) {

    /** The spread of per-layer ELRs (or of any per-layer positive quantity proportional to them). */
    public static Spread of(double[] elr) {
        int argmax = -1;
        int argmin = -1;
        int used = 0;
        for (int l = 0; l < elr.length; l++) {
            double e = elr[l];
            if (!(e > 0) || e == Double.POSITIVE_INFINITY) {
                continue;
            }
            used++;
            if (argmax < 0 || e > elr[argmax]) {
                argmax = l;
            }
            if (argmin < 0 || e < elr[argmin]) {
                argmin = l;
            }
        }
        if (used == 0) {
            return new Spread(Double.NaN, Double.NaN, -1, -1, 0, elr.length);
        }
        double max = elr[argmax];
        double min = elr[argmin];
        return new Spread(max / min, Math.log(max) - Math.log(min), argmax, argmin, used, elr.length - used);
    }

    /**
     * The spread of one step with per-layer learning rates {@code lr}: of e_l = lr_l r_l with
     * r_l = ||g_l|| / sigma_l. When every learning rate is 0 (e.g. the first step of a warm-up that
     * starts from 0) every ELR is 0 and S would be undefined; the spread of r_l is returned instead,
     * which is the spread any common positive rate gives.
     */
    public static Spread ofStep(double[] elr, double[] lr, double[] ratio) {
        for (double eta : lr) {
            if (eta != 0) {
                return of(elr);
            }
        }
        return of(ratio);
    }

    /** Whether at least one layer was usable (S is a number). */
    public boolean defined() {
        return used > 0;
    }
}
