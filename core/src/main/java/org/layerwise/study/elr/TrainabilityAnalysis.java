package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.layerwise.report.Chart;
import org.layerwise.report.HtmlReport;
import org.layerwise.study.RunFolder;
import org.layerwise.train.ElrProbe;

/**
 * {@code elr trainability} (the paper's Figure 5 analogue, design note §5.3): {short, no-short} x
 * {no warm-up, linear, ELR warm-up} x depths. Per run the ELR spread averaged over training (exp of
 * the mean ln S) against the final held-out accuracy; a table grouped by residual x warm-up x depth;
 * the spread and the learning rate relative to the predicted critical LR over time, per depth.
 *
 * <p>Colours: one per residual x warm-up combination, cool colours for networks with residual
 * connections and warm ones without; the chart instrument draws every point as a dot, so warm-up and
 * depth are told apart by colour, legend and the per-depth charts rather than by marker shape.
 */
final class TrainabilityAnalysis extends ElrStudyAnalysis {
    static final List<String> RESIDUALS = List.of("short", "no-short");
    static final List<String> WARMUPS = List.of("none", "linear", "elr");
    /**
     * Palette indices (Chart's palette): short = blue, cyan, purple; no-short = red, brown, orange; by warm-up
     * none, linear, elr. No warm-up and the ELR warm-up, the pair the studies compare, stand far apart within
     * a family (red and brown were hard to tell apart as dots on the demo page).
     */
    private static final int[][] COLOURS = {{0, 7, 4}, {1, 5, 3}};

    /** The runs of one residual x warm-up x depth cell. */
    record Group(String residual, String warmup, int depth, List<ElrRunData> runs) {
        /** Geometric mean over the runs of their mean spreads. */
        double meanSpread() {
            double s = 0;
            int n = 0;
            for (ElrRunData r : runs) {
                double v = r.meanSpread();
                if (v > 0 && Double.isFinite(v)) {
                    s += Math.log(v);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : Math.exp(s / n);
        }

        /** Mean final test accuracy over the runs that have one. */
        double meanAccuracy() {
            double s = 0;
            int n = 0;
            for (ElrRunData r : runs) {
                double v = r.finalTestAccuracy();
                if (Double.isFinite(v)) {
                    s += v;
                    n++;
                }
            }
            return n == 0 ? Double.NaN : s / n;
        }

        long diverged() {
            return runs.stream().filter(ElrRunData::diverged).count();
        }

        /** Where the first seed's learning rate first reached the target (the end of its warm-up), or -1. */
        long warmupEnd() {
            return runs.get(0).firstStepAtTarget();
        }
    }

    private final List<Group> groups = new ArrayList<>();
    private final double spearman;
    /** Distinct settings a correlation needs [layerwise]. */
    static final int MIN_SETTINGS = 5;
    private final int correlated;
    private final int correlatedRuns;

    TrainabilityAnalysis(Context ctx) {
        super(ctx);
        TreeSet<Integer> depths = new TreeSet<>();
        ctx.runs().forEach(r -> depths.add(r.depth()));
        for (String res : RESIDUALS) {
            for (String w : WARMUPS) {
                for (int d : depths) {
                    List<ElrRunData> in = ctx.runs().stream().filter(r -> r.residual().equals(res) && r.warmup().equals(w) && r.depth() == d).toList();
                    if (!in.isEmpty()) {
                        groups.add(new Group(res, w, d, in));
                    }
                }
            }
        }
        // one point per distinct setting (its seeds' mean ln spread and mean accuracy), never per run; a twin is the same
        // measurement as its original, so a setting whose runs are all twins is not a setting of its own
        List<ElrRunData> distinct = ctx.distinct();
        List<double[]> pairs = new ArrayList<>();
        int runs = 0;
        for (Group g : groups) {
            double ls = 0;
            double acc = 0;
            int n = 0;
            for (ElrRunData r : g.runs()) {
                if (distinct.contains(r) && Double.isFinite(r.meanSpread()) && Double.isFinite(r.finalTestAccuracy())) {
                    ls += Math.log(r.meanSpread());
                    acc += r.finalTestAccuracy();
                    n++;
                }
            }
            if (n > 0) {
                pairs.add(new double[] {ls / n, acc / n});
                runs += n;
            }
        }
        this.correlated = pairs.size();
        this.correlatedRuns = runs;
        this.spearman = pairs.size() >= MIN_SETTINGS ? spearman(pairs) : Double.NaN;
    }

    /** Spearman's rank correlation (average ranks for ties) of the pairs' two coordinates. */
    static double spearman(List<double[]> pairs) {
        return org.layerwise.analysis.RankCorrelation.spearman(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                pairs.stream().mapToDouble(p -> p[1]).toArray());
    }

    static int colour(String residual, String warmup) {
        int r = Math.max(0, RESIDUALS.indexOf(residual));
        int w = Math.max(0, WARMUPS.indexOf(warmup));
        return COLOURS[r][w];
    }

    static String comboName(String residual, String warmup) {
        return residual + ", " + switch (warmup) {
            case "none" -> "no warm-up";
            case "linear" -> "linear warm-up";
            case "elr" -> "ELR warm-up";
            default -> warmup;
        };
    }

    @Override
    int correlationSettings() {
        return correlated;
    }

    /** The number of runs that are a twin of another. */
    private long twins() {
        return ctx.runs().size() - ctx.distinct().size();
    }

    @Override
    void summarise(Map<String, Object> summary) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Group g : groups) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("residual", g.residual());
            m.put("warmup", g.warmup());
            m.put("depth", g.depth());
            m.put("runs", g.runs().size());
            m.put("diverged", g.diverged());
            SummaryValues.put(m, "mean_spread", g.meanSpread(), "no run of the group has a usable spread");
            SummaryValues.put(m, "mean_test_accuracy", g.meanAccuracy(), "no run of the group has a held-out accuracy (diverged or not evaluated yet)");
            SummaryValues.put(m, "lr_at_target_from_step", g.warmupEnd() >= 0 ? g.warmupEnd() : Double.NaN,
                    "the learning rate never reached the target in the recorded steps");
            out.add(m);
        }
        summary.put("groups", out);
        SummaryValues.put(summary, "spearman_mean_spread_vs_accuracy", spearman, correlated < MIN_SETTINGS
                ? "needs at least " + MIN_SETTINGS + " distinct settings (one point each: its seeds' means; twins counted once), has " + correlated
                : "the spreads or the accuracies are all equal");
        summary.put("spearman_settings", correlated);
        summary.put("spearman_runs", correlatedRuns);
    }

    @Override
    String headline() {
        String twinText = twins() > 0 ? ", " + twins() + " twin(s) counted once" : "";
        if (correlated < MIN_SETTINGS) {
            return "mean ELR spread against final test accuracy: " + correlated + " distinct setting(s) (" + ctx.runs().size() + " run(s)"
                    + twinText + "), fewer than the " + MIN_SETTINGS + " a correlation needs: no correlation; the settings are compared below";
        }
        return "mean ELR spread against final test accuracy over " + correlated + " distinct settings (" + ctx.runs().size() + " run(s)" + twinText
                + "): Spearman rank correlation of the setting means " + ElrFigures.num(spearman) + " (negative: higher spread, lower accuracy)";
    }

    @Override
    List<String> evidence() {
        List<String> e = new ArrayList<>();
        for (Group g : groups) {
            List<String> twinned = new ArrayList<>();
            for (ElrRunData r : g.runs()) {
                if (ctx.twinOf(r) != null) {
                    twinned.add(r.spec.id() + " " + ElrAnalysis.twinNote(ctx.twinOf(r)));
                }
            }
            e.add(String.format("%s, depth %d: mean spread %s, test accuracy %s (%d run(s)%s%s)%s", comboName(g.residual(), g.warmup()), g.depth(),
                    ElrFigures.num(g.meanSpread()), ElrFigures.num(g.meanAccuracy()), g.runs().size(),
                    g.diverged() > 0 ? ", " + g.diverged() + " diverged" : "",
                    g.warmup().equals("none") ? "" : g.warmupEnd() >= 0 ? "; at the target lr from step " + g.warmupEnd() : "; below the target lr throughout",
                    twinned.isEmpty() ? "" : ": " + String.join("; ", twinned)));
        }
        return e;
    }

    @Override
    void report(HtmlReport h) {
        h.note(HtmlReport.Source.PAPER, "Figure 5: for the No Short networks in regular training without warm-up, spreads (averaged over the"
                + " training run) are very high and trainability is very low; with skip connections spreads are much lower and the network"
                + " trains. ELR spread correlates with trainability, most clearly for very deep networks without skip connections.");
        h.note(HtmlReport.Source.DERIVED, "The ELR warm-up: η_t = min(η_target, η_crit,t) with η_crit,t = η_t/√(e_max e_min) from the ELRs"
                + " just measured; it ends by itself once the critical LR exceeds the target. The paper states that a hyper-parameter-free"
                + " warm-up minimizes the spread quickly [paper]; this rule is the toolkit's derivation of it.");
        h.section("Spread against trainability (Figure 5 analogue)");
        // each run's mean spread (steps.csv log_spread) and final accuracy (result.json, else eval.csv), as summary.json lists them
        List<Path> perRun = ctx.summaryOr(ElrRunData.files(ctx.runs(), ElrProbe.STEPS, RunFolder.RESULT, ElrProbe.EVAL));
        h.figure(scatter().saveFigure(ctx.plots(), "trainability_scatter"),
                "One dot per run: the ELR spread averaged over training (exp of the mean ln S) against the final held-out accuracy."
                        + " Colour: residual connections (blue family: short; red family: no-short) and warm-up. Depths: the table below"
                        + (depths().size() > 1 ? " and the charts against depth." : ".")
                        + (twins() > 0 ? " A twin (identical recorded metrics) sits exactly on its original's dot; the correlation counts it once." : ""),
                perRun);
        groupTable(h);
        if (depths().size() > 1) {
            h.figure(byDepth(true).saveFigure(ctx.plots(), "trainability_spread_vs_depth"), "Mean ELR spread against depth, one line per"
                    + " residual x warm-up combination (geometric mean over seeds).", perRun);
            h.figure(byDepth(false).saveFigure(ctx.plots(), "trainability_accuracy_vs_depth"), "Final held-out accuracy against depth, one"
                    + " line per residual x warm-up combination (mean over seeds).", perRun);
        }
        for (int d : depths()) {
            List<ElrRunData> runs = firstSeeds(d);
            List<String> names = new ArrayList<>();
            List<Integer> colours = new ArrayList<>();
            Chart spread = ElrFigures.spreadChart("ELR spread over training, depth " + d, "one line per residual x warm-up (first seed)");
            for (ElrRunData r : runs) {
                String name = comboName(r.residual(), r.warmup());
                names.add(name);
                colours.add(colour(r.residual(), r.warmup()));
                ElrFigures.spreadLine(spread, r, name, colour(r.residual(), r.warmup()));
            }
            h.section("Over training, depth " + d);
            h.figure(spread.saveFigure(ctx.plots(), "spread_d" + d), "The ELR spread at every recorded step of each run of depth " + d + ". Runs that trained"
                    + " alike (an ELR warm-up whose critical LR exceeded the target from the start is no warm-up) draw over each other.",
                    ElrRunData.files(runs, ElrProbe.STEPS));
            h.figure(ElrFigures.lrRatioChart("Learning rate relative to the predicted critical LR, depth " + d, runs, names, colours)
                            .saveFigure(ctx.plots(), "lr_over_critical_d" + d),
                    "The learning rate used divided by the critical LR predicted from the same step's ELRs. The ELR warm-up keeps it at or below 1"
                            + " until the target is reached.", ElrRunData.files(runs, ElrProbe.STEPS));
        }
        h.section("Per-layer ELRs of every run");
        double[] range = ElrFigures.sharedElrRange(ctx.runs());
        for (ElrRunData r : ctx.runs()) {
            String twin = ctx.twinOf(r);
            h.figure(ElrFigures.elrHeatmap(r, range, ctx.plots(), "elr_heatmap_" + r.spec.id()), r.label() + ": ELR of every normalized layer"
                    + " (rows, layer 1 = the stem) at every recorded step; colours on a log scale shared by every run of the study."
                    + (twin == null ? "" : " This run is a " + ElrAnalysis.twinNote(twin) + ": the same map."), r.heatmapFiles("elr"));
        }
    }

    private List<Integer> depths() {
        TreeSet<Integer> d = new TreeSet<>();
        groups.forEach(g -> d.add(g.depth()));
        return new ArrayList<>(d);
    }

    private List<ElrRunData> firstSeeds(int depth) {
        List<ElrRunData> out = new ArrayList<>();
        for (Group g : groups) {
            if (g.depth() == depth) {
                out.add(g.runs().get(0));
            }
        }
        return out;
    }

    private Chart scatter() {
        long undrawn = ctx.runs().stream().filter(r -> !(r.meanSpread() > 0) || !Double.isFinite(r.finalTestAccuracy())).count();
        Chart c = new Chart("Mean ELR spread against final test accuracy", "one dot per run; colour: residual connections and warm-up"
                + (undrawn > 0 ? "; " + undrawn + " run(s) without a spread or a test accuracy (diverged, or not evaluated yet) not drawn" : ""),
                "mean ELR spread over training", "final held-out accuracy", true, false);
        for (String res : RESIDUALS) {
            for (String w : WARMUPS) {
                List<ElrRunData> in = ctx.runs().stream().filter(r -> r.residual().equals(res) && r.warmup().equals(w)).toList();
                if (in.isEmpty()) {
                    continue;
                }
                double[] x = new double[in.size()];
                double[] y = new double[in.size()];
                TreeSet<Integer> d = new TreeSet<>();
                for (int i = 0; i < in.size(); i++) {
                    x[i] = in.get(i).meanSpread();
                    y[i] = in.get(i).finalTestAccuracy();
                    d.add(in.get(i).depth());
                }
                c.points(comboName(res, w) + (depths().size() > 1 ? " (depths " + joined(d) + ")" : ", depth " + d.first()), x, y, colour(res, w));
            }
        }
        return c;
    }

    private static String joined(TreeSet<Integer> d) {
        List<String> s = new ArrayList<>();
        d.forEach(x -> s.add(Integer.toString(x)));
        return String.join(", ", s);
    }

    private Chart byDepth(boolean spread) {
        Chart c = new Chart(spread ? "Mean ELR spread against depth" : "Final held-out accuracy against depth",
                "one line per residual x warm-up combination", "depth", spread ? "mean ELR spread over training" : "final held-out accuracy",
                true, spread);
        c.ticksX(depths().stream().mapToDouble(Integer::doubleValue).toArray());
        for (String res : RESIDUALS) {
            for (String w : WARMUPS) {
                List<Group> in = groups.stream().filter(g -> g.residual().equals(res) && g.warmup().equals(w)).toList();
                if (in.isEmpty()) {
                    continue;
                }
                double[] x = new double[in.size()];
                double[] y = new double[in.size()];
                for (int i = 0; i < in.size(); i++) {
                    x[i] = in.get(i).depth();
                    y[i] = spread ? in.get(i).meanSpread() : in.get(i).meanAccuracy();
                }
                c.add(new Chart.Series(comboName(res, w), x, y, true, true, colour(res, w)));
            }
        }
        return c;
    }

    private void groupTable(HtmlReport h) {
        HtmlReport.Table t = new HtmlReport.Table("residual", "warm-up", "depth", "runs", "mean spread", "test accuracy", "diverged",
                "lr at target from step");
        for (Group g : groups) {
            t.row(g.residual(), g.warmup(), g.depth(), g.runs().size(), g.meanSpread(), g.meanAccuracy(), g.diverged(),
                    g.warmupEnd() >= 0 ? (Object) g.warmupEnd() : "never");
        }
        h.paragraph("Grouped by residual connections, warm-up and depth: mean spread is the geometric mean over seeds of each run's"
                + " exp(mean ln S); test accuracy the mean over seeds of the last held-out accuracy. Spearman rank correlation of mean spread and"
                + " accuracy over the distinct settings (one point per setting, twins once; at least " + MIN_SETTINGS + "): " + ElrFigures.num(spearman) + " (" + correlated + " settings). Last column: the first recorded step"
                + " whose learning rate reached the target, where a warm-up ended (first seed).");
        h.table(t);
    }
}
