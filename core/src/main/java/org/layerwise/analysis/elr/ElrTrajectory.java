package org.layerwise.analysis.elr;

import java.util.List;

/**
 * What {@link ElrModel} predicts for T steps of L layers. Row t of the per-step matrices describes
 * step t, taken from the weights w_t; {@code sigma} has one more row, the norm after the last step.
 *
 * @param steps         T
 * @param layers        L
 * @param sigma         {@code [T+1][L]}: sigma_{l,t} = ||w_{l,t}||, row 0 the initial norms
 * @param gradNorm      {@code [T][L]}: ||g_{l,t}|| = c_{l,t} / sigma_{l,t}
 * @param lr            {@code [T][L]}: the learning rate used at each step and layer
 * @param elr           {@code [T][L]}: e_{l,t} = eta_{l,t} ||g_{l,t}|| / sigma_{l,t} (design note §2)
 * @param relativeStep  {@code [T][L]}: ||w_{t+1} - w_t|| / sigma_t; equals elr for plain SGD, differs
 *                      with momentum or weight decay
 * @param angularUpdate {@code [T][L]}: angle between w_t and w_{t+1} in radians (atan e for plain SGD)
 * @param spread        {@code [T]}: max e / min e ({@link Spread})
 * @param logSpread     {@code [T]}: ln of spread
 * @param assumptions   every assumption the prediction rests on, one line each, for reports
 */
public record ElrTrajectory(int steps, int layers, double[][] sigma, double[][] gradNorm, double[][] lr,
                            double[][] elr, double[][] relativeStep, double[][] angularUpdate,
                            double[] spread, double[] logSpread, List<String> assumptions) {

    /** Column {@code layer} of a {@code [step][layer]} matrix, as a new array. */
    public static double[] column(double[][] matrix, int layer) {
        double[] out = new double[matrix.length];
        for (int t = 0; t < matrix.length; t++) {
            out[t] = matrix[t][layer];
        }
        return out;
    }

    /** The base gradients implied by the trajectory, c_{l,t} = sigma_{l,t} ||g_{l,t}||, {@code [T][L]}. */
    public double[][] baseGradients() {
        double[][] c = new double[steps][layers];
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < layers; l++) {
                c[t][l] = sigma[t][l] * gradNorm[t][l];
            }
        }
        return c;
    }
}
