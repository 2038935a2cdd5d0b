package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.DepthPlots.along;
import static org.layerwise.study.scaling.DepthPlots.depthTicks;
import static org.layerwise.study.scaling.DepthPlots.depths;
import static org.layerwise.study.scaling.ScalingText.entryLabel;
import static org.layerwise.study.scaling.ScalingText.exponent;
import static org.layerwise.study.scaling.ScalingText.label;
import static org.layerwise.study.scaling.ScalingText.orNaN;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.layerwise.model.DeltaMode;
import org.layerwise.report.Chart;
import org.layerwise.report.ChartGrid;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;

/**
 * The trained weights along depth: rescaled norms against s = k/L, single entries, the hidden states,
 * the trend/noise decomposition with the denoised network's loss, and delta. (How the deepest run's
 * entries formed during training: {@link EntryPathFigures}.)
 */
final class WeightFigures extends ScalingSection {
    /** Most depths drawn as curves along s = k/L (seed 0, spread over the grid); the figure names them when it draws fewer than all. */
    static final int PROFILE_DEPTHS = 12;

    private String deltaCaption = "";
    private Path[] deltaFiles = new Path[0];

    WeightFigures(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    /** The trained weights' profiles along depth: the norms of every drawn depth, then single entries of the deepest run. */
    void profiles() {
        List<TrainedRun> shown = in.data().spread(PROFILE_DEPTHS);
        figure(alongDepthPlot(shown), "The norm of each layer's weight, times L^beta, against s = k/L: one curve per depth, seed 0, for "
                + DepthPlots.drawnDepths(shown, ok) + ", coloured by L (the colour bar names them). If the rescaled curves collapse onto one "
                + "function of s, the weights have a scaling limit in s; a smooth collapse is ODE-like, a rough one that does not sharpen is "
                + "diffusive [paper].", DepthPlots.runFiles(shown, weightFiles()));
        TrainedRun deep = in.data().deepestSeed0();
        figure(entryPathPlot(deep), "Three single entries of the effective weight " + label(eff()) + ", times L^beta, through the layers of the "
                + "deepest network (seed 0).", deep == null ? new Path[0] : DepthPlots.runFiles(List.of(deep), weightFiles()));
    }

    /** The run files the effective weights are read from: A.npy, and delta.npy where they are |delta_k| A_k. */
    private String[] weightFiles() {
        return eff().equals("deltaA") ? new String[] {"A.npy", "delta.npy"} : new String[] {"A.npy"};
    }

    /** The hidden states, the trend/noise decomposition and the denoised network, and delta. */
    void states() {
        List<TrainedRun> hidden = in.data().spread(4);
        figure(hiddenPlot(hidden), "How the hidden state evolves with s = k/L, for " + DepthPlots.drawnDepths(hidden, ok) + " (seed 0): "
                + "a depth limit shows as curves that agree across L.", DepthPlots.runFiles(hidden, "hidden_norms.csv"));
        figure(trendNoisePlot(), "Denoising as the reference's denoising.py [code]: the trend is what the deepest depths share "
                + "(averaged over them [layerwise]); the noise is what is left, accumulated, drawn in its own panel over its own range. A "
                + "noise part that stays O(1) as L grows is the diffusive signature; this figure shows one depth.",
                plots.studyFile(ScalingStudy.TREND_NOISE), ScalingStudy.FILES.summary(in.folder().dir()));
        if (trendNoise.get("train_loss_denoised") instanceof Double den) {
            page.paragraph(String.format(Locale.ROOT, "Denoised network at L = %s: training loss %s with the trained weights, %s with their trend part alone.",
                    trendNoise.get("depth"), HtmlReport.number(orNaN(trendNoise.get("train_loss_original"))), HtmlReport.number(den)));
        } else if (trendNoise.get("train_loss_denoised_reason") != null) {
            page.note(Source.LAYERWISE, "No denoised training loss: " + trendNoise.get("train_loss_denoised_reason"));
        }
        figure(deltaPlot(), deltaCaption, deltaFiles);
    }

    private Figure alongDepthPlot(List<TrainedRun> shown) {
        if (shown.isEmpty()) {
            return null;
        }
        double b = beta();
        Chart c = new Chart("Trained weights along depth, rescaled by L^beta",
                String.format(Locale.ROOT, "beta = %.3f; one curve per depth (seed 0) for %s, coloured by L", b, DepthPlots.drawnDepths(shown, ok)),
                "s = k / L", "L^beta ||" + label(eff()) + "||", false, false).colourKey("depth L", true).labelKeysOnly();
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

    private Figure entryPathPlot(TrainedRun deep) {
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

    private Figure hiddenPlot(List<TrainedRun> shown) {
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
        ChartGrid grid = new ChartGrid("Trend and noise of one weight entry (L = " + depth + ")",
                String.format(Locale.ROOT, "trend integral averaged over depths %s; beta = %.3f; each panel over its own range",
                        trendNoise.get("averaged_depths"), orNaN(trendNoise.get("beta"))), 1).panelHeight(360);
        Chart whole = new Chart("The entry and its trend", null, "s = k / L", "L^beta " + entry, false, false);
        whole.add(new Chart.Series("L^beta " + entry + " (raw)", along(depth), raw, false, true, 7));
        whole.add(new Chart.Series("trend part", along(depth), trend, true, false, 0));
        grid.add(whole);
        Chart rest = new Chart("The noise part", null, "s = k / L", "noise", false, false);
        rest.add(new Chart.Series("noise part: L^(beta-1) times the cumulative sum of the residual", along(depth), noise, true, false, 1));
        grid.add(rest);
        return grid.saveFigure(plots.page().plots(), "trend_noise");
    }

    private Figure deltaPlot() {
        if (cfg.delta() == DeltaMode.SHARED && alpha != null && !ok.isEmpty()) {
            Chart c = new Chart("Shared residual scale |delta| vs depth", "|delta| ~ L^-alpha; one point per run", "depth L", "|delta|", true, true)
                    .onlyTicksX(depthTicks(ok));
            deltaFiles = DepthPlots.files(new Path[] {plots.studyFile(ScalingStudy.METRICS)}, plots.fitFiles());
            c.points("runs: alpha = " + exponent(alpha, cfg.seeds()), depths(ok), ok.stream().mapToDouble(r -> r.sharedDelta == null ? Double.NaN : r.sharedDelta).toArray(), 0);
            if (Double.isFinite(alpha.slope())) {
                double[][] line = fitLine(alpha, 0);
                c.line("OLS fit", line[0], line[1], 0);
            }
            deltaCaption = "The trained shared |delta| of every run with its OLS fit; it is initialised at 1/L (alpha = 1) [code], and training moves it.";
            return save(c, "delta_vs_depth");
        } else if (cfg.delta() == DeltaMode.PER_LAYER) {
            List<TrainedRun> shown = in.data().spread(4);
            if (shown.isEmpty()) {
                return null;
            }
            Chart c = new Chart("Per-layer delta_k along depth", "signed delta_k times L; one curve per depth (seed 0) for "
                    + DepthPlots.drawnDepths(shown, ok) + ", coloured by L", "s = k / L", "L delta_k", false, false).colourKey("depth L", true)
                    .labelKeysOnly();
            deltaFiles = DepthPlots.runFiles(shown, "delta.npy");
            for (TrainedRun r : shown) {
                double[] y = r.deltas.clone();
                for (int k = 0; k < y.length; k++) {
                    y[k] *= r.depth;
                }
                c.curve(r.depth, along(r.depth), y);
            }
            deltaCaption = "Per-layer delta_k times L for " + DepthPlots.drawnDepths(shown, ok) + " (seed 0); initialised N(0, 1/L^2) [code]: "
                    + "L delta_k starts as unit noise.";
            return save(c, "delta_along_depth");
        }
        return null;
    }
}
