package org.layerwise.analysis.elr;

import java.util.Arrays;
import org.layerwise.util.Rng;

/**
 * Algorithm 1 of the paper, "Random Walk" [paper: the name and that e_l is the number of elements of
 * W_l]: a stochastic check of the deterministic model. The exact form of the paper's Algorithm 1 is
 * not available offline; this is the form its notation implies (design note §4) [derived]:
 * <pre>
 *   for each layer l: w in R^{n_l}, random direction, ||w|| = the real initial norm
 *   each step t:  z ~ N(0, I)
 *                 z &lt;- z - &lt;z, w&gt; / &lt;w, w&gt; w        (remove the component along w)
 *                 g = z / ||z|| * c_{l,t} / ||w||       (the base-gradient norm)
 *                 w &lt;- w - eta_{l,t} g
 * </pre>
 * With the projection the step is orthogonal to w, so ||w|| follows the exact SGD recursion of
 * {@link ElrModel} (to rounding), and the angular update is atan(e). Without it
 * ({@code project = false}) &lt;w, g&gt; is a random N(0,1)/sqrt(n_l) fraction of ||w|| ||g||, which
 * shows what orthogonality buys.
 *
 * <p>Layers are independent given the learning rates, so they are simulated one after the other with
 * memory O(max n_l) (two vectors) besides the O(T L) output; each layer draws from its own stream
 * {@code Rng.derive(seed, "random-walk", layer)}, so a layer's path does not depend on the others. The
 * learning rates must therefore be a fixed sequence: to replay a closed-loop rule (the ELR warm-up),
 * run {@link ElrModel} first and pass {@code LearningRates.perLayer(trajectory.lr())}. Cost: about two
 * normal draws' worth of work per element and step.
 *
 * @param sizes   n_l, the number of elements of each layer (&gt;= 1)
 * @param seed    seed of the draws
 * @param project whether to remove the component of z along w (Algorithm 1 does)
 */
public record RandomWalk(int[] sizes, long seed, boolean project) {

    public RandomWalk {
        sizes = sizes.clone();
        for (int l = 0; l < sizes.length; l++) {
            if (sizes[l] < 1) {
                throw new IllegalArgumentException("random walk: layer " + l + " must have at least one element, got " + sizes[l]);
            }
        }
    }

    /** n_l per layer (a copy). */
    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    /**
     * The paths of one random walk.
     *
     * @param sigma         {@code [T+1][L]}: ||w_{l,t}||, computed from the simulated vector
     * @param elr           {@code [T][L]}: eta ||g|| / ||w|| with ||g|| = c / ||w||
     * @param angularUpdate {@code [T][L]}: angle between w_t and w_{t+1} (radians), from the vectors
     * @param orthogonality {@code [T][L]}: &lt;w, g&gt; / (||w|| ||g||) of the step taken (~1e-16 with
     *                      the projection; 0 where g = 0)
     * @param spread        {@code [T]}: max e / min e ({@link Spread})
     * @param logSpread     {@code [T]}: ln of spread
     */
    public record Result(double[][] sigma, double[][] elr, double[][] angularUpdate, double[][] orthogonality,
                         double[] spread, double[] logSpread) {
    }

    /**
     * Simulates {@code steps} steps.
     *
     * @param sigma0 initial norm per layer (finite, &gt; 0)
     * @param c      base gradients for every step and layer
     * @param lr     a fixed learning-rate sequence ({@link LearningRates#usesMeasurements()} false)
     */
    public Result run(double[] sigma0, BaseGradients c, LearningRates lr, int steps) {
        int layers = sizes.length;
        if (sigma0.length != layers) {
            throw new IllegalArgumentException("random walk: " + layers + " layer sizes but " + sigma0.length + " initial norms");
        }
        ElrModel.checkInputs(sigma0, c, lr, steps);
        if (lr.usesMeasurements()) {
            throw new IllegalArgumentException("random walk: the learning rates depend on measurements; run ElrModel first and pass"
                    + " LearningRates.perLayer(trajectory.lr())");
        }
        double[][] rates = new double[steps][layers];
        for (int t = 0; t < steps; t++) {
            lr.fill(t, null, null, rates[t]);
        }
        double[][] sigma = new double[steps + 1][layers];
        double[][] elr = new double[steps][layers];
        double[][] angle = new double[steps][layers];
        double[][] orth = new double[steps][layers];
        int maxSize = Arrays.stream(sizes).max().orElse(0);
        double[] w = new double[maxSize];
        double[] z = new double[maxSize];
        for (int l = 0; l < layers; l++) {
            walkLayer(l, sigma0[l], c, rates, steps, w, z, sigma, elr, angle, orth);
        }
        double[] spread = new double[steps];
        double[] logSpread = new double[steps];
        for (int t = 0; t < steps; t++) {
            double[] ratio = new double[layers];
            for (int l = 0; l < layers; l++) {
                ratio[l] = c.at(t, l) / (sigma[t][l] * sigma[t][l]);
            }
            Spread s = Spread.ofStep(elr[t], rates[t], ratio);
            spread[t] = s.spread();
            logSpread[t] = s.logSpread();
        }
        return new Result(sigma, elr, angle, orth, spread, logSpread);
    }

    private void walkLayer(int l, double sigma0, BaseGradients c, double[][] rates, int steps, double[] wBuf, double[] zBuf,
                           double[][] sigma, double[][] elr, double[][] angle, double[][] orth) {
        int n = sizes[l];
        double[] w = wBuf;
        double[] z = zBuf;
        NormalSampler normal = new NormalSampler(Rng.derive(seed, "random-walk", l));
        normal.fill(w, n);
        double ww = 0;
        for (int i = 0; i < n; i++) {
            ww += w[i] * w[i];
        }
        double scale = sigma0 / Math.sqrt(ww);
        ww = 0;
        for (int i = 0; i < n; i++) {
            w[i] *= scale;
            ww += w[i] * w[i];
        }
        for (int t = 0; t < steps; t++) {
            double norm = Math.sqrt(ww);
            sigma[t][l] = norm;
            double eta = rates[t][l];
            double gNorm = c.at(t, l) / norm;
            normal.fill(z, n);
            double zw = 0;
            double zz = 0;
            for (int i = 0; i < n; i++) {
                zw += z[i] * w[i];
                zz += z[i] * z[i];
            }
            double alpha = project ? zw / ww : 0;
            double zPerp2 = project ? zz - zw * alpha : zz;
            // n = 1 with projection (or c = 0) leaves no direction to step in: g = 0
            double k = zPerp2 > 0 && gNorm > 0 ? gNorm / Math.sqrt(zPerp2) : 0;
            double gw = 0;
            double gg = 0;
            double wwNext = 0;
            for (int i = 0; i < n; i++) {
                double wi = w[i];
                double gi = k * (z[i] - alpha * wi);
                gw += gi * wi;
                gg += gi * gi;
                double next = wi - eta * gi;
                w[i] = next;
                wwNext += next * next;
            }
            elr[t][l] = eta * gNorm / norm;
            angle[t][l] = ElrQuantities.angleOfStep(norm, eta * Math.sqrt(gg), eta * gw);
            orth[t][l] = gg > 0 ? gw / (norm * Math.sqrt(gg)) : 0;
            ww = wwNext;
        }
        sigma[steps][l] = Math.sqrt(ww);
    }
}
