package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.elr.ElrModel;
import org.layerwise.report.Chart;
import org.layerwise.report.HtmlReport;
import org.layerwise.train.ElrProbe;

/**
 * {@code elr constant-lr} (design note §5.4): under any constant learning rate the ELR ratios between
 * layers converge to 1 [paper]. Per constant rate: the spread over the steps (log axis) as measured and
 * as the model predicts it, replayed (a) with the measured base gradients and (b) with them frozen at
 * their mean over the first {@link #FREEZE_AFTER} recorded steps (the model's prediction proper,
 * e' = e/(1 + e²) [derived]); and the final / initial spread ratio per rate.
 */
final class ConstantLrAnalysis extends ElrStudyAnalysis {
    /** Recorded steps whose mean base gradient replay (b) holds (the model-check study's default). */
    static final int FREEZE_AFTER = 20;

    /** One run and its two replays (null with the reason when the model could not be replayed). */
    private record PerLr(ElrRunData run, ModelReplay.Prediction measured, ModelReplay.Prediction frozen, String whyNot) {
        double ratio() {
            return run.finalSpread() / run.initialSpread();
        }

        static double ratio(ModelReplay.Prediction p) {
            return p == null ? Double.NaN : p.spread()[p.spread().length - 1] / p.spread()[0];
        }
    }

    private final ElrModel model;
    private final List<PerLr> runs = new ArrayList<>();

    ConstantLrAnalysis(Context ctx) {
        super(ctx);
        this.model = ElrModel.of(ctx.config().momentum(), ctx.config().weightDecay());
        List<ElrRunData> sorted = new ArrayList<>(ctx.runs());
        sorted.sort((a, b) -> Double.compare(a.targetLr(), b.targetLr()));
        for (ElrRunData r : sorted) {
            try {
                runs.add(new PerLr(r, ModelReplay.measuredC(r, model), ModelReplay.frozenC(r, model, FREEZE_AFTER), null));
            } catch (IllegalArgumentException e) {
                runs.add(new PerLr(r, null, null, "the model cannot be replayed: " + e.getMessage()));
            }
        }
    }

    @Override
    void summarise(Map<String, Object> summary) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PerLr p : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", p.run().spec.id());
            SummaryValues.put(m, "lr", p.run().targetLr(), "no learning rate in the run's settings");
            m.put("first_step", (long) p.run().step[0]);
            m.put("last_step", (long) p.run().step[p.run().rows() - 1]);
            String noSpread = "the spread is not a number at the first or last recorded step";
            SummaryValues.put(m, "initial_spread", p.run().initialSpread(), noSpread);
            SummaryValues.put(m, "final_spread", p.run().finalSpread(), noSpread);
            SummaryValues.put(m, "final_over_initial", p.ratio(), noSpread);
            SummaryValues.put(m, "model_measured_c_final_over_initial", PerLr.ratio(p.measured()), p.whyNot() != null ? p.whyNot() : noSpread);
            SummaryValues.put(m, "model_frozen_c_final_over_initial", PerLr.ratio(p.frozen()), p.whyNot() != null ? p.whyNot() : noSpread);
            out.add(m);
        }
        summary.put("constant_lrs", out);
        summary.put("freeze_after", FREEZE_AFTER);
        summary.put("model_assumptions", model.assumptions());
    }

    @Override
    String headline() {
        List<String> parts = new ArrayList<>();
        for (PerLr p : runs) {
            parts.add("lr " + ElrFigures.num(p.run().targetLr()) + ": " + ElrFigures.num(p.ratio()));
        }
        return "final / initial ELR spread per constant learning rate: " + String.join("; ", parts);
    }

    @Override
    List<String> evidence() {
        List<String> e = new ArrayList<>();
        for (PerLr p : runs) {
            e.add(String.format("%s (lr %s): spread %s → %s over steps %d to %d (ratio %s); model with measured c: ratio %s; with c frozen after %d"
                    + " steps: ratio %s", p.run().spec.id(), ElrFigures.num(p.run().targetLr()), ElrFigures.num(p.run().initialSpread()),
                    ElrFigures.num(p.run().finalSpread()), (long) p.run().step[0], (long) p.run().step[p.run().rows() - 1],
                    ElrFigures.num(p.ratio()), ElrFigures.num(PerLr.ratio(p.measured())), FREEZE_AFTER, ElrFigures.num(PerLr.ratio(p.frozen()))));
        }
        return e;
    }

    @Override
    void report(HtmlReport h) {
        h.note(HtmlReport.Source.PAPER, "With any constant learning rate, ELR ratios between layers converge to 1, despite the initial gradient"
                + " explosion.");
        h.note(HtmlReport.Source.DERIVED, "With base gradients constant, e' = e/(1 + e²); in log space x' = x − ln(1 + e^{2x}) has slope −tanh x,"
                + " a strict contraction, so every ratio e_l/e_k → 1 under a constant rate (continuous limit de/dt = −e³). Replay (a) uses the"
                + " measured c (it reproduces the run); replay (b) holds c at its mean over the first " + FREEZE_AFTER + " recorded steps.");
        h.section("Spread under constant learning rates");
        List<ElrRunData> rs = runs.stream().map(PerLr::run).toList();
        // measured: steps.csv spread; the replays start from the measured norms and step with the measured c and the lr of lr.npy
        List<Path> replayed = ElrRunData.files(rs, ElrProbe.STEPS, "sigma.npy", "base_gradient.npy", "lr.npy");
        h.figure(spreadChart(true).saveFigure(ctx.plots(), "constant_lr_spread_measured_c"),
                "ELR spread over the steps, one colour per constant learning rate: measured (lines) and replay (a), the model with the measured"
                        + " base gradients (dots).", replayed);
        h.figure(spreadChart(false).saveFigure(ctx.plots(), "constant_lr_spread_frozen_c"),
                "The same measured spreads (lines) beside replay (b), the model with base gradients frozen after " + FREEZE_AFTER
                        + " recorded steps (dots): the model's own prediction of the convergence.", replayed);
        h.figure(ratioChart().saveFigure(ctx.plots(), "constant_lr_spread_ratio"),
                "Final / initial spread per constant learning rate: measured and both replays. Below 1 the layers' ELRs came closer together."
                        + " Replay (a) reproduces the measurement, so its dots lie under the measured ones.", ctx.summaryOr(replayed));
        HtmlReport.Table t = new HtmlReport.Table("run", "lr", "initial spread", "final spread", "final / initial", "model (a)", "model (b)");
        for (PerLr p : runs) {
            t.row(p.run().spec.id(), p.run().targetLr(), p.run().initialSpread(), p.run().finalSpread(), p.ratio(), PerLr.ratio(p.measured()),
                    PerLr.ratio(p.frozen()));
        }
        h.paragraph("Model (a): replay with the measured base gradients; model (b): with base gradients frozen after " + FREEZE_AFTER
                + " recorded steps. Both start from the measured initial weight norms and use the learning rates of lr.npy.");
        h.table(t);
        List<String> names = rs.stream().map(r -> "lr " + ElrFigures.num(r.targetLr())).toList();
        List<Integer> colours = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            colours.add(i);
        }
        h.figure(ElrFigures.lrRatioChart("Learning rate relative to the predicted critical LR", rs, names, colours)
                        .saveFigure(ctx.plots(), "lr_over_critical"),
                "Each constant rate divided by the critical LR predicted from the ELRs of the step: as the ELRs shrink, the critical LR grows.",
                ElrRunData.files(rs, ElrProbe.STEPS));
        h.section("Per-layer ELRs of every run");
        double[] range = ElrFigures.sharedElrRange(ctx.runs());
        for (PerLr p : runs) {
            h.figure(ElrFigures.elrHeatmap(p.run(), range, ctx.plots(), "elr_heatmap_" + p.run().spec.id()),
                    "Constant lr " + ElrFigures.num(p.run().targetLr()) + ": ELR of every normalized layer (rows, layer 1 = the stem) at every"
                            + " recorded step; colours on a log scale shared by every run of the study.", p.run().heatmapFiles("elr"));
        }
    }

    private Chart spreadChart(boolean measuredC) {
        Chart c = ElrFigures.spreadChart("ELR spread under constant learning rates: measured and " + (measuredC ? "replay (a)" : "replay (b)"),
                "lines: measured; dots: the model " + (measuredC ? "with the measured base gradients" : "with base gradients frozen after "
                        + FREEZE_AFTER + " recorded steps"));
        for (int i = 0; i < runs.size(); i++) {
            PerLr p = runs.get(i);
            String lr = "lr " + ElrFigures.num(p.run().targetLr());
            ElrFigures.spreadLine(c, p.run(), lr + ": measured", i);
            ModelReplay.Prediction q = measuredC ? p.measured() : p.frozen();
            if (q != null) {
                ElrFigures.dots(c, lr + ": model " + (measuredC ? "(a)" : "(b)"), p.run().step, q.spread(), i);
            }
        }
        return c;
    }

    private Chart ratioChart() {
        Chart c = new Chart("Final / initial ELR spread against the constant learning rate", "1: no change; below 1: ratios move toward 1",
                "learning rate", "final spread / initial spread", true, true).horizontal("no change", 1.0);
        int n = runs.size();
        double[] lr = new double[n];
        double[] measured = new double[n];
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            PerLr p = runs.get(i);
            lr[i] = p.run().targetLr();
            measured[i] = p.ratio();
            a[i] = PerLr.ratio(p.measured());
            b[i] = PerLr.ratio(p.frozen());
        }
        c.add(new Chart.Series("measured", lr, measured, true, true, 0));
        c.points("model (a), measured c", lr, a, 1);
        c.points("model (b), c frozen after " + FREEZE_AFTER + " steps", lr, b, 2);
        double[] ticks = lr.clone();
        c.ticksX(ticks);
        return c;
    }
}
