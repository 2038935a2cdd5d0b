package org.layerwise.study.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.model.DeltaMode;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.Heatmap;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.report.Notation;
import org.layerwise.study.scaling.ScalingAnalysis.Run;
import org.layerwise.train.EntryPathProbe;

/**
 * The self-contained report.html of a scaling study and its plots/, drawn from the analysis' numbers
 * and the run folders (loss.csv, entry_paths.npy); computes nothing the analysis does not, except
 * what drawing needs (the seed mean of loss curves, reference slopes through the data).
 *
 * <p>What the page holds, in order: the verdict (regime label, or "undetermined" with its reason,
 * each exponent named with the sequence it belongs to, the summary's note), the two statistics the
 * regime rule uses (s_I and s_R) plotted against L with their fits and the H1/H2 predictions, the max
 * norms that give beta, the table of every fitted exponent, the training (loss curve of every depth,
 * final loss against epsilon), the weights along depth (rescaled norms, entries, a layer x epoch
 * heatmap of the deepest run's entry paths, hidden states, trend/noise, delta), the runs with the
 * study's coverage and its absent or damaged runs, where every rule comes from ([paper], [code],
 * [inferred], [layerwise], as docs/scaling-study.md tags them), and provenance with a command that
 * regenerates the report from anywhere.
 *
 * <p>Labels are written in the markup of {@link Notation} ({@code |delta_k| A_k}, {@code L^beta}) and
 * drawn as Unicode notation.
 */
final class ScalingReport {
    /** Most entries of the deepest run drawn as layer x epoch heatmaps (the first A- and the first b-entry). */
    static final int HEATMAP_ENTRIES = 2;

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
    private final Path plots;
    private final HtmlReport page;
    /** What could not be drawn and why, listed on the page (a damaged file never stops the report). */
    private final List<String> skipped = new ArrayList<>();

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
        this.plots = dir.resolve("plots");
        this.page = new HtmlReport("Depth-scaling study of a residual MLP");
    }

    /** Draws every plot into plots/ and writes report.html. */
    public void write() {
        intro();
        verdict();
        page.section("The statistics behind the verdict");
        if (ok.isEmpty()) {
            page.paragraph("Nothing to plot: no run finished without diverging, so there is no statistic to fit.");
        }
        figure(incrementPlot(), "The first statistic of the regime rule: s_I, the slope of the largest layer-to-layer increment after "
                + "rescaling by L^beta. Hypothesis 1 (smooth limit) [paper] needs s_I < 0: rescaled increments vanish as L grows; "
                + "a smooth profile f(k/L) has increments of order 1/L, slope -1 [derived]. Hypothesis 2 (diffusive limit) [paper] "
                + "predicts s_I = 0. The reference lines pass through the centre of the points.");
        figure(rootSsqPlot(), "The second statistic: s_R, the slope of the root sum of squares sqrt(sum_k ||W_k||^2). If every layer "
                + "scales as L^-beta, root-SSQ scales as L^(1/2 - beta) [derived]: the rule's Hypothesis 1 line; Hypothesis 2 "
                + "(beta = 1/2) makes it flat [paper].");
        figure(maxNormPlot(), "Where beta comes from: max_k ||W_k|| ~ L^-beta for each weight sequence [code]. beta = 1 is the "
                + "neural-ODE scaling of the weights themselves, beta = 1/2 the diffusive one [paper].");
        exponentTable();
        page.section("Training");
        Figure losses = lossCurvesPlot();
        if (losses != null) {
            figure(losses, lossCaption);
        } else {
            page.paragraph("No loss curve to draw: no run completed an epoch (loss.csv records one mean batch loss per finished epoch).");
        }
        figure(finalLossPlot(), "Runs above the dashed line stopped at Tmax before reaching epsilon [paper: the stopping rule]; "
                + "diverged runs are listed in the runs table, not drawn.");
        page.section("The trained weights along depth");
        if (ok.isEmpty()) {
            page.paragraph("Nothing to draw: every run diverged.");
        }
        figure(alongDepthPlot(), "If the rescaled curves collapse onto one function of s = k/L, the weights have a scaling limit in s; "
                + "a smooth collapse is ODE-like, a rough one that does not sharpen is diffusive [paper].");
        figure(entryPathPlot(), "Individual entries of the effective weight through the layers of the deepest network (seed 0).");
        entryHeatmaps();
        figure(trainingPathPlot(), "Snapshots of one recorded entry of A_k across all layers of the deepest network after several epochs: "
                + "a smooth profile that forms and settles is the ODE-like picture; one that stays rough is diffusive.");
        figure(roughnessPlot(), "Other roughness statistics of the same sequence, with their fitted slopes [code]; the detrended cumulative "
                + "sum staying O(1) as L grows is the diffusive signature.");
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
        runsSection();
        rulesSection();
        if (!skipped.isEmpty()) {
            page.section("Not drawn");
            skipped.forEach(s -> page.note(Source.LAYERWISE, s));
        }
        provenance();
        Path file = dir.resolve("report.html");
        AtomicFiles.writeString(file, page.html(file.toAbsolutePath().getParent()));
    }

    // ---------------------------------------------------------------- text

    private void intro() {
        page.intro(Notation.format("h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k)") + ", trained at each depth L of the grid; after Cohen, "
                + "Cont, Rossier & Xu, Scaling Properties of Deep Residual Networks, ICML 2021. "
                + String.format(Locale.ROOT, "Setting: %s data, σ = %s, δ %s, init %s (scale %s), d = %d, %s with learning rate %s, batch %d, "
                        + "ε = %s, Tmax = %d updates, %d seed(s) per depth.", cfg.dataset(), cfg.activation().key(), cfg.delta().key(),
                        cfg.init().key(), plain(cfg.initScale()), cfg.width(), cfg.optimizer(), plain(cfg.lr()), cfg.batchSize(),
                        plain(cfg.epsilon()), cfg.maxUpdates(), cfg.seeds()));
    }

    private String eff() {
        return cfg.delta() == DeltaMode.PER_LAYER ? "deltaA" : "A";
    }

    /** A weight sequence in Notation markup: A_k, b_k, |delta_k|, |delta_k| A_k ... */
    static String label(String seq) {
        return switch (seq) {
            case "deltaA" -> "|delta_k| A_k";
            case "deltab" -> "|delta_k| b_k";
            case "delta" -> "|delta_k|";
            default -> seq + "_k";
        };
    }

    /** The sequence shifted by one layer in markup: A_{k-1}, |delta_{k-1}| A_{k-1}. */
    private static String previous(String seq) {
        return label(seq).replace("_k", "_{k-1}");
    }

    /** "0.714 [0.709, 0.719]" for a fit's value and 95 % interval, or the value alone when it has none. */
    static String interval(double value, double lower, double upper) {
        if (!Double.isFinite(value)) {
            return "not fitted";
        }
        return Double.isFinite(lower) && Double.isFinite(upper)
                ? String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", value, lower, upper)
                : String.format(Locale.ROOT, "%.3f (no interval: fewer than 3 points)", value);
    }

    private static String exponent(ScalingFit f) {
        return interval(-f.slope(), -f.upper(), -f.lower());
    }

    private static String slope(ScalingFit f) {
        return interval(f.slope(), f.lower(), f.upper());
    }

    private static String plain(double v) {
        return Double.isFinite(v) ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : "–";
    }

    private static double orNaN(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private double beta() {
        return regime == null || !Double.isFinite(regime.beta()) ? 0 : regime.beta();
    }

    private ScalingFit fitOf(String seq, String stat) {
        Map<String, ScalingFit> m = fits.get(seq);
        return m == null ? null : m.get(stat);
    }

    @SuppressWarnings("unchecked")
    private void verdict() {
        page.section("Verdict");
        Map<String, Object> rg = summary.get("regime") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String label = regime != null ? regime.label() : String.valueOf(rg.getOrDefault("label", Regime.UNDETERMINED));
        String reason = regime != null ? regime.reason() : (String) rg.get("reason");
        String headline = "Regime: " + label + (reason != null ? " (" + reason + ")" : "");
        List<String> bullets = new ArrayList<>();
        String e = eff();
        ScalingFit maxNorm = fitOf(e, WeightStatistics.MAX_FROBENIUS);
        if (regime != null && maxNorm != null) {
            bullets.add(Notation.format("The rule reads the " + (e.equals("deltaA") ? "effective weights " : "weights ") + label(e) + ":"));
            bullets.add(Notation.format("beta = " + exponent(maxNorm) + ", the exponent of max_k ||" + label(e) + "|| ~ L^-beta"));
            ScalingFit inc = regime.increment().shifted(regime.beta());
            bullets.add(Notation.format("s_I = " + slope(inc) + ", the slope of L^beta max_k ||" + label(e) + " - " + previous(e)
                    + "|| against L (H1: below 0; H2: 0)"));
            bullets.add(Notation.format("s_R = " + slope(regime.rootSsq()) + ", the slope of root-SSQ sqrt(sum_k ||" + label(e)
                    + "||^2) against L (H1: 1/2 - beta = " + String.format(Locale.ROOT, "%.3f", 0.5 - regime.beta()) + "; H2: 0)"));
            if (reason == null && !regime.evidence().isEmpty()) {
                bullets.add(Notation.format(regime.evidence().get(regime.evidence().size() - 1)));
            }
        }
        List<String> others = new ArrayList<>();
        for (String seq : List.of("A", "b", "deltaA")) {
            ScalingFit f = fitOf(seq, WeightStatistics.MAX_FROBENIUS);
            if (f != null && !(regime != null && seq.equals(e))) {
                others.add("beta of max_k ||" + label(seq) + "|| = " + exponent(f));
            }
        }
        if (alpha != null && Double.isFinite(alpha.slope())) {
            others.add("alpha of the shared |delta| (|delta| ~ L^-alpha) = " + exponent(alpha));
        }
        if (!others.isEmpty()) {
            bullets.add(Notation.format("Other exponents: " + String.join("; ", others) + "."));
        }
        Object note = summary.get("note");
        if (note != null) {
            bullets.add("Note: " + Notation.format(String.valueOf(note)));
        }
        page.verdict(headline, bullets);
        page.note(Source.INFERRED, Notation.format(String.format(Locale.ROOT, "The rule: smooth ODE-like if the 95%% interval of s_I lies below 0 "
                + "and s_R is consistent with 1/2 - beta; diffusive SDE-like if beta, s_I and s_R are consistent with 1/2, 0 and 0; "
                + "otherwise neither. Consistent means the 95%% interval overlaps the target +- %s. The paper's own thresholds are not "
                + "public; the hypotheses themselves are the paper's Hypotheses 1 and 2 [paper].", plain(cfg.regimeTolerance()))));
        page.note(Source.LAYERWISE, String.format(Locale.ROOT, "Undetermined when fewer than %d distinct depths trained without diverging, or "
                + "when the 95%% interval of β, s_I or s_R is wider than %s. Intervals are %s over the runs (each seed a point).",
                Regime.MIN_DEPTHS, plain(Regime.MAX_INTERVAL_WIDTH),
                cfg.bootstrap() > 0 ? "percentile bootstrap over depths (" + cfg.bootstrap() + " resamples)" : "t-intervals of the OLS slope"));
    }

    private void exponentTable() {
        page.section("Every fitted exponent");
        HtmlReport.Table t = new HtmlReport.Table("sequence", "statistic", "slope", "std. error", "95% interval", "R²", "runs");
        fits.forEach((seq, m) -> m.forEach((st, f) -> t.row(Notation.format(label(seq)),
                Notation.format(WeightStatistics.DESCRIPTIONS.getOrDefault(st, st).replace("||_F", "||")), f.slope(), f.stdError(), range(f.lower(), f.upper()),
                f.rSquared(), f.points())));
        if (alpha != null && Double.isFinite(alpha.slope())) {
            t.row("|δ| (shared)", "value", alpha.slope(), alpha.stdError(), range(alpha.lower(), alpha.upper()), alpha.rSquared(), alpha.points());
        }
        if (t.size() == 0) {
            page.paragraph("No exponent could be fitted: no run finished without diverging.");
            return;
        }
        page.table(t);
        page.note(Source.LAYERWISE, "‖·‖ is the Frobenius norm, except where the row says spectral.");
        code("Slopes of ln(statistic) on ln(L) by OLS with intercept over every finished, non-diverged run [code]; beta = -slope of "
                + "the max norm, alpha = -slope of |delta| [code]. The increment row is the raw max increment; the rule adds beta. The "
                + "detrended cumulative sum is fitted on L >= 200 when 3 such depths exist [code], else on all depths [layerwise].");
    }

    private static String range(double lo, double hi) {
        return Double.isFinite(lo) && Double.isFinite(hi) ? "[" + HtmlReport.number(lo) + ", " + HtmlReport.number(hi) + "]" : "–";
    }

    // ---------------------------------------------------------------- helpers for figures

    /** Adds a drawn figure with its caption (written in Notation markup); a figure that could not be drawn is skipped. */
    private void figure(Figure f, String caption) {
        if (f != null) {
            page.figure(f, Notation.format(caption));
        }
    }

    private Figure save(Chart c, String name) {
        return c.isEmpty() ? null : c.saveFigure(plots, name);
    }

    private void code(String text) {
        page.note(Source.CODE, Notation.format(text));
    }

    private static double[] depths(List<Run> rs) {
        return rs.stream().mapToDouble(r -> r.depth).toArray();
    }

    /** The distinct depths of these runs, for labelled ticks on a depth axis. */
    private static double[] depthTicks(List<Run> rs) {
        return rs.stream().mapToDouble(r -> r.depth).distinct().sorted().toArray();
    }

    private double[] stat(String seq, String st) {
        return ok.stream().mapToDouble(r -> r.stats.containsKey(seq) && r.stats.get(seq).get(st) != null
                ? r.stats.get(seq).get(st) : Double.NaN).toArray();
    }

    private double[] depthRange() {
        double lo = ok.stream().mapToInt(r -> r.depth).min().orElse(1);
        double hi = ok.stream().mapToInt(r -> r.depth).max().orElse(1);
        return new double[] {lo, hi};
    }

    /** The fitted line exp(intercept) L^(slope + shift) over the depth range. */
    private double[][] fitLine(ScalingFit f, double shift) {
        double[] r = depthRange();
        double[] x = {r[0], Math.sqrt(r[0] * r[1]), r[1]};
        double[] y = new double[3];
        for (int i = 0; i < 3; i++) {
            y[i] = Math.exp(f.intercept()) * Math.pow(x[i], f.slope() + shift);
        }
        return new double[][] {x, y};
    }

    /** A line of the given slope through the fitted line's value at the geometric middle of the depth range. */
    private double[][] referenceLine(ScalingFit f, double shift, double slope) {
        double[] r = depthRange();
        double mid = Math.sqrt(r[0] * r[1]);
        double at = Math.exp(f.intercept()) * Math.pow(mid, f.slope() + shift);
        return new double[][] {{r[0], r[1]}, {at * Math.pow(r[0] / mid, slope), at * Math.pow(r[1] / mid, slope)}};
    }

    /** Three significant digits: a reference level's legend reads 4.58, not 4.57973 (the line moves by under 0.1 %). */
    private static double round3(double v) {
        return Double.isFinite(v) && v != 0 ? new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue() : v;
    }

    // ---------------------------------------------------------------- the statistics of the rule

    private Figure incrementPlot() {
        String e = eff();
        ScalingFit fit = fitOf(e, WeightStatistics.MAX_INCREMENT);
        if (fit == null || ok.isEmpty() || !Double.isFinite(fit.slope())) {
            return null;
        }
        double b = beta();
        double[] x = depths(ok);
        double[] y = stat(e, WeightStatistics.MAX_INCREMENT);
        for (int i = 0; i < y.length; i++) {
            y[i] *= Math.pow(x[i], b);
        }
        ScalingFit shown = fit.shifted(b);
        Chart c = new Chart("s_I: the largest increment of " + label(e) + " along depth, rescaled by L^beta",
                String.format(Locale.ROOT, "one point per run; beta = %.3f from the max norm", b), "depth L",
                "L^beta max_k ||" + label(e) + " - " + previous(e) + "||", true, true).ticksX(depthTicks(ok));
        c.points("runs", x, y, 0);
        double[][] line = fitLine(fit, b);
        c.line("OLS fit: s_I = " + slope(shown) + " (95% interval)", line[0], line[1], 0);
        double[][] h1 = referenceLine(fit, b, -1);
        c.line("H1, smooth profile: slope -1 (the rule asks only s_I < 0)", h1[0], h1[1], 2);
        // dashed and drawn over the points, so it stays visible where the fit is flat too
        c.horizontal("H2, diffusive: slope 0, at the level of the points' centre", round3(referenceLine(fit, b, 0)[1][0]));
        return save(c, "hypothesis_" + e);
    }

    private Figure rootSsqPlot() {
        String e = eff();
        ScalingFit fit = fitOf(e, WeightStatistics.ROOT_SSQ);
        if (fit == null || ok.isEmpty() || !Double.isFinite(fit.slope())) {
            return null;
        }
        double b = beta();
        Chart c = new Chart("s_R: the root sum of squares of " + label(e) + " vs depth",
                String.format(Locale.ROOT, "one point per run; beta = %.3f from the max norm", b), "depth L",
                "sqrt(sum_k ||" + label(e) + "||^2)", true, true).ticksX(depthTicks(ok));
        c.points("runs", depths(ok), stat(e, WeightStatistics.ROOT_SSQ), 0);
        double[][] line = fitLine(fit, 0);
        c.line("OLS fit: s_R = " + slope(fit) + " (95% interval)", line[0], line[1], 0);
        double[][] h1 = referenceLine(fit, 0, 0.5 - b);
        c.line(String.format(Locale.ROOT, "H1: slope 1/2 - beta = %.3f", 0.5 - b), h1[0], h1[1], 2);
        c.horizontal("H2: slope 0, at the level of the points' centre", round3(referenceLine(fit, 0, 0)[1][0]));
        return save(c, "root_ssq_" + e);
    }

    private Figure maxNormPlot() {
        if (ok.isEmpty()) {
            return null;
        }
        Chart c = new Chart("Largest layer weight vs depth", "points: runs; lines: OLS fits of ln max norm on ln L; beta with its 95% interval",
                "depth L", "max_k ||W_k||", true, true).ticksX(depthTicks(ok));
        int colour = 0;
        for (String seq : List.of("A", "b", "deltaA")) {
            ScalingFit mf = fitOf(seq, WeightStatistics.MAX_FROBENIUS);
            if (mf == null) {
                continue;
            }
            c.points("max_k ||" + label(seq) + "||: beta = " + exponent(mf), depths(ok), stat(seq, WeightStatistics.MAX_FROBENIUS), colour);
            if (Double.isFinite(mf.slope())) {
                double[][] line = fitLine(mf, 0);
                c.line("fit, " + label(seq), line[0], line[1], colour);
            }
            colour++;
        }
        ScalingFit sf = fitOf("A", WeightStatistics.MAX_SPECTRAL);
        if (sf != null) {
            c.points("max_k of the spectral norm of A_k: beta = " + exponent(sf), depths(ok), stat("A", WeightStatistics.MAX_SPECTRAL), 4);
        }
        return save(c, "max_norm_vs_depth");
    }

    private Figure roughnessPlot() {
        String e = eff();
        Map<String, ScalingFit> f = fits.get(e);
        if (f == null || ok.isEmpty()) {
            return null;
        }
        String[][] stats = {{WeightStatistics.QUADRATIC_VARIATION, "quadratic variation sum_k ||" + label(e) + " - " + previous(e) + "||^2"},
            {WeightStatistics.H1, "H^1 seminorm"}, {WeightStatistics.DETRENDED_CUMSUM, "detrended cumulative sum"},
            {WeightStatistics.CUMSUM, "||sum_k " + label(e) + "||"}};
        Chart c = new Chart("Other roughness statistics of " + label(e) + " vs depth", "points: runs; lines: OLS fits; legend: fitted slope [95% interval]",
                "depth L", "statistic", true, true).ticksX(depthTicks(ok));
        int colour = 0;
        for (String[] s : stats) {
            ScalingFit fit = f.get(s[0]);
            if (fit == null) {
                continue;
            }
            c.points(s[1] + ": slope " + slope(fit), depths(ok), stat(e, s[0]), colour);
            if (Double.isFinite(fit.slope())) {
                double[][] line = fitLine(fit, 0);
                c.line("fit, " + s[1].replaceFirst(" sum_k.*", ""), line[0], line[1], colour);
            }
            colour++;
        }
        return save(c, "roughness_" + e);
    }

    // ---------------------------------------------------------------- training

    private String lossCaption = "";

    /** One curve per depth: the run's loss.csv, or with several seeds their mean at each epoch all of them reached. */
    private Figure lossCurvesPlot() {
        Map<Integer, List<Run>> byDepth = new TreeMap<>();
        runs.forEach(r -> byDepth.computeIfAbsent(r.depth, k -> new ArrayList<>()).add(r));
        Map<Integer, double[]> mean = new LinkedHashMap<>();
        double spread = 0;
        int averaged = 0;
        for (var entry : byDepth.entrySet()) {
            List<Run> sound = entry.getValue().stream().filter(Run::usable).toList();
            List<Run> members = sound.isEmpty() ? entry.getValue() : sound;
            List<double[]> curves = new ArrayList<>();
            for (Run r : members) {
                Path file = analysis.runDir(r.depth, r.seedIndex).resolve("loss.csv");
                try {
                    curves.add(Csv.readColumns(file).column("mean_batch_loss"));
                } catch (RuntimeException ex) {
                    skipped.add("The loss curve of run " + ScalingStudy.runId(r.depth, r.seedIndex) + ": " + ex.getMessage());
                }
            }
            if (curves.isEmpty()) {
                continue;
            }
            int n = curves.stream().mapToInt(v -> v.length).min().orElse(0);
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] v : curves) {
                    sum += v[i];
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
                y[i] = sum / curves.size();
                if (curves.size() > 1 && Double.isFinite(y[i]) && y[i] > 0 && Double.isFinite(hi - lo)) {
                    spread = Math.max(spread, (hi - lo) / y[i]);
                }
            }
            averaged = Math.max(averaged, curves.size());
            mean.put(entry.getKey(), y);
        }
        String subtitle = averaged > 1
                ? "one curve per depth: the mean of its seeds, which differ by at most " + HtmlReport.number(100 * spread, spread < 0.01 ? 2 : 1)
                    + " % at any epoch"
                : "one curve per run";
        Chart c = new Chart("Training loss of every depth", subtitle, "epoch (counted from 1)", "mean batch loss (MSE)", true, true)
                .colourKey("depth L", true).horizontal("target epsilon", cfg.epsilon());
        boolean drawable = mean.values().stream().anyMatch(y -> java.util.Arrays.stream(y).anyMatch(v -> Double.isFinite(v) && v > 0));
        if (!drawable) {
            return null;
        }
        mean.forEach((depth, y) -> {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            c.curve(depth, x, y);
        });
        lossCaption = "The mean batch loss of each epoch, the quantity the stopping rule compares with epsilon [code], one curve per depth "
                + "coloured by L (viridis, log scale). " + (averaged > 1 ? "The seeds of a depth are averaged at each epoch all of them "
                + "reached; a diverged seed is left out unless every seed of its depth diverged [layerwise]. " : "")
                + "A curve that ends early reached epsilon or diverged.";
        return save(c, "loss_curves");
    }

    private Figure finalLossPlot() {
        if (ok.isEmpty()) {
            return null;
        }
        Chart c = new Chart("Final training loss vs depth", "measured on the full training set after the last update", "depth L",
                "training loss (MSE)", true, true).ticksX(depthTicks(ok)).horizontal("target epsilon", cfg.epsilon());
        c.points("runs", depths(ok), ok.stream().mapToDouble(r -> r.trainLoss == null ? Double.NaN : r.trainLoss).toArray(), 0);
        return save(c, "final_loss_vs_depth");
    }

    // ---------------------------------------------------------------- the weights along depth

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

    private Run deepestSeed0() {
        List<Run> s0 = ok.stream().filter(r -> r.seedIndex == 0).toList();
        return s0.isEmpty() ? null : s0.get(s0.size() - 1);
    }

    private Figure alongDepthPlot() {
        List<Run> shown = spread(6);
        if (shown.isEmpty()) {
            return null;
        }
        double b = beta();
        Chart c = new Chart("Trained weights along depth, rescaled by L^beta",
                String.format(Locale.ROOT, "beta = %.3f; one curve per depth (seed 0), coloured by L", b),
                "s = k / L", "L^beta ||" + label(eff()) + "||", false, false).colourKey("depth L", true);
        for (Run r : shown) {
            double[] y = r.effectiveNorms.clone();
            double up = Math.pow(r.depth, b);
            for (int k = 0; k < y.length; k++) {
                y[k] *= up;
            }
            c.curve(r.depth, along(r.depth), y);
        }
        return save(c, "weights_along_depth");
    }

    /** "A_k[0,3]" in markup for an entry name of the analysis ("A[0,3]", "deltaA[0,3]") or of the probe ("A_0_3", "b_4"). */
    static String entryLabel(String name) {
        if (name.contains("[")) {
            String seq = name.substring(0, name.indexOf('['));
            String l = label(seq);
            return (l.contains(" ") ? "(" + l + ")" : l) + name.substring(name.indexOf('['));
        }
        String[] p = name.split("_");
        if (p.length == 3) {
            return p[0] + "_k[" + p[1] + "," + p[2] + "]";
        }
        return p.length == 2 ? p[0] + "_k[" + p[1] + "]" : name;
    }

    private Figure entryPathPlot() {
        Run deep = deepestSeed0();
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

    /** The entry paths the deepest recording run wrote: its folder, depth, entry names and the epoch of each recorded row. */
    private record Recording(Path dir, int depth, List<String> names, double[] epochs) {
    }

    private Recording recording;
    private boolean recordingLooked;

    /** The deepest run with entry paths (looked up once; what went wrong is listed once). */
    private Recording recording() {
        if (!recordingLooked) {
            recordingLooked = true;
            recording = findRecording();
        }
        return recording;
    }

    private Recording findRecording() {
        List<Run> candidates = new ArrayList<>(ok);
        candidates.sort((a, b) -> a.depth != b.depth ? Integer.compare(b.depth, a.depth) : Integer.compare(a.seedIndex, b.seedIndex));
        for (Run r : candidates) {
            Path run = analysis.runDir(r.depth, r.seedIndex);
            if (!Files.exists(run.resolve(EntryPathProbe.VALUES))) {
                continue;
            }
            try {
                List<String> names = new ArrayList<>();
                Json.read(run.resolve(EntryPathProbe.META)).path("entries").forEach(n -> names.add(n.asText()));
                double[] epochs = Csv.readColumns(run.resolve(EntryPathProbe.INDEX)).column("epoch");
                return new Recording(run, r.depth, names, epochs);
            } catch (RuntimeException ex) {
                skipped.add("The entry paths of run " + ScalingStudy.runId(r.depth, r.seedIndex) + ": " + ex.getMessage());
                return null;
            }
        }
        if (!ok.isEmpty()) {
            skipped.add("The entry paths: no finished run recorded them (the deepest planned run records them; it may be absent).");
        }
        return null;
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
                rows = Npy.readMiddleSlab(rec.dir().resolve(EntryPathProbe.VALUES), e);
            } catch (RuntimeException ex) {
                skipped.add("The entry-path heatmap of L = " + rec.depth() + ": " + ex.getMessage());
                return;
            }
            int n = Math.min(rows.length, rec.epochs().length);
            if (n == 0) {
                skipped.add("The entry-path heatmap of L = " + rec.depth() + ": no epoch was recorded.");
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
            figure(h.saveFigure(plots, file), e == picks.get(0)
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
            rows = Npy.readMiddleSlab(rec.dir().resolve(EntryPathProbe.VALUES), 0);
        } catch (RuntimeException ex) {
            skipped.add("The entry-path snapshots of L = " + rec.depth() + ": " + ex.getMessage());
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
        List<Run> shown = spread(4);
        if (shown.isEmpty()) {
            return null;
        }
        Chart c = new Chart("Hidden-state norms through the network", "mean ||h_k|| over 5 training inputs (lines) and 5 random unit vectors (markers, at most 40 layers per depth)",
                "s = k / L", "||h_k||", false, false);
        int colour = 0;
        for (Run r : shown) {
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

    private String deltaCaption = "";

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
            List<Run> shown = spread(4);
            if (shown.isEmpty()) {
                return null;
            }
            Chart c = new Chart("Per-layer delta_k along depth", "signed delta_k times L; one curve per depth (seed 0), coloured by L",
                    "s = k / L", "L delta_k", false, false).colourKey("depth L", true);
            for (Run r : shown) {
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

    // ---------------------------------------------------------------- runs, rules, provenance

    @SuppressWarnings("unchecked")
    private void runsSection() {
        page.section("Runs");
        Map<String, Object> absent = summary.get("absent_runs") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Object coverage = summary.getOrDefault("coverage", runs.size() + " runs");
        long diverged = runs.stream().filter(r -> !r.usable()).count();
        StringBuilder p = new StringBuilder("Coverage: ").append(coverage).append(" finished and sound");
        if (absent.isEmpty()) {
            p.append("; none is absent or damaged.");
        } else {
            p.append("; absent or damaged: ").append(String.join(", ", absent.keySet()))
                    .append(". The analysis uses the sound runs only; rerun the study to redo the others.");
        }
        if (diverged > 0) {
            p.append(" ").append(diverged).append(" of the finished runs diverged and are left out of every fit.");
        }
        page.paragraph(p.toString());
        if (!absent.isEmpty()) {
            HtmlReport.Table t = new HtmlReport.Table("absent run", "why");
            absent.forEach((id, why) -> t.row(id, String.valueOf(why)));
            page.table(t);
        }
        String e = eff();
        HtmlReport.Table t = new HtmlReport.Table("run", "L", "seed", "stopped", "updates", "train loss", Notation.format("max_k ||" + label(e) + "||"));
        for (Run r : runs) {
            Map<String, Double> st = r.stats.get(e);
            t.row(ScalingStudy.runId(r.depth, r.seedIndex), r.depth, r.seedIndex, r.reason, r.updates, r.trainLoss,
                    st == null ? null : st.get(WeightStatistics.MAX_FROBENIUS));
        }
        page.table(t);
    }

    private void rulesSection() {
        page.section("Where each rule comes from");
        page.paragraph("As docs/scaling-study.md tags them: [paper] stated in Cohen, Cont, Rossier & Xu (ICML 2021) or its Appendix A; [code] "
                + "what the authors' public code does; [derived] a short derivation from the paper; [inferred] deduced where the paper is "
                + "silent; [layerwise] a choice made here.");
        HtmlReport.Table t = new HtmlReport.Table("rule", "source");
        t.row(Notation.format("Network h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k)"), "[paper] eq. (1), [code]");
        t.row(Notation.format("Stop when the training loss < epsilon or after Tmax updates"), "[paper]");
        t.row("The loss compared with ε: the mean of the epoch's batch losses, checked at epoch ends", "[code]");
        t.row("Geometric depth grid: the distinct floor(baseⁿ) ≥ Lmin, base 1.2 as the reference code", "[code]");
        t.row("Statistics of each run (max norm, root-SSQ, increments, H¹, quadratic variation, cumulative sums)", "[code]; true spectral norm [layerwise]");
        t.row(Notation.format("The effective weight |delta_k| A_k (per-layer delta)"), "[code]; that it is the effective weight [inferred]");
        t.row("OLS of ln(statistic) on ln(L) with intercept, every seed a point", "[code]");
        t.row("Standard error, 95 % t-interval, bootstrap over depths", "[layerwise]");
        t.row(Notation.format("beta = -slope of the max norm; alpha = -slope of |delta|"), "[code]");
        t.row(Notation.format("Root-SSQ ~ L^(1/2 - beta) when every layer scales as L^-beta"), "[derived]");
        t.row("Hypothesis 1 (smooth ODE-like limit) and Hypothesis 2 (diffusive SDE-like limit)", "[paper]");
        t.row("The regime rule on s_I and s_R and its tolerance", "[inferred]");
        t.row("Undetermined with fewer than 5 depths or an interval wider than 0.5; the note on runs stopped at Tmax", "[layerwise]");
        t.row("Trend/noise decomposition", "[code]; fitted β, 4 deepest depths averaged [layerwise]");
        t.row("Entry paths of the deepest run after every epoch", "[code]; streamed and thinned to a disk budget [layerwise]");
        t.row("Loss curves averaged over seeds; colour maps", "[layerwise]");
        page.table(t);
    }

    private void provenance() {
        Path abs = dir.toAbsolutePath().normalize();
        Path prov = dir.resolve("provenance.json");
        JsonNode provenance = null;
        if (Files.exists(prov)) {
            try {
                provenance = Json.read(prov);
            } catch (RuntimeException ex) {
                skipped.add("provenance.json: " + ex.getMessage());
            }
        }
        String launcher = "layerwise";
        if (provenance != null && provenance.hasNonNull("layerwise_home")) {
            Path l = Path.of(provenance.get("layerwise_home").asText()).resolve("layerwise");
            if (Files.isExecutable(l)) {
                launcher = shellQuote(l.toString());
            }
        }
        String command = launcher + " report " + shellQuote(abs.toString());
        List<String> documents = new ArrayList<>(List.of(command, Json.toString(cfg.asMap())));
        if (provenance != null) {
            documents.add(Json.toString(provenance));
        }
        page.provenance("Files beside this report: config.json, provenance.json, summary.json, metrics.csv, fits.csv, plots/, and one folder "
                + "per run under depths/ (A.npy, b.npy, delta.npy, loss.csv, hidden_norms.csv, result.json; the deepest run also its entry "
                + "paths). Regenerate this report from any folder, without training, with the first command below"
                + (launcher.equals("layerwise") ? " (the layerwise launcher on your PATH)" : "") + "; then the settings and the provenance.",
                documents.toArray(String[]::new));
    }

    /** The text as one shell word: as it is when it holds only safe characters, else in single quotes. */
    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
