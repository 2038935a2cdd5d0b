package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.Heatmap;

/**
 * The figures every ELR study draws from its runs' data: the layer x step heatmap of the ELR (log
 * colour scale), the spread over time (log axis), the learning rate used beside the predicted critical
 * LR, and helpers to pick layers and thin long series. They only arrange stored numbers for the report
 * instruments ({@link Chart}, {@link Heatmap}); the numbers come from {@link ElrRunData} and the
 * per-study analyses.
 */
final class ElrFigures {
    /** Most points a line of a chart gets; longer series are thinned evenly (the last point kept). */
    static final int MAX_LINE_POINTS = 1500;
    /** Most markers a dotted series gets, so the line under it stays visible. */
    static final int MAX_MARKERS = 60;

    private ElrFigures() {
    }

    /**
     * A number for headlines, legends and evidence lines: 3 significant digits without trailing zeros
     * (0.01, 53.5, 6.27e-08); "n/a" when not finite. Tables and summary.json keep full precision.
     */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        }
        return String.format(java.util.Locale.ROOT, "%.2e", v);
    }

    /** x and y thinned to at most {@code max} evenly spaced points, the first and last always kept. */
    static double[][] thin(double[] x, double[] y, int max) {
        int n = Math.min(x.length, y.length);
        if (n <= max) {
            return new double[][] {Arrays.copyOf(x, n), Arrays.copyOf(y, n)};
        }
        double[] tx = new double[max];
        double[] ty = new double[max];
        for (int i = 0; i < max; i++) {
            int k = (int) Math.round((double) i * (n - 1) / (max - 1));
            tx[i] = x[k];
            ty[i] = y[k];
        }
        return new double[][] {tx, ty};
    }

    /** Adds a line, thinned to {@link #MAX_LINE_POINTS}. */
    static void line(Chart c, String name, double[] x, double[] y, int colour) {
        double[][] t = thin(x, y, MAX_LINE_POINTS);
        c.line(name, t[0], t[1], colour);
    }

    /** Adds markers, thinned to {@link #MAX_MARKERS}. */
    static void dots(Chart c, String name, double[] x, double[] y, int colour) {
        double[][] t = thin(x, y, MAX_MARKERS);
        c.points(name, t[0], t[1], colour);
    }

    /** A vertical line at x from y0 to y1, as a two-point series (the chart instrument has only horizontal reference lines). */
    static void vertical(Chart c, String name, double x, double y0, double y1, int colour) {
        c.add(new Chart.Series(name, new double[] {x, x}, new double[] {y0, y1}, true, false, colour));
    }

    /** Column {@code layer} of a [row][layer] matrix. */
    static double[] column(double[][] m, int layer) {
        double[] out = new double[m.length];
        for (int r = 0; r < m.length; r++) {
            out[r] = layer < m[r].length ? m[r][layer] : Double.NaN;
        }
        return out;
    }

    /** Rows 0..n-1 of the recorded steps (the x values of a run's curves). */
    static double[] head(double[] a, int n) {
        return Arrays.copyOf(a, Math.min(n, a.length));
    }

    /**
     * The layers a report follows one by one: the first, the middle and the last normalized layer, and
     * the two extreme ones (largest and smallest ELR) at the first recorded step; 0-based, increasing.
     */
    static int[] pickedLayers(ElrRunData run) {
        int n = run.layerCount();
        TreeSet<Integer> s = new TreeSet<>(List.of(0, n / 2, n - 1));
        if (run.rows() > 0) {
            if (run.argmaxLayer[0] >= 0 && run.argmaxLayer[0] < n) {
                s.add(run.argmaxLayer[0]);
            }
            if (run.argminLayer[0] >= 0 && run.argminLayer[0] < n) {
                s.add(run.argminLayer[0]);
            }
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** "layer 1 (first, largest e at start)": 1-based, with the roles that made it picked. */
    static String layerLabel(ElrRunData run, int layer) {
        List<String> roles = new ArrayList<>();
        int n = run.layerCount();
        if (layer == 0) {
            roles.add("first");
        }
        if (layer == n / 2 && layer != 0 && layer != n - 1) {
            roles.add("middle");
        }
        if (layer == n - 1 && n > 1) {
            roles.add("last");
        }
        if (run.rows() > 0 && run.argmaxLayer[0] == layer) {
            roles.add("largest e at start");
        }
        if (run.rows() > 0 && run.argminLayer[0] == layer) {
            roles.add("smallest e at start");
        }
        return "layer " + (layer + 1) + (roles.isEmpty() ? "" : " (" + String.join(", ", roles) + ")");
    }

    /**
     * The log10 colour range shared by the ELR heatmaps of several runs, so their colours compare: the
     * 0.1 % and 99.9 % quantiles of every positive finite ELR (extreme outliers, such as the first steps
     * of a warm-up from 0, do not flatten the rest); null when there is no such value.
     */
    static double[] sharedElrRange(List<ElrRunData> runs) {
        int total = 0;
        for (ElrRunData r : runs) {
            total += r.matrix("elr").length * r.layerCount();
        }
        double[] all = new double[total];
        int n = 0;
        for (ElrRunData r : runs) {
            for (double[] row : r.matrix("elr")) {
                for (double v : row) {
                    if (v > 0 && v < Double.POSITIVE_INFINITY) {
                        all[n++] = v;
                    }
                }
            }
        }
        if (n == 0) {
            return null;
        }
        Arrays.sort(all, 0, n);
        double lo = all[(int) Math.floor(0.001 * (n - 1))];
        double hi = all[(int) Math.ceil(0.999 * (n - 1))];
        return lo < hi ? new double[] {lo, hi} : null;
    }

    /**
     * The layer x step heatmap of the ELR of one run, colours on a log scale (the "log ELR" map), layer 1
     * (the stem) at the bottom.
     */
    static Figure elrHeatmap(ElrRunData run, double[] range, Path plots, String name) {
        return layerHeatmap(run, "elr", "Effective learning rate per layer and step: " + run.spec.id(),
                "colour: ELR e_l = eta ||g_l|| / sigma_l, log scale; rows: the " + run.layerCount() + " normalized layers, stem at the bottom;"
                        + " dashed: where a stage begins",
                "ELR e", range, plots, name);
    }

    /** A layer x step heatmap of one of the probe's quantities, on a log colour scale; null if the run has no row yet. */
    static Figure layerHeatmap(ElrRunData run, String quantity, String title, String subtitle, String colourLabel, double[] range,
                               Path plots, String name) {
        double[][] m = run.matrix(quantity);
        if (m.length == 0 || run.layerCount() == 0) {
            return null;
        }
        double[][] byLayer = new double[run.layerCount()][m.length];
        for (int t = 0; t < m.length; t++) {
            for (int l = 0; l < run.layerCount(); l++) {
                byLayer[l][t] = m[t][l];
            }
        }
        double[] layerAxis = new double[run.layerCount()];
        for (int l = 0; l < layerAxis.length; l++) {
            layerAxis[l] = l + 1;
        }
        Heatmap h = layers(new Heatmap(title, subtitle, "step", "layer", byLayer).columns(head(run.step, m.length), false)
                .rows(layerAxis, false), run).colourScale(colourLabel, true).height(layerHeight(run.layerCount()));
        if (range != null) {
            h.colourRange(range[0], range[1]);
        }
        return h.saveFigure(plots, name);
    }

    /**
     * Names a layer heatmap's rows by the run's layers (layers.json, without ".weight") and marks where
     * each ResNet stage after the first begins (where the width changes and the resolution halves).
     */
    static Heatmap layers(Heatmap h, ElrRunData run) {
        String[] names = new String[run.layerCount()];
        for (int l = 0; l < names.length; l++) {
            names[l] = shortName(run.layers.get(l));
        }
        h.rowNames(names);
        for (var e : stageStarts(run.layers).entrySet()) {
            // rows sit at 1, 2, ... (layer l, 0-based, at l + 1): the boundary lies between rows l and l + 1
            h.rowMarker(e.getKey() + 0.5, e.getValue() + " begins (width changes, downsampling)");
        }
        return h;
    }

    /** Height of a layer heatmap: room for a named tick at about every other layer, up to 900 px. */
    static int layerHeight(int layers) {
        return Math.max(360, Math.min(900, 300 + 14 * layers));
    }

    /** "layer2.0.conv1" for "layer2.0.conv1.weight". */
    static String shortName(String layer) {
        return layer.endsWith(".weight") ? layer.substring(0, layer.length() - ".weight".length()) : layer;
    }

    /**
     * Where the ResNet stages after the first begin: the 0-based index of the first layer of each stage
     * ("layer2", "layer3", ... : the part of the name before the first dot) whose previous layer belongs
     * to another stage (not the stem). Names without stages (another architecture) give none.
     */
    static java.util.Map<Integer, String> stageStarts(List<String> layers) {
        java.util.Map<Integer, String> out = new java.util.LinkedHashMap<>();
        for (int l = 1; l < layers.size(); l++) {
            String stage = stage(layers.get(l));
            String before = stage(layers.get(l - 1));
            if (stage != null && before != null && !stage.equals(before)) {
                out.put(l, stage);
            }
        }
        return out;
    }

    private static String stage(String layer) {
        int dot = layer.indexOf('.');
        String head = dot < 0 ? layer : layer.substring(0, dot);
        return head.matches("layer[0-9]+") ? head : null;
    }

    /** The layer x step heatmap of sigma_{l,t} / sigma_{l,0} (linear colours): how each layer's norm grew. */
    static Figure growthHeatmap(ElrRunData run, Path plots, String name) {
        double[][] s = run.matrix("sigma");
        double[][] byLayer = new double[run.layerCount()][s.length];
        for (int t = 0; t < s.length; t++) {
            for (int l = 0; l < run.layerCount(); l++) {
                byLayer[l][t] = s[t][l] / s[0][l];
            }
        }
        double[] layerAxis = new double[run.layerCount()];
        for (int l = 0; l < layerAxis.length; l++) {
            layerAxis[l] = l + 1;
        }
        return layers(new Heatmap("Weight norm per layer and step, relative to its start: " + run.spec.id(),
                "colour: sigma_t / sigma_0 of each layer, sigma = ||w||; rows: stem at the bottom; dashed: where a stage begins", "step", "layer", byLayer)
                .columns(head(run.step, s.length), false).rows(layerAxis, false), run).colourScale("sigma_t / sigma_0", false)
                .height(layerHeight(run.layerCount())).saveFigure(plots, name);
    }

    /** The number of recorded steps a curve of {@code rows} steps is averaged over: about 2 % of them, at least 1. */
    static int window(int rows) {
        return Math.max(1, rows / 50);
    }

    /** The trailing running mean over {@code w} values (fewer at the start); non-finite values are skipped. */
    static double[] runningMean(double[] y, int w) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double s = 0;
            int n = 0;
            for (int k = Math.max(0, i - w + 1); k <= i; k++) {
                if (Double.isFinite(y[k])) {
                    s += y[k];
                    n++;
                }
            }
            out[i] = n == 0 ? Double.NaN : s / n;
        }
        return out;
    }

    /**
     * Every run's training loss (or accuracy) over its recorded steps, a running mean over
     * {@link #window} steps, with the held-out value of eval.csv as dots in the same colour; a twin is
     * not drawn again but named in its original's legend entry.
     */
    static Chart curveChart(ElrStudyAnalysis.Context ctx, boolean loss) {
        int rows = ctx.runs().stream().mapToInt(ElrRunData::rows).max().orElse(0);
        int w = window(rows);
        String what = loss ? "loss" : "accuracy";
        Chart c = new Chart((loss ? "Loss" : "Accuracy") + " over training, every run",
                "lines: training " + what + " of each step's batch" + (w > 1 ? ", running mean over " + w + " recorded steps" : "")
                        + "; dots: held-out " + what + " (eval.csv)",
                "step", loss ? "cross-entropy loss (log scale)" : "accuracy", false, loss);
        List<ElrRunData> runs = ctx.distinct(); // a twin would draw exactly over its original: the original's legend names it
        for (int i = 0; i < runs.size(); i++) {
            ElrRunData r = runs.get(i);
            List<String> twins = ctx.runs().stream().filter(o -> r.spec.id().equals(ctx.twinOf(o))).map(o -> o.spec.id()).toList();
            String name = r.spec.id() + (twins.isEmpty() ? "" : " and its twin " + String.join(", ", twins));
            int colour = i % 8;
            line(c, name + ", training", r.step, runningMean(loss ? r.loss : r.accuracy, w), colour);
            if (r.evalStep.length > 0) {
                c.add(new Chart.Series(name + ", held-out", r.evalStep, loss ? r.testLoss : r.testAccuracy, false, true, colour));
            }
        }
        return c;
    }

    /** One run's spread S over the recorded steps, as a line. */
    static void spreadLine(Chart c, ElrRunData run, String name, int colour) {
        line(c, name, run.step, run.spread, colour);
    }

    /** A chart of the ELR spread over steps on a log axis. */
    static Chart spreadChart(String title, String subtitle) {
        return new Chart(title, subtitle, "step", "ELR spread S = max e / min e (log scale)", false, true);
    }

    /**
     * The learning rate one run used against the critical LR predicted at every recorded step, on a log
     * axis: above the critical LR the model predicts that the extreme layers swap order.
     */
    static Chart lrChart(ElrRunData run) {
        Chart c = new Chart("Learning rate used and predicted critical LR: " + run.spec.id(),
                "critical LR predicted from the ELRs of each step: eta / sqrt(e_max e_min) [derived]", "step", "learning rate", false, true);
        line(c, "learning rate used (steps.csv lr)", run.step, run.lr, 0);
        line(c, "critical LR, predicted from the ELRs of the step", run.step, run.criticalLr, 1);
        return c;
    }

    /** The learning rate used divided by the predicted critical LR, for several runs (one line each). */
    static Chart lrRatioChart(String title, List<ElrRunData> runs, List<String> names, List<Integer> colours) {
        Chart c = new Chart(title, "above 1: steps larger than the predicted critical LR eta / sqrt(e_max e_min) [derived]", "step",
                "learning rate used / predicted critical LR", false, true).horizontal("critical", 1.0);
        for (int i = 0; i < runs.size(); i++) {
            ElrRunData r = runs.get(i);
            double[] ratio = new double[r.rows()];
            for (int t = 0; t < ratio.length; t++) {
                ratio[t] = r.lr[t] / r.criticalLr[t];
            }
            line(c, names.get(i), r.step, ratio, colours.get(i));
        }
        return c;
    }
}
