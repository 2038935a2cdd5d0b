package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.DepthPlots.along;
import static org.layerwise.study.scaling.DepthPlots.depthTicks;
import static org.layerwise.study.scaling.DepthPlots.depths;
import static org.layerwise.study.scaling.ScalingText.entryLabel;
import static org.layerwise.study.scaling.ScalingText.exponent;
import static org.layerwise.study.scaling.ScalingText.label;
import static org.layerwise.study.scaling.ScalingText.orNaN;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.layerwise.model.DeltaMode;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.Heatmap;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.study.scaling.ScalingRunData.Recording;

/**
 * The trained weights along depth: rescaled norms against s = k/L, single entries, the layer x epoch
 * heatmaps and snapshots of the deepest run's entry paths, the hidden states, the trend/noise
 * decomposition with the denoised network's loss, and delta.
 */
final class WeightFigures extends ScalingSection {
    /** Most entries of the deepest run drawn as layer x epoch heatmaps (the first A- and the first b-entry). */
    static final int HEATMAP_ENTRIES = 2;

    private String deltaCaption = "";

    WeightFigures(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    /** The weights' profiles along depth and how they form during training. */
    void profiles() {
        figure(alongDepthPlot(), "If the rescaled curves collapse onto one function of s = k/L, the weights have a scaling limit in s; "
                + "a smooth collapse is ODE-like, a rough one that does not sharpen is diffusive [paper].");
        figure(entryPathPlot(), "Individual entries of the effective weight through the layers of the deepest network (seed 0).");
        entryHeatmaps();
        figure(trainingPathPlot(), "Snapshots of one recorded entry of A_k across all layers of the deepest network after several epochs: "
                + "a smooth profile that forms and settles is the ODE-like picture; one that stays rough is diffusive.");
    }

    /** The hidden states, the trend/noise decomposition and the denoised network, and delta. */
    void states() {
        figure(hiddenPlot(), "How the hidden state evolves with s = k/L: a depth limit shows as curves that agree across L.");
        figure(trendNoisePlot(), "Denoising as the reference's denoising.py [code]: the trend is what the deepest depths share "
                + "(averaged over them [layerwise]); the noise is what is left, accumulated. A noise part that stays O(1) as L grows is "
                + "the diffusive signature.");
        if (trendNoise.get("train_loss_denoised") instanceof Double den) {
            page.paragraph(String.format(Locale.ROOT, "Denoised network at L = %s: training loss %s with the trained weights, %s with their trend part alone.",
                    trendNoise.get("depth"), HtmlReport.number(orNaN(trendNoise.get("train_loss_original"))), HtmlReport.number(den)));
        } else if (trendNoise.get("train_loss_denoised_reason") != null) {
            page.note(Source.LAYERWISE, "No denoised training loss: " + trendNoise.get("train_loss_denoised_reason"));
        }
        figure(deltaPlot(), deltaCaption);
    }

    private Recording recording() {
        return in.data().recording(this::skipped);
    }

    private Figure alongDepthPlot() {
        List<TrainedRun> shown = in.data().spread(6);
        if (shown.isEmpty()) {
            return null;
        }
        double b = beta();
        Chart c = new Chart("Trained weights along depth, rescaled by L^beta",
                String.format(Locale.ROOT, "beta = %.3f; one curve per depth (seed 0), coloured by L", b),
                "s = k / L", "L^beta ||" + label(eff()) + "||", false, false).colourKey("depth L", true);
        for (TrainedRun r : shown) {
            double[] y = r.effectiveNorms.clone();
            double up = Math.pow(r.depth, b);
            for (int k = 0; k < y.length; k++) {
                y[k] *= up;
            }
            c.curve(r.depth, along(r.depth), y);
        }
        return save(c, "weights_along_depth");
    }

    private Figure entryPathPlot() {
        TrainedRun deep = in.data().deepestSeed0();
        if (deep == null) {
            return null;
        }
        double up = Math.pow(deep.depth, beta());
        Chart c = new Chart("Single weight entries along depth (L = " + deep.depth + ")", "L^beta times the entry, against s = k/L",
                "s = k / L", "L^beta entry", false, false);
        for (int e = 0; e < deep.entries.length; e++) {
            double[] y = deep.entries[e].clone();
            for (int k = 0; k < y.length; k++) {
                y[k] *= up;
            }
            c.line(entryLabel(deep.entryNames[e]), along(deep.depth), y, -1);
        }
        return save(c, "entry_paths");
    }

    /** Layer x epoch heatmaps of the first recorded A-entry and the first b-entry of the deepest recording run. */
    private void entryHeatmaps() {
        Recording rec = recording();
        if (rec == null) {
            return;
        }
        List<Integer> picks = new ArrayList<>();
        for (String prefix : List.of("A_", "b_")) {
            for (int e = 0; e < rec.names().size() && picks.size() < HEATMAP_ENTRIES; e++) {
                if (rec.names().get(e).startsWith(prefix)) {
                    picks.add(e);
                    break;
                }
            }
        }
        for (int e : picks) {
            double[][] rows;
            try {
                rows = rec.entry(e);
            } catch (RuntimeException ex) {
                skipped("The entry-path heatmap of L = " + rec.depth() + ": " + ex.getMessage());
                return;
            }
            int n = Math.min(rows.length, rec.epochs().length);
            if (n == 0) {
                skipped("The entry-path heatmap of L = " + rec.depth() + ": no epoch was recorded.");
                return;
            }
            int layers = rows[0].length;
            double[][] m = new double[layers][n];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < n; r++) { // the file is rows x layers; the picture is layers (up) x epochs (across)
                for (int k = 0; k < layers; k++) {
                    m[k][r] = rows[r][k];
                    if (Double.isFinite(rows[r][k])) {
                        lo = Math.min(lo, rows[r][k]);
                        hi = Math.max(hi, rows[r][k]);
                    }
                }
            }
            double[] epochs = java.util.Arrays.copyOf(rec.epochs(), n);
            boolean increasing = true;
            for (int r = 1; r < n; r++) {
                increasing &= epochs[r] > epochs[r - 1];
            }
            double[] layerAxis = new double[layers];
            for (int k = 0; k < layers; k++) {
                layerAxis[k] = k;
            }
            String name = entryLabel(rec.names().get(e));
            // viridis is the instruments' only map (sequential); over the values' own range it spends all its
            // colours on the variation, and the colour bar shows where 0 lies when the entry takes both signs
            String colours = lo < 0 && hi > 0 ? "viridis (sequential) over the values' range, both signs: the colour bar shows where 0 lies"
                    : "viridis (sequential) over the values' range; " + (hi <= 0 ? "negative" : "non-negative") + " throughout";
            Heatmap h = new Heatmap("Entry " + name + " of every layer during training (L = " + rec.depth() + ")", colours,
                    increasing ? "epoch" : "recorded row", "layer k", m).rows(layerAxis, false).colourScale(name, false).height(520);
            if (increasing && n > 1) {
                h.columns(epochs, false);
            }
            String file = "entry_heatmap_" + rec.names().get(e).replaceAll("[^A-Za-z0-9_]", "_");
            figure(h.saveFigure(plots.page().plots(), file), e == picks.get(0)
                    ? "How the depth profile of one weight entry forms during training: " + name + " of every layer k (rows) after each "
                        + "recorded epoch (columns) of the deepest run that recorded entry paths. The reference code records 5 entries of A "
                        + "and 5 of b after every epoch at its deepest depth [code]; layerwise streams them to disk and thins epochs to a "
                        + "disk budget [layerwise]. Colours: the sequential viridis map over the values' range (dark: lowest, yellow: "
                        + "highest) [layerwise]."
                    : "The same for " + name + ", an entry of the bias b_k.");
        }
    }

    /** One probed entry along depth at a few recorded epochs of the deepest recording run. */
    private Figure trainingPathPlot() {
        Recording rec = recording();
        if (rec == null || rec.names().isEmpty()) {
            return null;
        }
        double[][] rows;
        try {
            rows = rec.entry(0);
        } catch (RuntimeException ex) {
            skipped("The entry-path snapshots of L = " + rec.depth() + ": " + ex.getMessage());
            return null;
        }
        int n = Math.min(rows.length, rec.epochs().length);
        if (n == 0) {
            return null;
        }
        String name = entryLabel(rec.names().get(0));
        double up = Math.pow(rec.depth(), beta());
        Chart c = new Chart("How one weight's depth profile forms during training (L = " + rec.depth() + ")",
                "L^beta " + name + " of every layer, after several recorded epochs", "s = k / L", "L^beta " + name, false, false);
        int[] picks = n >= 4 ? new int[] {0, n / 3, 2 * n / 3, n - 1} : java.util.stream.IntStream.range(0, n).toArray();
        for (int p : picks) {
            double[] y = new double[rows[p].length];
            for (int k = 0; k < y.length; k++) {
                y[k] = up * rows[p][k];
            }
            c.line("after epoch " + (long) rec.epochs()[p], along(y.length), y, -1);
        }
        return save(c, "entry_training_paths");
    }

    private Figure hiddenPlot() {
        List<TrainedRun> shown = in.data().spread(4);
        if (shown.isEmpty()) {
            return null;
        }
        Chart c = new Chart("Hidden-state norms through the network", "mean ||h_k|| over 5 training inputs (lines) and 5 random unit vectors (markers, at most 40 layers per depth)",
                "s = k / L", "||h_k||", false, false);
        int colour = 0;
        for (TrainedRun r : shown) {
            double[] s = new double[r.depth + 1];
            for (int k = 0; k <= r.depth; k++) {
                s[k] = (double) k / r.depth;
            }
            c.add(new Chart.Series("training inputs, L = " + r.depth, s, r.hidden[1], true, false, colour));
            // at most ~40 markers per depth: a marker per layer of a deep net is a solid band
            int every = Math.max(1, r.depth / 40);
            double[] sx = java.util.stream.IntStream.rangeClosed(0, r.depth).filter(k -> k % every == 0 || k == r.depth).mapToDouble(k -> s[k]).toArray();
            double[] sy = java.util.stream.IntStream.rangeClosed(0, r.depth).filter(k -> k % every == 0 || k == r.depth).mapToDouble(k -> r.hidden[3][k]).toArray();
            c.add(new Chart.Series("random inputs, L = " + r.depth, sx, sy, false, true, colour));
            colour++;
        }
        return save(c, "hidden_norms");
    }

    private Figure trendNoisePlot() {
        if (!(trendNoise.get("trend_entry") instanceof double[] trend)) {
            return null;
        }
        double[] noise = (double[]) trendNoise.get("noise_entry");
        double[] raw = (double[]) trendNoise.get("raw_entry_scaled");
        int depth = (Integer) trendNoise.get("depth");
        String seq = String.valueOf(trendNoise.getOrDefault("sequence", "A"));
        int e = trendNoise.get("entry") instanceof Integer i ? i : 0;
        String entry = entryLabel(seq + "[" + e / cfg.width() + "," + e % cfg.width() + "]");
        Chart c = new Chart("Trend and noise of one weight entry (L = " + depth + ")",
                String.format(Locale.ROOT, "trend integral averaged over depths %s; beta = %.3f", trendNoise.get("averaged_depths"),
                        orNaN(trendNoise.get("beta"))), "s = k / L", "value", false, false);
        c.add(new Chart.Series("L^beta " + entry + " (raw)", along(depth), raw, false, true, 7));
        c.add(new Chart.Series("trend part", along(depth), trend, true, false, 0));
        c.add(new Chart.Series("noise part L^(beta-1) times the cumulative sum of the residual", along(depth), noise, true, false, 1));
        return save(c, "trend_noise");
    }

    private Figure deltaPlot() {
        if (cfg.delta() == DeltaMode.SHARED && alpha != null && !ok.isEmpty()) {
            Chart c = new Chart("Shared residual scale |delta| vs depth", "|delta| ~ L^-alpha; one point per run", "depth L", "|delta|", true, true)
                    .ticksX(depthTicks(ok));
            c.points("runs: alpha = " + exponent(alpha), depths(ok), ok.stream().mapToDouble(r -> r.sharedDelta == null ? Double.NaN : r.sharedDelta).toArray(), 0);
            if (Double.isFinite(alpha.slope())) {
                double[][] line = fitLine(alpha, 0);
                c.line("OLS fit", line[0], line[1], 0);
            }
            deltaCaption = "The shared |delta| is initialised at 1/L (alpha = 1) [code]; training moves it.";
            return save(c, "delta_vs_depth");
        } else if (cfg.delta() == DeltaMode.PER_LAYER) {
            List<TrainedRun> shown = in.data().spread(4);
            if (shown.isEmpty()) {
                return null;
            }
            Chart c = new Chart("Per-layer delta_k along depth", "signed delta_k times L; one curve per depth (seed 0), coloured by L",
                    "s = k / L", "L delta_k", false, false).colourKey("depth L", true);
            for (TrainedRun r : shown) {
                double[] y = r.deltas.clone();
                for (int k = 0; k < y.length; k++) {
                    y[k] *= r.depth;
                }
                c.curve(r.depth, along(r.depth), y);
            }
            deltaCaption = "Initialised N(0, 1/L^2) [code]: L delta_k starts as unit noise.";
            return save(c, "delta_along_depth");
        }
        return null;
    }
}
