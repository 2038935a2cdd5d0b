package org.layerwise.analysis.elr;

import java.util.Arrays;

/**
 * The learning rate eta_{l,t} of every layer at every step, as the models ({@link ElrModel},
 * {@link RandomWalk}) consume it: a fixed sequence (global or per layer), or a rule that decides from
 * the state of the step, such as the ELR warm-up (every {@code org.layerwise.train.schedule.LrSchedule}
 * is one).
 */
@FunctionalInterface
public interface LearningRates {

    /**
     * Writes eta_{l,step} for every layer into {@code out}.
     *
     * @param sigma    the weight norms at this step (the model's, or measured); null when
     *                 {@link #usesMeasurements()} is false and the caller has none. Do not modify.
     * @param gradNorm the gradient norms at this step, as sigma
     */
    void fill(int step, double[] sigma, double[] gradNorm, double[] out);

    /** Whether the rates may depend on sigma and gradNorm (then they must be computed step by step). */
    default boolean usesMeasurements() {
        return true;
    }

    /** How many steps this sequence covers ({@link Integer#MAX_VALUE} when unlimited). */
    default int steps() {
        return Integer.MAX_VALUE;
    }

    /** The same rate at every step and layer. */
    static LearningRates constant(double lr) {
        requireRate(lr, "constant learning rate");
        return fixed(Integer.MAX_VALUE, (step, sigma, gradNorm, out) -> Arrays.fill(out, lr));
    }

    /** A global rate per step, {@code lr[step]} (copied). */
    static LearningRates global(double[] lr) {
        double[] copy = lr.clone();
        for (int t = 0; t < copy.length; t++) {
            requireRate(copy[t], "learning rate at step " + t);
        }
        return fixed(copy.length, (step, sigma, gradNorm, out) -> Arrays.fill(out, copy[step]));
    }

    /** A rate per step and layer, {@code lr[step][layer]} (copied). */
    static LearningRates perLayer(double[][] lr) {
        double[][] copy = new double[lr.length][];
        for (int t = 0; t < lr.length; t++) {
            copy[t] = lr[t].clone();
            for (int l = 0; l < copy[t].length; l++) {
                requireRate(copy[t][l], "learning rate at step " + t + ", layer " + l);
            }
        }
        return fixed(copy.length, (step, sigma, gradNorm, out) -> {
            ElrQuantities.requireLength("learning rates at step " + step, copy[step], out.length);
            System.arraycopy(copy[step], 0, out, 0, out.length);
        });
    }

    /** Marks a rule as not using measurements. */
    private static LearningRates fixed(int steps, LearningRates rule) {
        return new LearningRates() {
            @Override
            public void fill(int step, double[] sigma, double[] gradNorm, double[] out) {
                rule.fill(step, sigma, gradNorm, out);
            }

            @Override
            public boolean usesMeasurements() {
                return false;
            }

            @Override
            public int steps() {
                return steps;
            }
        };
    }

    private static void requireRate(double lr, String what) {
        if (!(lr >= 0) || lr == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + lr);
        }
    }
}
