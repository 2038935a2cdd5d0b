package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.layerwise.analysis.elr.BaseGradients;
import org.layerwise.analysis.elr.ElrModel;
import org.layerwise.analysis.elr.ElrTrajectory;
import org.layerwise.analysis.elr.LearningRates;
import org.layerwise.analysis.elr.RandomWalk;

/**
 * The model of weight norms and ELRs replayed on one run's measurements, for comparison with what the
 * run measured: from the measured initial norms sigma_{l,0} and the learning rates actually used
 * (lr.npy), driven by base gradients c_{l,t} that are either measured (base_gradient.npy) or frozen at
 * their mean over the first k recorded steps; and Algorithm 1's random walk with the measured c.
 *
 * <p>The deterministic model is {@link ElrModel} [derived]: for plain SGD, sigma'^2 = sigma^2 + eta^2 c^2 /
 * sigma^2, exact given scale invariance, so the replay with measured c reproduces the run to the
 * precision of the float32 files; with c frozen it rests on the assumption the paper checks first
 * [paper] (base gradients constant over a window). The random walk is the form implied by the paper's
 * notation (design note §4) [derived].
 *
 * <p>Steps between two records: with the probe recording every k &gt; 1 steps, c and eta are known at
 * recorded steps only, and are held over the k steps that follow (an approximation, which
 * {@link Prediction#assumptions} states). Every prediction is returned at the recorded steps.
 */
final class ModelReplay {
    /** Beyond this many element-steps the random walk simulates only the layers the report plots. */
    static final double RANDOM_WALK_BUDGET = 1.5e9;

    private ModelReplay() {
    }

    /**
     * Per recorded step, the relative error |predicted - measured| / measured over the layers: its median
     * and its maximum (NaN where no layer has a usable pair).
     */
    record ErrorCurve(double[] median, double[] max) {
        /** The median at the last recorded step. */
        double finalMedian() {
            return last(median);
        }

        /** The maximum over the layers at the last recorded step. */
        double finalMax() {
            return last(max);
        }

        /** The largest error over every recorded step after the first and every layer. */
        double worst() {
            double w = Double.NaN;
            for (int r = 1; r < max.length; r++) {
                if (Double.isFinite(max[r]) && !(max[r] <= w)) {
                    w = max[r];
                }
            }
            return w;
        }

        private static double last(double[] a) {
            return a.length == 0 ? Double.NaN : a[a.length - 1];
        }
    }

    /**
     * A replay at the recorded steps.
     *
     * @param name        short label ("model, measured c")
     * @param sigma       [recorded step][layer]: the predicted weight norm (NaN for layers not simulated)
     * @param elr         [recorded step][layer]: the predicted ELR e = eta c / sigma^2
     * @param spread      [recorded step]: the predicted spread
     * @param sigmaError  relative error of sigma against the measured one
     * @param elrError    relative error of e against the measured one
     * @param assumptions what the prediction rests on, one line each
     * @param simulated   the layers simulated (all, unless the random walk was limited by its budget)
     */
    record Prediction(String name, double[][] sigma, double[][] elr, double[] spread, ErrorCurve sigmaError, ErrorCurve elrError,
                      List<String> assumptions, int[] simulated) {
        boolean allLayers() {
            return simulated.length == sigma[0].length;
        }
    }

    /** The inputs of a replay at every step, expanded from the recorded steps. */
    private record Inputs(int[] offset, double[] sigma0, double[][] c, double[][] lr, boolean gaps) {
        int steps() {
            return c.length;
        }
    }

    /** The model replayed with the measured base gradients c_{l,t}. */
    static Prediction measuredC(ElrRunData run, ElrModel model) {
        Inputs in = inputs(run);
        ElrTrajectory t = model.run(in.sigma0, BaseGradients.measured(in.c), LearningRates.perLayer(in.lr), in.steps());
        return fromTrajectory(run, "model, measured c", t, in);
    }

    /** The model replayed with c held at its mean over the first {@code firstRecords} recorded steps (fewer if the run has fewer). */
    static Prediction frozenC(ElrRunData run, ElrModel model, int firstRecords) {
        Inputs in = inputs(run);
        double[][] recorded = finiteOrNaN(run.matrix("base_gradient"));
        int k = Math.max(1, Math.min(firstRecords, recorded.length));
        ElrTrajectory t = model.run(in.sigma0, BaseGradients.frozen(recorded, k), LearningRates.perLayer(in.lr), in.steps());
        return fromTrajectory(run, "model, c frozen after " + k + " recorded steps", t, in);
    }

    /**
     * Algorithm 1's random walk with the measured c (plain SGD only). All layers, unless that exceeds
     * {@code budget} element-steps (e.g. {@link #RANDOM_WALK_BUDGET}); then only {@code fallback}
     * (layers are independent in the walk, so their paths are the same either way).
     */
    static Prediction randomWalk(ElrRunData run, int[] fallback, long seed, double budget) {
        Inputs in = inputs(run);
        int layers = run.layerCount();
        double cost = 0;
        for (int n : run.sizes) {
            cost += (double) n * in.steps();
        }
        int[] simulated = cost <= budget ? all(layers) : fallback.clone();
        int m = simulated.length;
        int[] sizes = new int[m];
        double[] sigma0 = new double[m];
        double[][] c = new double[in.steps()][m];
        double[][] lr = new double[in.steps()][m];
        for (int j = 0; j < m; j++) {
            int l = simulated[j];
            sizes[j] = Math.max(1, run.sizes[l]);
            sigma0[j] = in.sigma0[l];
            for (int t = 0; t < in.steps(); t++) {
                c[t][j] = in.c[t][l];
                lr[t][j] = in.lr[t][l];
            }
        }
        RandomWalk.Result w = new RandomWalk(sizes, seed, true).run(sigma0, BaseGradients.measured(c), LearningRates.perLayer(lr), in.steps());
        int rows = in.offset.length;
        double[][] sigma = nanMatrix(rows, layers);
        double[][] elr = nanMatrix(rows, layers);
        double[] spread = new double[rows];
        for (int r = 0; r < rows; r++) {
            int t = in.offset[r];
            for (int j = 0; j < m; j++) {
                sigma[r][simulated[j]] = w.sigma()[t][j];
                elr[r][simulated[j]] = w.elr()[t][j];
            }
            spread[r] = w.spread()[t];
        }
        List<String> a = new ArrayList<>();
        a.add("[derived] Algorithm 1 in the form its notation implies (design note §4): per layer a vector of n_l elements, started at"
                + " the measured norm; each step a Gaussian direction orthogonal to w, scaled to ||g|| = c_{l,t} / ||w||; w <- w - eta g");
        a.add("base gradients c_{l,t} as measured; learning rates as used (lr.npy)");
        if (in.gaps) {
            a.add("APPROXIMATION: the probe recorded every " + run.every + " steps; c and eta are held over the steps between records");
        }
        if (m < layers) {
            a.add("only the " + m + " plotted layers were simulated (all " + layers + " would take " + String.format("%.1e", cost)
                    + " element-steps); errors are over those layers");
        }
        return new Prediction("random walk (Algorithm 1), measured c", sigma, elr, spread,
                errors(sigma, run.matrix("sigma"), simulated), errors(elr, run.matrix("elr"), simulated), List.copyOf(a), simulated);
    }

    private static Prediction fromTrajectory(ElrRunData run, String name, ElrTrajectory t, Inputs in) {
        int rows = in.offset.length;
        int layers = run.layerCount();
        double[][] sigma = new double[rows][];
        double[][] elr = new double[rows][];
        double[] spread = new double[rows];
        for (int r = 0; r < rows; r++) {
            int s = in.offset[r];
            sigma[r] = t.sigma()[s].clone();
            elr[r] = t.elr()[s].clone();
            spread[r] = t.spread()[s];
        }
        List<String> a = new ArrayList<>(t.assumptions());
        if (in.gaps) {
            a.add("APPROXIMATION: the probe recorded every " + run.every + " steps; c and eta are held over the steps between records");
        }
        int[] allLayers = all(layers);
        return new Prediction(name, sigma, elr, spread, errors(sigma, run.matrix("sigma"), allLayers),
                errors(elr, run.matrix("elr"), allLayers), List.copyOf(a), allLayers);
    }

    /**
     * Expands the recorded rows to every step from the first recorded one to the last (inclusive): row
     * r covers steps step[r] .. step[r+1]-1.
     */
    private static Inputs inputs(ElrRunData run) {
        int rows = run.rows();
        if (rows == 0) {
            throw new IllegalArgumentException("no recorded step yet");
        }
        double[][] sigma = run.matrix("sigma");
        double[][] c = finiteOrNaN(run.matrix("base_gradient"));
        double[][] lr = run.matrix("lr");
        rows = Math.min(rows, Math.min(sigma.length, Math.min(c.length, lr.length)));
        int[] offset = new int[rows];
        boolean gaps = false;
        for (int r = 0; r < rows; r++) {
            long d = (long) (run.step[r] - run.step[0]);
            if (d < 0 || d > Integer.MAX_VALUE / 2 || (r > 0 && d <= offset[r - 1])) {
                throw new IllegalArgumentException("the recorded steps in steps.csv are not increasing (row " + r + ")");
            }
            offset[r] = (int) d;
            gaps |= r > 0 && offset[r] - offset[r - 1] > 1;
        }
        int steps = offset[rows - 1] + 1;
        int layers = run.layerCount();
        double[][] cs = new double[steps][];
        double[][] lrs = new double[steps][];
        int r = 0;
        for (int t = 0; t < steps; t++) {
            while (r + 1 < rows && offset[r + 1] <= t) {
                r++;
            }
            cs[t] = c[r];
            lrs[t] = lr[r];
        }
        for (int l = 0; l < layers; l++) {
            double s0 = sigma[0][l];
            if (!(s0 > 0) || s0 == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("the initial weight norm of layer " + (l + 1) + " is " + s0);
            }
        }
        for (int t = 0; t < steps; t++) {
            for (int l = 0; l < layers; l++) {
                if (!(lrs[t][l] >= 0) || lrs[t][l] == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("lr.npy holds " + lrs[t][l] + " at step " + t + ", layer " + (l + 1));
                }
            }
        }
        return new Inputs(offset, sigma[0].clone(), cs, lrs, gaps);
    }

    /** Base gradients as the models accept them: infinite (float32 overflow) and negative entries become NaN (not measured). */
    private static double[][] finiteOrNaN(double[][] m) {
        double[][] out = new double[m.length][];
        for (int t = 0; t < m.length; t++) {
            out[t] = m[t].clone();
            for (int l = 0; l < out[t].length; l++) {
                if (!(out[t][l] >= 0) || out[t][l] == Double.POSITIVE_INFINITY) {
                    out[t][l] = Double.NaN;
                }
            }
        }
        return out;
    }

    /** Median and max over {@code layers} of |p - m| / |m| per recorded step. */
    static ErrorCurve errors(double[][] predicted, double[][] measured, int[] layers) {
        int rows = Math.min(predicted.length, measured.length);
        double[] median = new double[rows];
        double[] max = new double[rows];
        double[] buf = new double[layers.length];
        for (int r = 0; r < rows; r++) {
            int n = 0;
            for (int l : layers) {
                double p = predicted[r][l];
                double m = measured[r][l];
                if (Double.isFinite(p) && Double.isFinite(m) && m != 0) {
                    buf[n++] = Math.abs(p - m) / Math.abs(m);
                }
            }
            if (n == 0) {
                median[r] = max[r] = Double.NaN;
                continue;
            }
            double[] e = Arrays.copyOf(buf, n);
            Arrays.sort(e);
            median[r] = n % 2 == 1 ? e[n / 2] : 0.5 * (e[n / 2 - 1] + e[n / 2]);
            max[r] = e[n - 1];
        }
        return new ErrorCurve(median, max);
    }

    private static int[] all(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static double[][] nanMatrix(int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            Arrays.fill(row, Double.NaN);
        }
        return m;
    }
}
