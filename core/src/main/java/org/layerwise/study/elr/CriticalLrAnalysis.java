package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.elr.CriticalLr;
import org.layerwise.report.Chart;
import org.layerwise.report.HtmlReport;

/**
 * {@code elr critical-lr} (design note §5.2): at chosen steps of a run, a grid of learning rates was
 * tried from the same state and batch (critical_lr.csv, critical_lr_elr_before/after.npy). Per
 * at-step, the empirical critical LRs ({@link CriticalLr#fromGrid}: swap boundary of the extreme
 * layers, fastest spread decay, largest non-widening) against the predicted one, in a table and two
 * plots, and the predicted critical LR over the whole run beside the learning rate used.
 */
final class CriticalLrAnalysis extends ElrStudyAnalysis {
    /** The analysed grid at one step of one run. */
    record AtStep(ElrRunData run, long atStep, double predicted, int steps, CriticalLr.Grid grid) {
        /** empirical / predicted, NaN when the estimate was not found. */
        double ratio(CriticalLr.Estimate e) {
            return e.found() ? e.lr() / predicted : Double.NaN;
        }
    }

    private final List<AtStep> grids = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    CriticalLrAnalysis(Context ctx) {
        super(ctx);
        for (ElrRunData r : ctx.runs()) {
            Map<Long, List<ElrRunData.GridRow>> byStep = new LinkedHashMap<>();
            for (ElrRunData.GridRow g : r.criticalLrGrid()) {
                byStep.computeIfAbsent(g.atStep(), k -> new ArrayList<>()).add(g);
            }
            for (Map.Entry<Long, List<ElrRunData.GridRow>> e : byStep.entrySet()) {
                List<CriticalLr.Candidate> cands = new ArrayList<>();
                for (ElrRunData.GridRow g : e.getValue()) {
                    cands.add(CriticalLr.Candidate.of(g.lr(), g.elrBefore(), g.elrAfter()));
                }
                ElrRunData.GridRow first = e.getValue().get(0);
                try {
                    grids.add(new AtStep(r, e.getKey(), first.predicted(), first.steps(), CriticalLr.fromGrid(cands, first.steps())));
                } catch (IllegalArgumentException ex) {
                    problems.add(r.spec.id() + ", step " + e.getKey() + ": " + ex.getMessage());
                }
            }
        }
    }

    List<AtStep> grids() {
        return grids;
    }

    @Override
    void summarise(Map<String, Object> summary) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AtStep a : grids) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", a.run().spec.id());
            m.put("at_step", a.atStep());
            m.put("grid_steps", a.steps());
            m.put("candidates", a.grid().lrs().length);
            SummaryValues.put(m, "predicted", a.predicted(), "no layer had a usable ELR at this step");
            m.put("swap_boundary", estimate(a, a.grid().swapBoundary()));
            m.put("fastest_decay", estimate(a, a.grid().fastestDecay()));
            m.put("no_widening", estimate(a, a.grid().noWidening()));
            out.add(m);
        }
        summary.put("grids", out);
        summary.put("grid_problems", problems);
    }

    private static Map<String, Object> estimate(AtStep a, CriticalLr.Estimate e) {
        Map<String, Object> m = new LinkedHashMap<>();
        SummaryValues.put(m, "lr", e.lr(), e.reason());
        SummaryValues.put(m, "ratio_to_predicted", a.ratio(e), e.found() ? "the predicted critical LR is not a number" : e.reason());
        m.put("reason", e.reason());
        return m;
    }

    @Override
    String headline() {
        if (grids.isEmpty()) {
            return ctx.live() ? "no learning-rate grid measured yet" : "no learning-rate grid in the runs";
        }
        return "empirical critical LR / predicted, median over " + grids.size() + " grid(s): swap boundary " + times(medianRatio(0))
                + ", fastest spread decay " + times(medianRatio(1)) + ", largest non-widening " + times(medianRatio(2));
    }

    private static String times(double ratio) {
        return Double.isFinite(ratio) ? String.format(java.util.Locale.ROOT, "×%.2f", ratio) : "none found";
    }

    /** A reason of {@link CriticalLr} with its long decimals cut to 3 significant digits, for a table. */
    static String tidy(String reason) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+\\.\\d{5,}(E-?\\d+)?").matcher(reason);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, String.format(java.util.Locale.ROOT, "%.3g", Double.parseDouble(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private double medianRatio(int which) {
        List<Double> v = new ArrayList<>();
        for (AtStep a : grids) {
            double r = a.ratio(which == 0 ? a.grid().swapBoundary() : which == 1 ? a.grid().fastestDecay() : a.grid().noWidening());
            if (Double.isFinite(r)) {
                v.add(r);
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(Double::compare);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : 0.5 * (v.get(n / 2 - 1) + v.get(n / 2));
    }

    @Override
    List<String> evidence() {
        List<String> e = new ArrayList<>();
        for (AtStep a : grids) {
            e.add(String.format("%s, step %d: predicted %s; swap boundary %s, fastest decay %s, largest non-widening %s", a.run().spec.id(),
                    a.atStep(), ElrFigures.num(a.predicted()), ElrFigures.num(a.grid().swapBoundary().lr()),
                    ElrFigures.num(a.grid().fastestDecay().lr()), ElrFigures.num(a.grid().noWidening().lr())));
        }
        e.addAll(problems);
        return e;
    }

    @Override
    void report(HtmlReport h) {
        h.note(HtmlReport.Source.PAPER, "A critical learning rate that depends only on the current ELRs separates the regime where ELR"
                + " disparities shrink from the one where they widen; the paper compares its predicted value with an empirical one extracted"
                + " from real training runs.");
        h.note(HtmlReport.Source.DERIVED, "Predicted: a step at η' = kη scales every ELR by k; by e' = e/(1 + e²) the extreme layers keep their"
                + " order iff k² e_max e_min ≤ 1, so η_crit = η/√(e_max e_min). Empirical, from the same state and batch for every candidate rate:"
                + " the swap boundary (largest rate whose extreme layers keep their order), the rate of fastest spread decay, and the largest"
                + " rate that does not widen the spread (design note §3, §5.2; these rules are this toolkit's reading, not the paper's).");
        h.section("Empirical against predicted critical learning rates");
        if (grids.isEmpty()) {
            h.paragraph(ctx.live() ? "No grid has been measured yet (the grid is tried at the steps set by at-steps; its table is written at"
                    + " checkpoints and at the end of the run)." : "The runs hold no critical_lr.csv.");
        } else {
            gridTable(h);
            h.figure(changeChart().saveFigure(ctx.plots(), "critical_lr_spread_change"),
                    "Change of ln S per step after the candidate rate's steps, against the candidate rate, for each step the grid was tried at"
                            + " (one colour each); the vertical line of the same colour is the predicted critical LR. Below 0 the spread shrinks.");
            h.figure(predictedVsEmpiricalChart().saveFigure(ctx.plots(), "critical_lr_predicted_vs_empirical"),
                    "Each empirical critical LR against the predicted one at the same step; on the diagonal they agree. Estimates that were not"
                            + " found (every candidate swapped, or none reduced the spread) are not drawn; the table says why.");
        }
        for (String p : problems) {
            h.paragraph("Not analysed: " + p);
        }
        double[] range = ElrFigures.sharedElrRange(ctx.runs());
        for (ElrRunData r : ctx.runs()) {
            String id = r.spec.id();
            h.section("The run the grids were taken from: " + id);
            Chart lr = ElrFigures.lrChart(r);
            List<AtStep> own = grids.stream().filter(a -> a.run() == r).toList();
            if (!own.isEmpty()) {
                lr.points("grid tried here (its predicted critical LR)", own.stream().mapToDouble(a -> a.atStep()).toArray(),
                        own.stream().mapToDouble(AtStep::predicted).toArray(), 2);
            }
            h.figure(lr.saveFigure(ctx.plots(), "lr_vs_critical_" + id),
                    "The learning rate used in training beside the critical LR predicted at every recorded step (steps.csv); dots: the steps"
                            + " the grid of rates was tried at.");
            Chart spread = ElrFigures.spreadChart("ELR spread over training: " + id, "S = max e / min e over the normalized layers");
            ElrFigures.spreadLine(spread, r, "spread S (measured)", 0);
            h.figure(spread.saveFigure(ctx.plots(), "spread_" + id), "The ELR spread of the training run.");
            h.figure(ElrFigures.elrHeatmap(r, range, ctx.plots(), "elr_heatmap_" + id),
                    "ELR e_l of every normalized layer (rows, layer 1 = the stem at the bottom) at every recorded step; colours on a log scale.");
        }
    }

    private void gridTable(HtmlReport h) {
        HtmlReport.Table t = new HtmlReport.Table("run", "at step", "candidates", "predicted", "swap boundary", "× predicted", "fastest decay",
                "× predicted", "no widening", "× predicted");
        for (AtStep a : grids) {
            CriticalLr.Grid g = a.grid();
            t.row(a.run().spec.id(), a.atStep(), g.lrs().length, a.predicted(), g.swapBoundary().lr(), a.ratio(g.swapBoundary()),
                    g.fastestDecay().lr(), a.ratio(g.fastestDecay()), g.noWidening().lr(), a.ratio(g.noWidening()));
        }
        h.table(t);
        HtmlReport.Table why = new HtmlReport.Table("run", "at step", "swap boundary", "fastest decay", "no widening");
        for (AtStep a : grids) {
            why.row(a.run().spec.id(), a.atStep(), tidy(a.grid().swapBoundary().reason()), tidy(a.grid().fastestDecay().reason()),
                    tidy(a.grid().noWidening().reason()));
        }
        h.paragraph("How each estimate was found:");
        h.table(why);
    }

    private Chart changeChart() {
        Chart c = new Chart("Spread change per step against the candidate learning rate",
                "from the same state and batch at each step; vertical lines: predicted critical LR", "candidate learning rate",
                "change of ln S per step", true, false).horizontal("no change", 0);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (AtStep a : grids) {
            for (double v : a.grid().logSpreadChangePerStep()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) {
            lo = -1;
            hi = 1;
        }
        lo = Math.min(lo, 0);
        hi = Math.max(hi, 0);
        for (int i = 0; i < grids.size(); i++) {
            AtStep a = grids.get(i);
            String name = (ctx.runs().size() > 1 ? a.run().spec.id() + ", " : "") + "step " + a.atStep();
            c.add(new Chart.Series(name + ": measured", a.grid().lrs(), a.grid().logSpreadChangePerStep(), true, true, i));
            if (Double.isFinite(a.predicted()) && a.predicted() > 0) {
                ElrFigures.vertical(c, name + ": predicted critical LR", a.predicted(), lo, hi, i);
            }
        }
        return c;
    }

    private Chart predictedVsEmpiricalChart() {
        Chart c = new Chart("Empirical against predicted critical learning rate", "one point per grid and rule; diagonal: empirical = predicted",
                "predicted critical LR", "empirical critical LR", true, true);
        String[] names = {"swap boundary of the extreme layers", "fastest spread decay", "largest rate that does not widen the spread"};
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int rule = 0; rule < 3; rule++) {
            double[] x = new double[grids.size()];
            double[] y = new double[grids.size()];
            for (int i = 0; i < grids.size(); i++) {
                AtStep a = grids.get(i);
                CriticalLr.Grid g = a.grid();
                x[i] = a.predicted();
                y[i] = (rule == 0 ? g.swapBoundary() : rule == 1 ? g.fastestDecay() : g.noWidening()).lr();
                for (double v : new double[] {x[i], y[i], g.lrs()[0], g.lrs()[g.lrs().length - 1]}) {
                    if (v > 0 && Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            c.points(names[rule], x, y, rule);
        }
        if (lo < hi) {
            c.line("empirical = predicted", new double[] {lo, hi}, new double[] {lo, hi}, 7);
        }
        return c;
    }
}
