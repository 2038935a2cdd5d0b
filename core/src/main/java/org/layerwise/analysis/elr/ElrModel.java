package org.layerwise.analysis.elr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.layerwise.config.ConfigException;

/**
 * The deterministic model of weight norms and effective learning rates of scale-invariant weights
 * (design note §3) [derived], with the optimizer of torch.optim.SGD (momentum mu, dampening 0, no
 * Nesterov; weight decay lambda added to the gradient).
 *
 * <p><b>Plain SGD (mu = 0, lambda = 0), exact.</b> Scale invariance gives &lt;w, g&gt; = 0 and
 * ||g|| = c / sigma with the scale-free base gradient c. For w' = w - eta g, exactly
 * <pre>  sigma'^2 = sigma^2 + eta^2 ||g||^2 = sigma^2 (1 + e^2),   e = eta c / sigma^2.</pre>
 * Fed the measured c_{l,t} ({@link BaseGradients#measured}) the predicted norms are exact; with c held
 * constant they rest on that assumption only (which the paper checks first [paper]). Then
 * e' = e / (1 + e^2) ({@link #nextElr(double)}), and the continuous limit is {@link #continuousElr}.
 *
 * <p><b>Weight decay (mu = 0), exact given &lt;w, g&gt; = 0.</b> w' = (1 - eta lambda) w - eta g, so
 * <pre>  sigma'^2 = (1 - eta lambda)^2 sigma^2 + eta^2 ||g||^2.</pre>
 *
 * <p><b>Momentum (mu &gt; 0), an approximation.</b> v' = mu v + g + lambda w, w' = w - eta v', v_0 = 0.
 * Per layer the model tracks s = ||w||^2, p = &lt;w, v&gt;, q = ||v||^2. Using &lt;w, g&gt; = 0 (scale
 * invariance) and <i>assuming</i> &lt;g, v&gt; = 0 (the new minibatch gradient is orthogonal to the
 * velocity; not implied by scale invariance), with G = ||g||^2 = c^2 / s and a = &lt;w, v'&gt;:
 * <pre>
 *   a  = mu p + lambda s
 *   q' = ||v'||^2 = mu^2 q + G + lambda^2 s + 2 mu lambda p
 *   s' = ||w'||^2 = s - 2 eta a + eta^2 q'
 *   p' = &lt;w', v'&gt; = a - eta q'
 * </pre>
 * These are exact whenever the assumption holds (each step's gradient orthogonal to both w and v); for
 * mu = 0 they reduce to the exact formulas above. The relative step is eta sqrt(q') / sigma and the
 * angle between w and w' is atan2(eta sqrt(q' - a^2/s), sigma - eta a / sigma).
 *
 * <p>{@link #assumptions()} lists, one line each, what a prediction rests on, for reports to print.
 * Instances are immutable.
 */
public final class ElrModel {
    private final double momentum;
    private final double weightDecay;

    private ElrModel(double momentum, double weightDecay) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ConfigException("momentum: must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || weightDecay == Double.POSITIVE_INFINITY) {
            throw new ConfigException("weight-decay: must be finite and >= 0, got " + weightDecay);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    /** Plain SGD, the paper's setting [paper]: no momentum, no weight decay. */
    public static ElrModel sgd() {
        return new ElrModel(0, 0);
    }

    /** torch.optim.SGD with momentum mu in [0, 1) and weight decay lambda &gt;= 0. */
    public static ElrModel of(double momentum, double weightDecay) {
        return new ElrModel(momentum, weightDecay);
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Whether the norm recursion is exact given the base gradients (true unless momentum is used). */
    public boolean exact() {
        return momentum == 0;
    }

    /** What every prediction of this model rests on, one line each (base gradients not included). */
    public List<String> assumptions() {
        List<String> a = new ArrayList<>();
        a.add("[derived] <w, g> = 0 for every normalized weight (scale invariance; exact for a scale-invariant loss,"
                + " checked in real runs by the orthogonality column)");
        a.add("[derived] ||g_{l,t}|| = c_{l,t} / sigma_{l,t}: the gradient norm follows the weight norm through scale invariance");
        if (momentum == 0 && weightDecay == 0) {
            a.add("[derived] plain SGD: sigma_{t+1}^2 = sigma_t^2 + eta_t^2 ||g_t||^2, exact given the two lines above");
        } else if (momentum == 0) {
            a.add("[derived] weight decay " + weightDecay + " (gradient += lambda w): sigma_{t+1}^2 = (1 - eta lambda)^2 sigma_t^2"
                    + " + eta_t^2 ||g_t||^2, exact given the lines above");
        } else {
            a.add("[derived] momentum " + momentum + (weightDecay != 0 ? ", weight decay " + weightDecay : "")
                    + " (torch.optim.SGD, dampening 0, no Nesterov, velocity starting at 0): ||w||^2, <w,v>, ||v||^2 tracked per layer");
            a.add("APPROXIMATION: <g_t, v_{t-1}> = 0 (each new gradient orthogonal to the velocity); not implied by scale invariance");
        }
        return Collections.unmodifiableList(a);
    }

    /**
     * Predicts T = {@code steps} steps from the initial norms.
     *
     * @param sigma0 initial weight norm per layer (finite, &gt; 0)
     * @param c      base gradients; must cover {@code steps} steps and the same layers
     * @param lr     learning rates; a rule that {@link LearningRates#usesMeasurements() uses measurements}
     *               is given the model's own sigma_t and ||g_t|| = c_t / sigma_t (closed loop); a
     *               stateful rule (the ELR warm-up) is advanced by the run, so give each run a fresh one
     */
    public ElrTrajectory run(double[] sigma0, BaseGradients c, LearningRates lr, int steps) {
        int layers = sigma0.length;
        checkInputs(sigma0, c, lr, steps);
        double[][] sigma = new double[steps + 1][layers];
        double[][] gradNorm = new double[steps][layers];
        double[][] rates = new double[steps][layers];
        double[][] elr = new double[steps][layers];
        double[][] relStep = new double[steps][layers];
        double[][] angle = new double[steps][layers];
        double[] spread = new double[steps];
        double[] logSpread = new double[steps];
        double[] s = new double[layers];
        double[] p = new double[layers];
        double[] q = new double[layers];
        double[] ratio = new double[layers];
        double[] sigmaView = new double[layers];
        double[] gradView = new double[layers];
        for (int l = 0; l < layers; l++) {
            s[l] = sigma0[l] * sigma0[l];
            sigma[0][l] = sigma0[l];
        }
        double mu = momentum;
        double lambda = weightDecay;
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < layers; l++) {
                gradNorm[t][l] = c.at(t, l) / sigma[t][l];
            }
            // the rule gets copies, so a misbehaving one cannot corrupt the trajectory
            System.arraycopy(sigma[t], 0, sigmaView, 0, layers);
            System.arraycopy(gradNorm[t], 0, gradView, 0, layers);
            lr.fill(t, sigmaView, gradView, rates[t]);
            for (int l = 0; l < layers; l++) {
                double eta = rates[t][l];
                if (!(eta >= 0) || eta == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("learning rate of layer " + l + " at step " + t + " is " + eta + "; must be finite and >= 0");
                }
                double sl = s[l];
                double sig = sigma[t][l];
                double g = gradNorm[t][l];
                double a = mu * p[l] + lambda * sl;
                double qNext = mu * mu * q[l] + g * g + lambda * lambda * sl + 2 * mu * lambda * p[l];
                double sNext = sl - 2 * eta * a + eta * eta * qNext;
                p[l] = a - eta * qNext;
                q[l] = qNext;
                s[l] = sNext;
                sigma[t + 1][l] = Math.sqrt(sNext);
                ratio[l] = g / sig;
                elr[t][l] = eta * ratio[l];
                relStep[t][l] = eta * Math.sqrt(qNext) / sig;
                angle[t][l] = Math.atan2(eta * Math.sqrt(Math.max(0.0, qNext - a * a / sl)), sig - eta * a / sig);
            }
            Spread sp = Spread.ofStep(elr[t], rates[t], ratio);
            spread[t] = sp.spread();
            logSpread[t] = sp.logSpread();
        }
        List<String> all = new ArrayList<>(assumptions());
        all.add((c.isMeasured() ? "" : "APPROXIMATION: ") + c.description());
        return new ElrTrajectory(steps, layers, sigma, gradNorm, rates, elr, relStep, angle, spread, logSpread,
                Collections.unmodifiableList(all));
    }

    static void checkInputs(double[] sigma0, BaseGradients c, LearningRates lr, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        if (c.layers() != sigma0.length) {
            throw new IllegalArgumentException("base gradients have " + c.layers() + " layers, initial norms " + sigma0.length);
        }
        if (steps > c.steps()) {
            throw new IllegalArgumentException("base gradients cover " + c.steps() + " steps, " + steps + " requested");
        }
        if (steps > lr.steps()) {
            throw new IllegalArgumentException("learning rates cover " + lr.steps() + " steps, " + steps + " requested");
        }
        for (int l = 0; l < sigma0.length; l++) {
            if (!(sigma0[l] > 0) || sigma0[l] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("initial norm of layer " + l + " must be finite and > 0, got " + sigma0[l]);
            }
        }
    }

    // ---- closed forms [derived], under constant base gradients --------------------------------------

    /** One step of the exact SGD norm map: sigma' = sqrt(sigma^2 + eta^2 ||g||^2). */
    public static double nextSigma(double sigma, double lr, double gradNorm) {
        return Math.sqrt(sigma * sigma + lr * lr * gradNorm * gradNorm);
    }

    /** e' = e / (1 + e^2): the next ELR at the same learning rate and base gradient. */
    public static double nextElr(double e) {
        // 1 / (e + 1/e) for large e, where e^2 would overflow
        return e > 1 ? 1 / (e + 1 / e) : e / (1 + e * e);
    }

    /** e_{t+1} = (eta_{t+1} / eta_t) e_t / (1 + e_t^2): the next ELR when the learning rate changes. */
    public static double nextElr(double e, double lrRatio) {
        return lrRatio * nextElr(e);
    }

    /**
     * The map in log space, x = ln e: x' = x - ln(1 + e^{2x}). Its slope is -tanh(x), of modulus &lt; 1,
     * so it is a strict contraction and every ratio e_l / e_k tends to 1 under a constant learning rate
     * [derived; matches the paper's claim].
     */
    public static double nextLogElr(double x) {
        // ln(1 + e^{2x}) without overflow for large x
        double softplus = x > 0 ? 2 * x + Math.log1p(Math.exp(-2 * x)) : Math.log1p(Math.exp(2 * x));
        return x - softplus;
    }

    /** d x' / d x = -tanh(x), the slope of {@link #nextLogElr}. */
    public static double logMapSlope(double x) {
        return -Math.tanh(x);
    }

    /**
     * The continuous limit of the ELR under constant eta and c: de/dt = -e^3, e(t) = (e0^-2 + 2t)^(-1/2).
     * The discrete map stays below it: with u = e^-2, u' = u + 2 + 1/u, so the relative gap
     * 1 - e_t / e(t) is at most e0^2 / 4 for every t [derived].
     */
    public static double continuousElr(double e0, double t) {
        return 1 / Math.sqrt(1 / (e0 * e0) + 2 * t);
    }

    /** The continuous limit of the weight norm: sigma^4(t) = sigma0^4 + 2 eta^2 c^2 t. */
    public static double continuousSigma(double sigma0, double lr, double c, double t) {
        double s2 = sigma0 * sigma0;
        return Math.sqrt(Math.sqrt(s2 * s2 + 2 * lr * lr * c * c * t));
    }
}
