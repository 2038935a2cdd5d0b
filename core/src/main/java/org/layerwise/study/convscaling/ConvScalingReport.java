package org.layerwise.study.convscaling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.study.Study;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.StudyPage;

/**
 * report.html of a conv scaling study: the headline, a box above it when the setting is reduced, the
 * reference's four CIFAR figures (max norm with the per-block scatter, root SSQ and rescaled increments,
 * for A = conv1 and Δ = conv2) with fits and intervals, the paper's figure values beside them only in
 * the paper's setting (otherwise in a table marked as the paper's, not this study's), and the runs.
 */
final class ConvScalingReport {
    /** scaling-reference.md §5.2: values read off the reference's PNGs (±3 %) at these depths [REPO figs]. */
    static final double[] REFERENCE_DEPTHS = {8, 11, 12, 14, 16, 20, 24, 28, 33, 42, 50, 65, 80, 100, 121};
    static final double[] REFERENCE_MAX_A = {4.53, 4.24, 4.14, 4.11, 4.24, 3.88, 4.24, 4.46, 4.24, 3.97, 4.46, 4.04, 3.97, 4.01, 3.97};
    static final double[] REFERENCE_MAX_DELTA = {5.42, 5.38, 5.12, 3.97, 4.38, 4.11, 4.31, 4.64, 4.04, 3.78, 4.11, 4.04, 4.17, 4.04, 3.97};
    static final double[] REFERENCE_SSQ_A = {10.2, 10.2, 10.1, 10.1, 10.3, 10.3, 10.6, 10.6, 10.3, 10.6, 10.9, 10.8, 10.7, 10.9, 11.3};
    static final double[] REFERENCE_INC_A = {2.97, 3.07, 3.07, 3.76, 3.31, 3.61, 3.40, 3.52, 2.87, 3.45, 3.62, 3.11, 3.07, 3.22, 3.17};
    static final double[] REFERENCE_SSQ_DELTA = {11.1, 11.7, 11.6, 11.5, 11.9, 11.5, 11.4, 10.9, 11.4, 11.6, 11.5, 11.5, 11.7, 11.1, 11.5};
    static final double[] REFERENCE_INC_DELTA = {6.8, 6.9, 6.7, 5.5, 6.2, 5.7, 6.1, 6.5, 6.0, 5.8, 6.4, 6.3, 6.5, 6.4, 6.5};

    /** The files beside the page that the analysis writes before it. */
    static final String RUNS = "runs.csv";
    static final String BLOCKS = "blocks.csv";

    private ConvScalingReport() {
    }

    /**
     * Writes report.html on the study pages' frame ({@link StudyPage}: the recorded preset in the title, the
     * regenerating command, the settings and provenance at the end). runs.csv, blocks.csv and summary.json
     * must be written first: the figures link them.
     */
    static void write(Study study, ConvScalingConfig c, StudyFolder folder, List<ConvScalingAnalysis.Run> runs, ConvScalingFits.Result fits,
                      Map<String, Object> summary) {
        StudyPage frame = new StudyPage(study, "Depth scaling of convolutional ResNets (Cohen, Cont, Rossier & Xu, ICML 2021)", folder, c);
        HtmlReport h = frame.page();
        Path plots = frame.plots();
        String reduced = c.reducedBecause();
        h.intro("The authors' CIFAR-10 ResNet (BasicBlocks without BatchNorm, 4 stages of w, 2w, 4w, 8w channels) trained at "
                + summary.get("depths") + " residual blocks; for every block the largest singular value of conv1 (A_k), conv2 (Δ_k) and the"
                + " shortcut, by the Sedghi–Gupta–Long method on each kernel's input size.");
        if (reduced != null) {
            h.caveat("A reduced setting: it cannot stand for the paper's result", Source.LAYERWISE, List.of(
                    "This study differs from the paper's CIFAR-10 setting in: " + reduced + ".",
                    "Its exponents describe this network and budget. The paper's figure values are listed at the end as the paper's, not beside"
                            + " these numbers."));
        }
        h.claim("the paper's CIFAR-10 figures (scaling-reference.md §5.2, read from the reference's PNGs)", List.of(Source.INFERRED),
                List.of("β ≈ 0 for conv1 (max norm flat in L), α ≈ 0.1 for conv2, root SSQ flat (not ∝ √L), increments flat (not"
                        + " vanishing): the weights neither shrink with depth nor become smooth or diffusive — the 'neither' regime"), "");
        h.verdict(StudyPage.presetPrefix(folder) + summary.get("headline"), evidence(summary));
        if (summary.get("note") != null) {
            h.note(Source.LAYERWISE, String.valueOf(summary.get("note")));
        }
        if (fits != null) {
            boolean paper = reduced == null;
            // every block's σ_max and increments (blocks.csv, from each run's spectra.json), the fits with their intervals (summary.json)
            Path[] data = StudyPage.existing(folder.file(BLOCKS), folder.file(StudyFiles.SUMMARY)).toArray(Path[]::new);
            frame.figure(figure(maxNorm(fits.a(), "A_k (conv1)", "β_A", paper ? REFERENCE_MAX_A : null), plots, "max_norm_A"),
                    "Max norm of A: the largest σ_max(conv1) over the blocks of each network (points), every block's σ_max (grey), the OLS"
                            + " fit; β_A = −slope [code]", data);
            frame.figure(figure(maxNorm(fits.delta(), "Δ_k (conv2)", "α_Δ", paper ? REFERENCE_MAX_DELTA : null), plots, "max_norm_Delta"),
                    "Max norm of Δ: as for A, with α_Δ = −slope [code]", data);
            frame.figure(figure(hypothesis(fits.a(), "A_k (conv1)", paper ? REFERENCE_SSQ_A : null, paper ? REFERENCE_INC_A : null), plots,
                    "hypothesis_A"), "Root SSQ √Σ_k σ_max(A_k)² and the rescaled increment L^β max_k σ_max(A_{k+1} − A_k)"
                    + " (pairs of equal shape) [code]; H1 wants the increments to vanish, H2 wants root SSQ and increments flat with β = 1/2", data);
            frame.figure(figure(hypothesis(fits.delta(), "Δ_k (conv2)", paper ? REFERENCE_SSQ_DELTA : null, paper ? REFERENCE_INC_DELTA : null),
                    plots, "hypothesis_Delta"), "Root SSQ and rescaled increments of Δ, as for A", data);
            h.table(fitsTable(fits));
        }
        h.section("Runs");
        HtmlReport.Table t = new HtmlReport.Table("run", "L", "seed", "stop", "updates", "epoch train loss", "test accuracy", "σ_max A", "σ_max Δ", "seconds");
        for (ConvScalingAnalysis.Run r : runs) {
            t.row(r.spec().id(), r.depth(), r.seedIndex(), r.result().path("stop_reason").asText(), r.result().path("updates").asLong(),
                    num(r.result().path("final_train_loss").asDouble(Double.NaN)), num(r.result().path("test_accuracy").asDouble(Double.NaN)),
                    r.usable() ? num(ConvScalingAnalysis.max(r.spectra().a())) : "–", r.usable() ? num(ConvScalingAnalysis.max(r.spectra().delta())) : "–",
                    num(r.result().path("seconds").asDouble(Double.NaN)));
        }
        h.table(t);
        h.paragraph("runs.csv holds this table; blocks.csv every block's σ_max (conv1, conv2, shortcut, increments); summary.json every fit with"
                + " its interval and the regimes with their evidence. Rules: docs/scaling-conv-study.md.");
        h.links("Data", StudyPage.existing(folder.file(RUNS), folder.file(BLOCKS), folder.file(StudyFiles.SUMMARY)));
        if (reduced != null) {
            h.section("The paper's figure values (CIFAR-10, width 64, the paper's budget; not this study's setting)");
            HtmlReport.Table ref = new HtmlReport.Table("L", "max σ(A)", "max σ(Δ)", "root SSQ A", "increment A", "root SSQ Δ", "increment Δ");
            for (int i = 0; i < REFERENCE_DEPTHS.length; i++) {
                ref.row((int) REFERENCE_DEPTHS[i], REFERENCE_MAX_A[i], REFERENCE_MAX_DELTA[i], REFERENCE_SSQ_A[i], REFERENCE_INC_A[i],
                        REFERENCE_SSQ_DELTA[i], REFERENCE_INC_DELTA[i]);
            }
            h.table(ref);
        }
        frame.write("one folder per run under depths/ (result.json, loss.csv, spectra.json, kernels/ when saved)");
    }

    @SuppressWarnings("unchecked")
    private static List<String> evidence(Map<String, Object> summary) {
        List<String> out = new ArrayList<>();
        for (String k : List.of("regime_A", "regime_Delta")) {
            Map<String, Object> rg = (Map<String, Object>) summary.get(k);
            if (rg != null && rg.get("evidence") instanceof List<?> ev) {
                ev.forEach(e -> out.add(k.substring(7) + ": " + e));
            }
        }
        if (summary.get("fits_why_null") != null) {
            out.add(String.valueOf(summary.get("fits_why_null")));
        }
        return out;
    }

    /** The files among {@code files} that exist (the analysis writes them before the page): a page never links a missing file. */
    /** The chart saved as a figure, or null when it has nothing to draw (the page leaves it out). */
    private static Figure figure(Chart c, Path plots, String name) {
        return c.isEmpty() ? null : c.saveFigure(plots, name);
    }

    private static Chart maxNorm(ConvScalingFits.SequenceFits s, String label, String exponent, double[] reference) {
        Chart c = new Chart("Max norm of " + label + " vs depth", exponent + " = " + range(-s.maxNorm().slope(), -s.maxNorm().upper(),
                -s.maxNorm().lower()), "depth L (blocks)", "σ_max", true, true);
        List<Double> bx = new ArrayList<>();
        List<Double> by = new ArrayList<>();
        for (ConvScalingFits.RunStats r : s.runs()) {
            for (double v : r.perBlock()) {
                bx.add((double) r.depth());
                by.add(v);
            }
        }
        c.points("every block", bx.stream().mapToDouble(Double::doubleValue).toArray(), by.stream().mapToDouble(Double::doubleValue).toArray(), 7);
        c.points("max over blocks (each network)", depths(s), s.runs().stream().mapToDouble(ConvScalingFits.RunStats::maxNorm).toArray(), 0);
        line(c, "fit: slope " + fmt(s.maxNorm().slope()), s.maxNorm(), depths(s), 0, 0);
        if (reference != null) {
            c.line("the paper's figure (read ±3 %)", REFERENCE_DEPTHS, reference, 2);
        }
        return c.onlyTicksX(depthTicks(s, reference != null));
    }

    private static Chart hypothesis(ConvScalingFits.SequenceFits s, String label, double[] ssq, double[] inc) {
        Chart c = new Chart("Root SSQ and rescaled increments of " + label, "slopes: root SSQ " + range(s.rootSsq().slope(), s.rootSsq().lower(),
                s.rootSsq().upper()) + ", increment × L^" + fmt(s.exponent()) + " " + range(s.rescaledIncrement().slope(),
                s.rescaledIncrement().lower(), s.rescaledIncrement().upper()), "depth L (blocks)", "value", true, true);
        double[] x = depths(s);
        c.points("root SSQ", x, s.runs().stream().mapToDouble(ConvScalingFits.RunStats::rootSsq).toArray(), 0);
        line(c, "fit, root SSQ", s.rootSsq(), x, 0, 0);
        c.points("L^e × max increment", x, s.runs().stream().mapToDouble(s::rescaled).toArray(), 1);
        line(c, "fit, rescaled increment", s.increment(), x, s.exponent(), 1);
        if (ssq != null) {
            c.line("the paper's root SSQ (read ±3 %)", REFERENCE_DEPTHS, ssq, 2);
            c.line("the paper's increment (read ±3 %)", REFERENCE_DEPTHS, inc, 3);
        }
        return c.onlyTicksX(depthTicks(s, ssq != null));
    }

    /** The depths drawn on an axis: the trained ones, and the paper's when its values are drawn; no tick at any other depth. */
    private static double[] depthTicks(ConvScalingFits.SequenceFits s, boolean paper) {
        java.util.stream.DoubleStream trained = java.util.Arrays.stream(depths(s));
        return (paper ? java.util.stream.DoubleStream.concat(trained, java.util.Arrays.stream(REFERENCE_DEPTHS)) : trained).distinct().sorted().toArray();
    }

    private static void line(Chart c, String name, ScalingFit f, double[] x, double shift, int colour) {
        if (!Double.isFinite(f.slope()) || x.length == 0) {
            return;
        }
        double lo = java.util.Arrays.stream(x).min().orElse(1);
        double hi = java.util.Arrays.stream(x).max().orElse(1);
        double[] lx = {lo, Math.sqrt(lo * hi), hi};
        double[] ly = new double[3];
        for (int i = 0; i < 3; i++) {
            ly[i] = Math.exp(f.intercept()) * Math.pow(lx[i], f.slope() + shift);
        }
        c.line(name, lx, ly, colour);
    }

    private static HtmlReport.Table fitsTable(ConvScalingFits.Result fits) {
        HtmlReport.Table t = new HtmlReport.Table("sequence", "statistic", "slope", "95% interval", "R²", "networks");
        for (ConvScalingFits.SequenceFits s : List.of(fits.a(), fits.delta())) {
            add(t, s.sequence(), "max norm", s.maxNorm(), 0);
            add(t, s.sequence(), "root SSQ", s.rootSsq(), 0);
            add(t, s.sequence(), "max increment", s.increment(), 0);
            add(t, s.sequence(), "L^" + fmt(s.exponent()) + " × max increment", s.increment(), s.exponent());
        }
        return t;
    }

    private static void add(HtmlReport.Table t, String seq, String stat, ScalingFit f, double shift) {
        t.row(seq, stat, fmt(f.slope() + shift), "[" + fmt(f.lower() + shift) + ", " + fmt(f.upper() + shift) + "]", fmt(f.rSquared()), f.points());
    }

    private static double[] depths(ConvScalingFits.SequenceFits s) {
        return s.runs().stream().mapToDouble(ConvScalingFits.RunStats::depth).toArray();
    }

    private static String range(double v, double lo, double hi) {
        return fmt(v) + " [" + fmt(lo) + ", " + fmt(hi) + "]";
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format("%.3f", v) : "n/a";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? HtmlReport.number(v) : "–";
    }
}
