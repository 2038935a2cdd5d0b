package org.layerwise.analysis.elr;

/**
 * The per-layer quantities of one training step (design note §2), computed from what a training loop
 * measures for every normalized weight tensor: sigma = ||w||, ||g||, &lt;w, g&gt; and the step's learning
 * rate(s).
 *
 * <table>
 *   <caption>definitions</caption>
 *   <tr><td>base gradient</td><td>c = sigma ||g|| (scale-free: the gradient norm at unit ||w||)</td></tr>
 *   <tr><td>ratio</td><td>r = ||g|| / sigma (the ELR per unit learning rate)</td></tr>
 *   <tr><td>ELR</td><td>e = eta ||g|| / sigma = eta c / sigma^2 (relative size of the SGD step)</td></tr>
 *   <tr><td>classic ELR</td><td>eta / sigma^2 (van Laarhoven 2017)</td></tr>
 *   <tr><td>orthogonality</td><td>&lt;w, g&gt; / (sigma ||g||); scale invariance makes it 0, so a large value
 *       flags a layer that is not scale-invariant</td></tr>
 *   <tr><td>spread</td><td>S = max e / min e, log S, and the extreme layers ({@link Spread})</td></tr>
 * </table>
 *
 * <p>Zero and non-finite inputs, explicitly:
 * <ul>
 *   <li>||g|| = 0 (a layer that got no gradient): c = 0, r = e = 0, orthogonality 0; the layer is left
 *       out of the spread and counted in {@link #excludedLayers}.</li>
 *   <li>||g|| NaN or infinite: c, r, e and orthogonality are NaN; the layer is left out of the spread.</li>
 *   <li>sigma = 0, NaN or infinite (the direction of w, hence its ELR, is undefined): every derived
 *       quantity of that layer is NaN; left out of the spread.</li>
 *   <li>&lt;w, g&gt; NaN, or {@code dot == null} (not measured): orthogonality NaN, nothing else changes.</li>
 *   <li>Every learning rate 0: the spread is that of r (see {@link Spread#ofStep}).</li>
 *   <li>Negative norms or learning rates, NaN learning rates and arrays of different lengths are
 *       programming errors: {@link IllegalArgumentException} naming the argument and layer.</li>
 * </ul>
 *
 * @param sigma          weight norm per layer
 * @param gradNorm       gradient norm per layer
 * @param dot            &lt;w, g&gt; per layer (NaN where not measured)
 * @param lr             learning rate per layer (the same value everywhere for a global rate)
 * @param baseGradient   c = sigma ||g||
 * @param ratio          r = ||g|| / sigma
 * @param elr            e = eta r
 * @param classicElr     eta / sigma^2
 * @param orthogonality  &lt;w, g&gt; / (sigma ||g||), 0 where ||g|| = 0
 * @param spread         S = max e / min e over usable layers (NaN if none)
 * @param logSpread      ln S
 * @param argmax         layer of the largest ELR (-1 if none)
 * @param argmin         layer of the smallest ELR (-1 if none)
 * @param excludedLayers layers left out of the spread (zero or non-finite ELR)
 */
public record ElrQuantities(double[] sigma, double[] gradNorm, double[] dot, double[] lr, double[] baseGradient,
                            double[] ratio, double[] elr, double[] classicElr, double[] orthogonality,
                            double spread, double logSpread, int argmax, int argmin, int excludedLayers) {

    /** Quantities for one global learning rate. {@code dot} may be null (orthogonality then NaN). */
    public static ElrQuantities of(double[] sigma, double[] gradNorm, double[] dot, double lr) {
        double[] lrs = new double[sigma.length];
        java.util.Arrays.fill(lrs, lr);
        return of(sigma, gradNorm, dot, lrs);
    }

    /** Quantities for per-layer learning rates. {@code dot} may be null (orthogonality then NaN). */
    public static ElrQuantities of(double[] sigma, double[] gradNorm, double[] dot, double[] lr) {
        int n = sigma.length;
        requireLength("gradNorm", gradNorm, n);
        requireLength("lr", lr, n);
        if (dot != null) {
            requireLength("dot", dot, n);
        }
        double[] c = new double[n];
        double[] r = new double[n];
        double[] e = new double[n];
        double[] classic = new double[n];
        double[] orth = new double[n];
        double[] dots = new double[n];
        for (int l = 0; l < n; l++) {
            double s = sigma[l];
            double g = gradNorm[l];
            double eta = lr[l];
            if (s < 0 || g < 0) {
                throw new IllegalArgumentException("layer " + l + ": norms must be >= 0 (sigma " + s + ", gradNorm " + g + ")");
            }
            if (!(eta >= 0) || eta == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("layer " + l + ": learning rate must be finite and >= 0 (got " + eta + ")");
            }
            dots[l] = dot == null ? Double.NaN : dot[l];
            boolean sigmaOk = s > 0 && s < Double.POSITIVE_INFINITY;
            boolean gradOk = g < Double.POSITIVE_INFINITY; // false for NaN too
            if (!sigmaOk) {
                c[l] = r[l] = e[l] = classic[l] = orth[l] = Double.NaN;
                continue;
            }
            classic[l] = eta / (s * s);
            if (!gradOk) {
                c[l] = r[l] = e[l] = orth[l] = Double.NaN;
                continue;
            }
            c[l] = s * g;
            r[l] = g / s;
            e[l] = eta * r[l];
            orth[l] = g == 0 ? 0.0 : dots[l] / (s * g);
        }
        Spread sp = Spread.ofStep(e, lr, r);
        return new ElrQuantities(sigma.clone(), gradNorm.clone(), dots, lr.clone(), c, r, e, classic, orth,
                sp.spread(), sp.logSpread(), sp.argmax(), sp.argmin(), sp.excluded());
    }

    /** Number of layers. */
    public int layers() {
        return sigma.length;
    }

    /**
     * The predicted critical learning rate of this step, 1 / sqrt(r_max r_min) ({@link CriticalLr}); it
     * does not depend on the learning rate used, so it is defined for per-layer rates too.
     */
    public double predictedCriticalLr() {
        return CriticalLr.fromRatios(ratio);
    }

    /**
     * The angle (radians) between w before and after a step, from their cosine, as measured. acos loses
     * precision for tiny angles (a cosine rounded to double resolves angles only down to ~1e-8 rad);
     * prefer {@link #angularUpdate(double[], double[])} or {@link #angleOfStep} where possible.
     * Cosines slightly outside [-1, 1] from rounding are clamped; NaN gives NaN.
     */
    public static double angularUpdate(double cos) {
        if (Double.isNaN(cos)) {
            return Double.NaN;
        }
        return Math.acos(Math.max(-1.0, Math.min(1.0, cos)));
    }

    /**
     * The angle (radians) between two weight vectors, accurate for tiny angles too:
     * 2 atan2(||a/|a| - b/|b|||, ||a/|a| + b/|b|||). NaN if either vector is zero or non-finite.
     */
    public static double angularUpdate(double[] before, double[] after) {
        requireLength("after", after, before.length);
        double na = 0;
        double nb = 0;
        for (int i = 0; i < before.length; i++) {
            na += before[i] * before[i];
            nb += after[i] * after[i];
        }
        na = Math.sqrt(na);
        nb = Math.sqrt(nb);
        if (!(na > 0 && nb > 0) || Double.isInfinite(na) || Double.isInfinite(nb)) {
            return Double.NaN;
        }
        double diff = 0;
        double sum = 0;
        for (int i = 0; i < before.length; i++) {
            double a = before[i] / na;
            double b = after[i] / nb;
            diff += (a - b) * (a - b);
            sum += (a + b) * (a + b);
        }
        return 2 * Math.atan2(Math.sqrt(diff), Math.sqrt(sum));
    }

    /**
     * The angle (radians) between w and w - d, from sigma = ||w||, the step's norm ||d|| and &lt;w, d&gt;,
     * without cancellation: atan2(sqrt(||d||^2 - &lt;w,d&gt;^2/sigma^2), sigma - &lt;w,d&gt;/sigma). For SGD,
     * d = eta g; with &lt;w, g&gt; = 0 it is atan(e) [derived].
     */
    public static double angleOfStep(double sigma, double stepNorm, double stepDot) {
        double along = sigma - stepDot / sigma;
        double perp = Math.sqrt(Math.max(0.0, stepNorm * stepNorm - (stepDot / sigma) * (stepDot / sigma)));
        return Math.atan2(perp, along);
    }

    static void requireLength(String name, double[] a, int n) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is missing (expected " + n + " layers)");
        }
        if (a.length != n) {
            throw new IllegalArgumentException(name + " has " + a.length + " layers, expected " + n);
        }
    }
}
