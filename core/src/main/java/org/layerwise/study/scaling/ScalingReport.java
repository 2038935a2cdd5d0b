package org.layerwise.study.scaling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.Json;
import org.layerwise.model.DeltaMode;
import org.layerwise.report.Chart;
import org.layerwise.study.scaling.ScalingAnalysis.Run;

/** Plots and the self-contained report.html of a scaling study, drawn from the analysis' numbers. */
final class ScalingReport {
    private final ScalingAnalysis analysis;
    private final Path dir;
    private final ScalingConfig cfg;
    private final List<Run> runs;
    private final List<Run> ok;
    private final Map<String, Map<String, ScalingFit>> fits;
    private final ScalingFit alpha;
    private final Regime regime;
    private final Map<String, Object> trendNoise;
    private final Map<String, Object> summary;
    private final Map<String, String[]> figures = new LinkedHashMap<>(); // name -> {caption, svg}

    ScalingReport(ScalingAnalysis analysis, Path dir, ScalingConfig cfg, List<Run> runs, Map<String, Map<String, ScalingFit>> fits, ScalingFit alpha,
                         Regime regime, Map<String, Object> trendNoise, Map<String, Object> summary) {
        this.analysis = analysis;
        this.dir = dir;
        this.cfg = cfg;
        this.runs = runs;
        this.ok = runs.stream().filter(Run::usable).toList();
        this.fits = fits;
        this.alpha = alpha;
        this.regime = regime;
        this.trendNoise = trendNoise;
        this.summary = summary;
    }

    private double beta() {
        return regime == null || !Double.isFinite(regime.beta()) ? 0 : regime.beta();
    }

    private String eff() {
        return cfg.delta() == DeltaMode.PER_LAYER ? "deltaA" : "A";
    }

    private static String label(String seq) {
        return switch (seq) {
            case "deltaA" -> "|delta_k| A_k";
            case "deltab" -> "|delta_k| b_k";
            case "delta" -> "|delta_k|";
            default -> seq + "_k";
        };
    }

    public void write() {
        Path plots = dir.resolve("plots");
        maxNormPlot(plots);
        hypothesisPlot(plots);
        alongDepthPlot(plots);
        entryPathPlot(plots);
        trainingPathPlot(plots);
        hiddenPlot(plots);
        lossPlot(plots);
        trendNoisePlot(plots);
        deltaPlot(plots);
        AtomicFiles.writeString(dir.resolve("report.html"), html());
    }

    private double[] depths(List<Run> rs) {
        return rs.stream().mapToDouble(r -> r.depth).toArray();
    }

    private double[] stat(String seq, String st) {
        return ok.stream().mapToDouble(r -> r.stats.containsKey(seq) && r.stats.get(seq).get(st) != null
                ? r.stats.get(seq).get(st) : Double.NaN).toArray();
    }

    /** Fitted line exp(intercept) L^slope over the depth range, optionally multiplied by L^shift. */
    private double[][] fitLine(ScalingFit f, double shift) {
        double lo = ok.stream().mapToInt(r -> r.depth).min().orElse(1);
        double hi = ok.stream().mapToInt(r -> r.depth).max().orElse(1);
        double[] x = {lo, Math.sqrt(lo * hi), hi};
        double[] y = new double[3];
        for (int i = 0; i < 3; i++) {
            y[i] = Math.exp(f.intercept()) * Math.pow(x[i], f.slope() + shift);
        }
        return new double[][] {x, y};
    }

    private static String interval(double v, ScalingFit f, boolean negate) {
        double lo = negate ? -f.upper() : f.lower();
        double hi = negate ? -f.lower() : f.upper();
        return Double.isFinite(lo) ? String.format("%.2f [%.2f, %.2f]", v, lo, hi) : String.format("%.2f", v);
    }

    private void figure(Path plots, String name, String caption, Chart c) {
        if (!c.isEmpty() && !ok.isEmpty()) {
            figures.put(name, new String[] {caption, c.save(plots, name)});
        }
    }

    private void maxNormPlot(Path plots) {
        Chart c = new Chart("Max norm of the trained weights vs depth", "points: runs; lines: OLS fits of log max norm on log L",
                "depth L", "max_k ||W_k||", true, true);
        int color = 0;
        for (String seq : List.of("A", "b", "deltaA")) {
            Map<String, ScalingFit> f = fits.get(seq);
            if (f == null) {
                continue;
            }
            ScalingFit mf = f.get(WeightStatistics.MAX_FROBENIUS);
            c.points("max ||" + label(seq) + "||_F: beta = " + interval(-mf.slope(), mf, true), depths(ok), stat(seq, WeightStatistics.MAX_FROBENIUS), color);
            double[][] line = fitLine(mf, 0);
            c.line("fit " + label(seq), line[0], line[1], color);
            color++;
        }
        if (fits.containsKey("A") && fits.get("A").containsKey(WeightStatistics.MAX_SPECTRAL)) {
            ScalingFit sf = fits.get("A").get(WeightStatistics.MAX_SPECTRAL);
            c.points("max spectral norm of A_k: beta = " + interval(-sf.slope(), sf, true), depths(ok), stat("A", WeightStatistics.MAX_SPECTRAL), color);
        }
        figure(plots, "max_norm_vs_depth", "How the largest layer weight scales with depth: max_k ||W_k|| ~ L^-beta. "
                + "beta = 1 would be the neural-ODE scaling of the weights themselves; beta = 1/2 the diffusive one.", c);
    }

    private void hypothesisPlot(Path plots) {
        Map<String, ScalingFit> f = fits.get(eff());
        if (f == null) {
            return;
        }
        double b = beta();
        Chart c = new Chart("Roughness of " + label(eff()) + " along depth vs L",
                String.format("increments rescaled by L^beta, beta = %.2f; legend: fitted slope [95%% interval]", b),
                "depth L", "statistic", true, true);
        String[][] stats = {{WeightStatistics.MAX_INCREMENT, "L^beta max_k ||W_k - W_k-1||"}, {WeightStatistics.ROOT_SSQ, "root SSQ"},
            {WeightStatistics.QUADRATIC_VARIATION, "quadratic variation"}, {WeightStatistics.H1, "H1 seminorm"},
            {WeightStatistics.DETRENDED_CUMSUM, "detrended cumsum"}};
        int color = 0;
        for (String[] s : stats) {
            ScalingFit fit = f.get(s[0]);
            if (fit == null) {
                continue;
            }
            double shift = s[0].equals(WeightStatistics.MAX_INCREMENT) ? b : 0;
            double[] y = stat(eff(), s[0]);
            double[] x = depths(ok);
            for (int i = 0; i < y.length; i++) {
                y[i] *= Math.pow(x[i], shift);
            }
            ScalingFit shown = fit.shifted(shift);
            c.points(s[1] + ": slope " + interval(shown.slope(), shown, false), x, y, color);
            double[][] line = fitLine(fit, shift);
            c.line("fit " + s[1], line[0], line[1], color);
            color++;
        }
        figure(plots, "hypothesis_" + eff(), "Hypothesis 1 (smooth limit) predicts vanishing rescaled increments (negative slope) and root SSQ ~ L^(1/2-beta); "
                + "Hypothesis 2 (diffusive limit) predicts flat rescaled increments, flat root SSQ and a detrended cumsum that stays O(1).", c);
    }

    /** Up to n runs of seed 0 spread over the depth range. */
    private List<Run> spread(int n) {
        List<Run> s0 = ok.stream().filter(r -> r.seedIndex == 0).toList();
        if (s0.size() <= n) {
            return s0;
        }
        List<Run> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s0.get((int) Math.round((double) i * (s0.size() - 1) / (n - 1))));
        }
        return out;
    }

    private static double[] along(int len) {
        double[] s = new double[len];
        for (int k = 0; k < len; k++) {
            s[k] = (double) k / len;
        }
        return s;
    }

    private void alongDepthPlot(Path plots) {
        double b = beta();
        Chart c = new Chart("Trained weights along depth, rescaled", String.format("L^beta ||W_k||_F against s = k/L, beta = %.2f", b),
                "s = k / L", "L^beta ||" + label(eff()) + "||_F", false, false);
        for (Run r : spread(5)) {
            double[] y = r.effectiveNorms.clone();
            double up = Math.pow(r.depth, b);
            for (int k = 0; k < y.length; k++) {
                y[k] *= up;
            }
            c.add(new Chart.Series("L = " + r.depth, along(r.depth), y, true, r.depth < 30, -1));
        }
        figure(plots, "weights_along_depth", "If the rescaled curves collapse onto one function of s, the weights have a scaling limit in s = k/L; "
                + "a smooth collapse is ODE-like, a rough one that does not sharpen is diffusive.", c);
    }

    private void entryPathPlot(Path plots) {
        List<Run> s0 = ok.stream().filter(r -> r.seedIndex == 0).toList();
        if (s0.isEmpty()) {
            return;
        }
        Run deep = s0.get(s0.size() - 1);
        double up = Math.pow(deep.depth, beta());
        Chart c = new Chart("Single weight entries along depth (L = " + deep.depth + ")", "L^beta W_k[i,j] against s = k/L",
                "s = k / L", "L^beta entry", false, false);
        for (int e = 0; e < deep.entries.length; e++) {
            double[] y = deep.entries[e].clone();
            for (int k = 0; k < y.length; k++) {
                y[k] *= up;
            }
            c.add(new Chart.Series(deep.entryNames[e], along(deep.depth), y, true, false, -1));
        }
        figure(plots, "entry_paths", "Paths of individual entries of the effective weight through the layers of the deepest network.", c);
    }

    /** One probed entry along depth at a few recorded epochs of the deepest run (entry_paths.npy). */
    private void trainingPathPlot(Path plots) {
        List<Run> s0 = ok.stream().filter(r -> r.seedIndex == 0).toList();
        if (s0.isEmpty()) {
            return;
        }
        Run deep = s0.get(s0.size() - 1);
        Path run = analysis.runDir(deep.depth, 0);
        Path npy = run.resolve(org.layerwise.train.EntryPathProbe.VALUES);
        if (!java.nio.file.Files.exists(npy)) {
            return;
        }
        double[][] rows = org.layerwise.io.Npy.readMiddleSlab(npy, 0);
        org.layerwise.io.Csv.Columns index = org.layerwise.io.Csv.readColumns(run.resolve(org.layerwise.train.EntryPathProbe.INDEX));
        String name = Json.read(run.resolve(org.layerwise.train.EntryPathProbe.META)).path("entries").path(0).asText("entry");
        int n = Math.min(rows.length, index.rows());
        if (n == 0) {
            return;
        }
        double[] epoch = index.column("epoch");
        double up = Math.pow(deep.depth, beta());
        Chart c = new Chart("How one weight's depth profile forms during training (L = " + deep.depth + ")",
                "L^beta " + name + " of every layer, after several epochs", "s = k / L", "L^beta " + name, false, false);
        int[] picks = n >= 4 ? new int[] {0, n / 3, 2 * n / 3, n - 1} : java.util.stream.IntStream.range(0, n).toArray();
        for (int p : picks) {
            double[] y = new double[deep.depth];
            for (int k = 0; k < deep.depth; k++) {
                y[k] = up * rows[p][k];
            }
            c.add(new Chart.Series("after epoch " + (int) epoch[p], along(deep.depth), y, true, false, -1));
        }
        figure(plots, "entry_training_paths", "Snapshots of one randomly chosen entry of A_k across all layers of the deepest network, "
                + "after several recorded epochs: a smooth profile that forms and settles is the ODE-like picture; one that stays rough is diffusive.", c);
    }

    private void hiddenPlot(Path plots) {
        Chart c = new Chart("Hidden-state norms through the network", "mean ||h_k|| over 5 training inputs (solid) and 5 random unit vectors (markers)",
                "s = k / L", "||h_k||", false, false);
        for (Run r : spread(4)) {
            double[] s = new double[r.depth + 1];
            for (int k = 0; k <= r.depth; k++) {
                s[k] = (double) k / r.depth;
            }
            c.add(new Chart.Series("train, L = " + r.depth, s, r.hidden[1], true, false, -1));
        }
        int color = 0;
        for (Run r : spread(4)) {
            double[] s = new double[r.depth + 1];
            for (int k = 0; k <= r.depth; k++) {
                s[k] = (double) k / r.depth;
            }
            c.add(new Chart.Series("random, L = " + r.depth, s, r.hidden[3], false, true, color++));
        }
        figure(plots, "hidden_norms", "How the hidden state evolves with s = k/L: a depth limit shows as curves that agree across L.", c);
    }

    private void lossPlot(Path plots) {
        Chart c = new Chart("Final training loss vs depth", "dashed: target epsilon = " + cfg.epsilon(), "depth L", "training MSE", true, true);
        c.points("train loss (full training set)", depths(ok), ok.stream().mapToDouble(r -> r.trainLoss == null ? Double.NaN : r.trainLoss).toArray(), 0);
        if (cfg.epsilon() > 0) {
            c.horizontal(cfg.epsilon());
        }
        figure(plots, "final_loss_vs_depth", "Runs above the dashed line stopped at Tmax before reaching epsilon; "
                + "diverged runs are listed in the table, not drawn.", c);
    }

    @SuppressWarnings("unchecked")
    private void trendNoisePlot(Path plots) {
        if (!trendNoise.containsKey("trend_entry")) {
            return;
        }
        double[] trend = (double[]) trendNoise.get("trend_entry");
        double[] noise = (double[]) trendNoise.get("noise_entry");
        double[] raw = (double[]) trendNoise.get("raw_entry_scaled");
        int depth = (Integer) trendNoise.get("depth");
        Chart c = new Chart("Trend and noise of one weight entry (L = " + depth + ")",
                String.format("trend integral averaged over depths %s; beta = %.2f", trendNoise.get("averaged_depths"), (Double) trendNoise.get("beta")),
                "s = k / L", "value", false, false);
        c.add(new Chart.Series("raw L^beta W_k", along(depth), raw, false, true, 7));
        c.add(new Chart.Series("trend part L^beta W_bar_k", along(depth), trend, true, false, 0));
        c.add(new Chart.Series("noise part L^(beta-1) cumsum(W - W_bar)", along(depth), noise, true, false, 1));
        figure(plots, "trend_noise", "Denoising (reference section 4.6): the trend is what the depths share; the noise is what is left, accumulated. "
                + "A noise part that stays O(1) as L grows is the diffusive signature.", c);
    }

    private void deltaPlot(Path plots) {
        if (cfg.delta() == DeltaMode.SHARED && alpha != null) {
            Chart c = new Chart("Shared residual scale |delta| vs depth", "|delta| ~ L^-alpha", "depth L", "|delta|", true, true);
            c.points("|delta|: alpha = " + interval(-alpha.slope(), alpha, true), depths(ok),
                    ok.stream().mapToDouble(r -> r.sharedDelta == null ? Double.NaN : r.sharedDelta).toArray(), 0);
            double[][] line = fitLine(alpha, 0);
            c.line("fit", line[0], line[1], 0);
            figure(plots, "delta_vs_depth", "Initialised at 1/L (alpha = 1); training moves it.", c);
        } else if (cfg.delta() == DeltaMode.PER_LAYER) {
            Chart c = new Chart("Per-layer delta_k along depth", "signed delta_k, times L", "s = k / L", "L delta_k", false, false);
            for (Run r : spread(3)) {
                double[] y = r.deltas.clone();
                for (int k = 0; k < y.length; k++) {
                    y[k] *= r.depth;
                }
                c.add(new Chart.Series("L = " + r.depth, along(r.depth), y, true, false, -1));
            }
            figure(plots, "delta_along_depth", "Initialised N(0, 1/L^2): L delta_k starts as unit noise.", c);
        }
    }

    private static String esc(Object o) {
        return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String num(Double v) {
        return v == null || !Double.isFinite(v) ? "–" : (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String.format("%.4f", v) : String.format("%.3e", v));
    }

    private String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>layerwise: depth-scaling study</title><style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td.l,th.l{text-align:left}.label{font-size:1.4em;font-weight:bold;padding:.4em .8em;background:#eef4ff;display:inline-block}")
                .append("figure{margin:2em 0}figcaption{font-size:14px;color:#444}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:12px}")
                .append("</style></head><body>");
        h.append("<h1>Depth-scaling study of a residual MLP</h1>");
        h.append("<p>h<sub>k+1</sub> = h<sub>k</sub> + &delta;<sub>k</sub> &sigma;(A<sub>k</sub> h<sub>k</sub> + b<sub>k</sub>), trained at each depth L of the grid; ")
                .append("after Cohen, Cont, Rossier &amp; Xu, <i>Scaling Properties of Deep Residual Networks</i>, ICML 2021. ")
                .append(String.format("Setting: %s data, &sigma; = %s, &delta; %s, init %s (s = %s), d = %d, %s with lr %s, batch %d, &epsilon; = %s, Tmax = %d updates.</p>",
                        esc(cfg.dataset()), cfg.activation().key(), cfg.delta().key(), cfg.init().key(), cfg.initScale(), cfg.width(),
                        cfg.optimizer(), cfg.lr(), cfg.batchSize(), cfg.epsilon(), cfg.maxUpdates()));
        h.append("<h2>Verdict</h2>");
        if (regime != null) {
            h.append("<div class=\"label\">").append(esc(regime.label())).append("</div><ul>");
            for (String e : regime.evidence()) {
                h.append("<li>").append(esc(e)).append("</li>");
            }
            h.append("</ul><p style=\"font-size:13px\">Rule [INFERRED from the paper's Hypotheses 1 and 2; its own thresholds are not public]: ")
                    .append("ODE-like if the rescaled-increment slope s_I has its 95% interval below 0 and root SSQ scales as L^(1/2-beta); ")
                    .append("SDE-like if beta, s_I and s_R are consistent with 1/2, 0 and 0; otherwise neither. ")
                    .append("'Consistent' = the 95% interval overlaps target &plusmn; ").append(regime.tolerance())
                    .append(". Intervals are ").append(regime.maxNorm().method().equals("t") ? "t-intervals of the OLS slope" : "percentile bootstrap")
                    .append(" over ").append(regime.maxNorm().points()).append(" runs.</p>");
        }
        h.append("<h2>Exponents</h2><table><tr><th class=l>sequence</th><th class=l>statistic</th><th>slope</th><th>std. error</th><th>95% interval</th><th>R&sup2;</th><th>runs</th></tr>");
        fits.forEach((seq, m) -> m.forEach((st, f) -> h.append("<tr><td class=l>").append(esc(label(seq))).append("</td><td class=l>")
                .append(esc(WeightStatistics.DESCRIPTIONS.getOrDefault(st, st))).append("</td><td>").append(num(f.slope())).append("</td><td>")
                .append(num(f.stdError())).append("</td><td>[").append(num(f.lower())).append(", ").append(num(f.upper())).append("]</td><td>")
                .append(num(f.rSquared())).append("</td><td>").append(f.points()).append("</td></tr>")));
        if (alpha != null) {
            h.append("<tr><td class=l>|&delta;| (shared)</td><td class=l>value</td><td>").append(num(alpha.slope())).append("</td><td>")
                    .append(num(alpha.stdError())).append("</td><td>[").append(num(alpha.lower())).append(", ").append(num(alpha.upper()))
                    .append("]</td><td>").append(num(alpha.rSquared())).append("</td><td>").append(alpha.points()).append("</td></tr>");
        }
        h.append("</table><p style=\"font-size:13px\">Slopes of log(statistic) on log(L). Exponents: beta = &minus;slope of the max norm, alpha = &minus;slope of |&delta;|. ")
                .append("The increment row is the raw max increment; the regime rule adds beta. The detrended cumsum is fitted on L &ge; 200 when 3 such depths exist, as the reference.</p>");
        for (var f : figures.entrySet()) {
            h.append("<figure>").append(f.getValue()[1]).append("<figcaption>").append(esc(f.getValue()[0]))
                    .append(" (<a href=\"plots/").append(f.getKey()).append(".png\">PNG</a>, <a href=\"plots/").append(f.getKey())
                    .append(".svg\">SVG</a>)</figcaption></figure>");
        }
        if (trendNoise.containsKey("train_loss_denoised")) {
            h.append("<p>Denoised network at L = ").append(trendNoise.get("depth")).append(": training loss ")
                    .append(num((Double) trendNoise.get("train_loss_original"))).append(" with the trained weights, ")
                    .append(num((Double) trendNoise.get("train_loss_denoised"))).append(" with their trend part alone.</p>");
        }
        h.append("<h2>Runs</h2><table><tr><th>L</th><th>seed</th><th class=l>stopped</th><th>updates</th><th>train loss</th><th>max ||")
                .append(esc(label(eff()))).append("||</th></tr>");
        for (Run r : runs) {
            Map<String, Double> st = r.stats.get(eff());
            h.append("<tr><td>").append(r.depth).append("</td><td>").append(r.seedIndex).append("</td><td class=l>").append(r.reason)
                    .append("</td><td>").append(r.updates).append("</td><td>").append(num(r.trainLoss)).append("</td><td>")
                    .append(num(st == null ? null : st.get(WeightStatistics.MAX_FROBENIUS))).append("</td></tr>");
        }
        h.append("</table><h2>Provenance</h2><p>Files beside this report: config.json, provenance.json, summary.json, metrics.csv, fits.csv, ")
                .append("depths/L*/ (A.npy, b.npy, delta.npy, loss.csv, hidden_norms.csv, result.json). Regenerate with <code>./layerwise report ")
                .append(esc(dir.getFileName())).append("</code>.</p><pre>").append(esc(Json.toString(cfg.asMap()))).append("</pre>");
        Path prov = dir.resolve("provenance.json");
        if (java.nio.file.Files.exists(prov)) {
            h.append("<pre>").append(esc(Json.toString(Json.read(prov)))).append("</pre>");
        }
        h.append("</body></html>\n");
        return h.toString();
    }
}
