package org.layerwise.analysis.elr;

import java.util.Arrays;

/**
 * The base gradients c_{l,t} = sigma_{l,t} ||g_{l,t}|| that drive the models ({@link ElrModel},
 * {@link RandomWalk}): measured in a real run, frozen at an early value, or constant.
 *
 * <p>Scale invariance makes c independent of ||w|| [derived], so c captures everything about the
 * gradient that the norm dynamics need. Holding c constant over a window is the model's central
 * assumption, which the paper checks first [paper]; {@link #frozen} is that assumption applied to a
 * real run, {@link #measured} removes it.
 *
 * <p>Measured values may contain NaN (a step whose gradient was non-finite): the models propagate it,
 * so the prediction from that step on is NaN, as the real run is broken from there. Negative values are
 * rejected.
 */
public final class BaseGradients {
    private final double[][] measured;
    private final double[] fixed;
    private final int layers;
    private final String description;

    private BaseGradients(double[][] measured, double[] fixed, int layers, String description) {
        this.measured = measured;
        this.fixed = fixed;
        this.layers = layers;
        this.description = description;
    }

    /** The measured c_{l,t}, {@code [step][layer]} (copied). */
    public static BaseGradients measured(double[][] c) {
        double[][] copy = copyMatrix("base gradients", c);
        return new BaseGradients(copy, null, copy.length == 0 ? 0 : copy[0].length,
                "base gradients c_{l,t} as measured at each recorded step (no assumption on c between records only when every step is recorded)");
    }

    /**
     * c held at the mean of its first {@code firstSteps} measured rows, per layer (NaN entries among
     * them are skipped). An approximation: base gradients constant over the window [paper's assumption].
     *
     * @throws IllegalArgumentException if firstSteps is not in 1..rows, or a layer has no finite value there
     */
    public static BaseGradients frozen(double[][] c, int firstSteps) {
        double[][] m = copyMatrix("base gradients", c);
        if (firstSteps < 1 || firstSteps > m.length) {
            throw new IllegalArgumentException("frozen base gradients: firstSteps must be in 1.." + m.length + " (got " + firstSteps + ")");
        }
        int n = m[0].length;
        double[] mean = new double[n];
        for (int l = 0; l < n; l++) {
            double sum = 0;
            int count = 0;
            for (int t = 0; t < firstSteps; t++) {
                if (Double.isFinite(m[t][l])) {
                    sum += m[t][l];
                    count++;
                }
            }
            if (count == 0) {
                throw new IllegalArgumentException("frozen base gradients: layer " + l + " has no finite value in the first " + firstSteps + " steps");
            }
            mean[l] = sum / count;
        }
        return new BaseGradients(null, mean, n, "base gradients held at their mean over the first " + firstSteps
                + " measured steps (approximation: c constant in time)");
    }

    /** A constant c per layer (copied). An approximation: base gradients constant in time. */
    public static BaseGradients constant(double[] c) {
        double[] copy = c.clone();
        for (int l = 0; l < copy.length; l++) {
            requireNonNegative(copy[l], "layer " + l);
        }
        return new BaseGradients(null, copy, copy.length, "base gradients held constant per layer (approximation: c constant in time)");
    }

    /** The same constant c for every one of {@code layers} layers. */
    public static BaseGradients constant(double c, int layers) {
        double[] all = new double[layers];
        Arrays.fill(all, c);
        return constant(all);
    }

    /** c = sigma ||g|| from measured {@code [step][layer]} weight norms and gradient norms. */
    public static double[][] fromMeasurements(double[][] sigma, double[][] gradNorm) {
        if (sigma.length != gradNorm.length) {
            throw new IllegalArgumentException("sigma has " + sigma.length + " steps, gradNorm " + gradNorm.length);
        }
        double[][] c = new double[sigma.length][];
        for (int t = 0; t < sigma.length; t++) {
            ElrQuantities.requireLength("gradNorm at step " + t, gradNorm[t], sigma[t].length);
            c[t] = new double[sigma[t].length];
            for (int l = 0; l < c[t].length; l++) {
                c[t][l] = sigma[t][l] * gradNorm[t][l];
            }
        }
        return c;
    }

    /** c_{layer, step}. */
    public double at(int step, int layer) {
        return measured != null ? measured[step][layer] : fixed[layer];
    }

    /** Number of layers. */
    public int layers() {
        return layers;
    }

    /** Number of steps available: the measured rows, or {@link Integer#MAX_VALUE} when c is fixed. */
    public int steps() {
        return measured != null ? measured.length : Integer.MAX_VALUE;
    }

    /** Whether c is the measured matrix (no assumption) rather than frozen or constant. */
    public boolean isMeasured() {
        return measured != null;
    }

    /** One line for reports: where c comes from and what is assumed. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    private static double[][] copyMatrix(String name, double[][] c) {
        if (c.length == 0) {
            throw new IllegalArgumentException(name + ": no steps");
        }
        int n = c[0].length;
        double[][] copy = new double[c.length][];
        for (int t = 0; t < c.length; t++) {
            if (c[t].length != n) {
                throw new IllegalArgumentException(name + ": step " + t + " has " + c[t].length + " layers, step 0 has " + n);
            }
            copy[t] = c[t].clone();
            for (int l = 0; l < n; l++) {
                requireNonNegative(copy[t][l], "step " + t + ", layer " + l);
            }
        }
        return copy;
    }

    private static void requireNonNegative(double v, String where) {
        if (v < 0 || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("base gradient at " + where + " must be finite and >= 0 (or NaN when not measured), got " + v);
        }
    }
}
