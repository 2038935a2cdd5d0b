package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.elr.ElrModel;
import org.layerwise.report.Chart;
import org.layerwise.report.HtmlReport;
import org.layerwise.train.ElrProbe;

/**
 * {@code elr model-check} (design note §5.1): is the deterministic model predictive? For each run the
 * model is replayed from the measured initial weight norms and the learning rates actually used, (a)
 * with the measured base gradients c_{l,t} and (b) with c frozen at its mean over the first k recorded
 * steps (setting {@code freeze-after}); Algorithm 1's random walk runs beside them with the measured c.
 * Reported: predicted against measured sigma_{l,t} and e_{l,t} for a few layers, the predicted and
 * measured spread, and the relative error over time (median and maximum over the layers).
 */
final class ModelCheckAnalysis extends ElrStudyAnalysis {
    /** Below this many element-steps a live preview simulates every layer of the random walk, beyond it the plotted ones. */
    private static final double LIVE_WALK_BUDGET = 2e8;

    private final ElrModel model;
    private final int freezeAfter;
    private final List<Replays> replays = new ArrayList<>();

    /** The replays of one run; a missing one is null with its reason. */
    private record Replays(ElrRunData run, ModelReplay.Prediction measured, ModelReplay.Prediction frozen, ModelReplay.Prediction walk,
                           String whyNoModel, String whyNoWalk) {
    }

    ModelCheckAnalysis(Context ctx) {
        this(ctx, ElrModel.of(ctx.config().momentum(), ctx.config().weightDecay()), freezeAfter(ctx.config()));
    }

    /** The model check with the model and k given, not read from a study's settings (runs recorded elsewhere: {@code elr analyze}). */
    ModelCheckAnalysis(Context ctx, ElrModel model, int freezeAfter) {
        super(ctx);
        this.model = model;
        this.freezeAfter = freezeAfter;
        for (ElrRunData r : ctx.runs()) {
            replays.add(replay(r));
        }
    }

    private static int freezeAfter(ElrConfig c) {
        Object k = c.raw("freeze-after");
        return k instanceof Number n ? n.intValue() : 20;
    }

    /** Why the model could not be replayed on the first run, or null when it was. */
    String whyNoModel() {
        return replays.isEmpty() ? "no run" : replays.get(0).whyNoModel();
    }

    private Replays replay(ElrRunData r) {
        ModelReplay.Prediction a;
        ModelReplay.Prediction b;
        try {
            a = ModelReplay.measuredC(r, model);
            b = ModelReplay.frozenC(r, model, freezeAfter);
        } catch (IllegalArgumentException e) {
            return new Replays(r, null, null, null, "the model cannot be replayed: " + e.getMessage(), "the model cannot be replayed");
        }
        if (model.momentum() != 0 || model.weightDecay() != 0) {
            return new Replays(r, a, b, null, null, "Algorithm 1 models plain SGD; this study used momentum or weight decay");
        }
        ModelReplay.Prediction w = ModelReplay.randomWalk(r, ElrFigures.pickedLayers(r), r.seed() + 1,
                ctx.live() ? LIVE_WALK_BUDGET : ModelReplay.RANDOM_WALK_BUDGET);
        return new Replays(r, a, b, w, null, null);
    }

    @Override
    void summarise(Map<String, Object> summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("momentum", model.momentum());
        m.put("weight_decay", model.weightDecay());
        m.put("exact_given_measured_c", model.exact());
        m.put("assumptions", model.assumptions());
        summary.put("model", m);
        summary.put("freeze_after", freezeAfter);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Replays p : replays) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run", p.run().spec.id());
            SummaryValues.putObject(row, "measured_c", prediction(p.measured()), p.whyNoModel());
            SummaryValues.putObject(row, "frozen_c", prediction(p.frozen()), p.whyNoModel());
            SummaryValues.putObject(row, "random_walk", prediction(p.walk()), p.whyNoWalk());
            out.add(row);
        }
        summary.put("replays", out);
    }

    private static Map<String, Object> prediction(ModelReplay.Prediction p) {
        if (p == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("description", p.name());
        m.put("sigma_relative_error", errors(p.sigmaError()));
        m.put("elr_relative_error", errors(p.elrError()));
        SummaryValues.put(m, "final_spread", p.spread()[p.spread().length - 1], "no layer had a usable predicted ELR at the last step");
        m.put("layers_simulated", p.simulated().length);
        m.put("assumptions", p.assumptions());
        return m;
    }

    private static Map<String, Object> errors(ModelReplay.ErrorCurve e) {
        Map<String, Object> m = new LinkedHashMap<>();
        String why = "no recorded step after the first with a usable measured and predicted value";
        SummaryValues.put(m, "final_median", e.finalMedian(), why);
        SummaryValues.put(m, "final_max", e.finalMax(), why);
        SummaryValues.put(m, "worst", e.worst(), why);
        return m;
    }

    private static double[] divided(double[] a, double by) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / by;
        }
        return out;
    }

    @Override
    String headline() {
        Replays p = replays.get(0);
        if (p.measured() == null) {
            return p.whyNoModel();
        }
        return String.format("predicted ELRs off by %s (measured c) and %s (c frozen after %d recorded steps) at the last step, median relative"
                + " error over layers", ElrFigures.num(p.measured().elrError().finalMedian()), ElrFigures.num(p.frozen().elrError().finalMedian()),
                freezeAfter);
    }

    @Override
    List<String> evidence() {
        List<String> e = new ArrayList<>();
        for (Replays p : replays) {
            String id = p.run().spec.id();
            if (p.measured() == null) {
                e.add(id + ": " + p.whyNoModel());
                continue;
            }
            for (ModelReplay.Prediction q : new ModelReplay.Prediction[] {p.measured(), p.frozen(), p.walk()}) {
                if (q != null) {
                    e.add(String.format("%s, %s: relative error at the last step, median (max) over layers: sigma %s (%s), e %s (%s)", id, q.name(),
                            ElrFigures.num(q.sigmaError().finalMedian()), ElrFigures.num(q.sigmaError().finalMax()),
                            ElrFigures.num(q.elrError().finalMedian()), ElrFigures.num(q.elrError().finalMax())));
                }
            }
            if (p.walk() == null) {
                e.add(id + ": no random walk: " + p.whyNoWalk());
            }
        }
        return e;
    }

    @Override
    void report(HtmlReport h) {
        notes(h);
        double[] range = ElrFigures.sharedElrRange(ctx.runs());
        for (Replays p : replays) {
            ElrRunData r = p.run();
            String id = r.spec.id();
            predicted(h, p);
            h.section("Per-layer ELRs and the learning rate: " + id);
            h.figure(ElrFigures.elrHeatmap(r, range, ctx.plots(), "elr_heatmap_" + id),
                    "ELR e_l of every normalized layer (rows, layer 1 = the stem at the bottom) at every recorded step; colours on a log scale.",
                    r.heatmapFiles("elr"));
            h.figure(ElrFigures.lrChart(r).saveFigure(ctx.plots(), "lr_vs_critical_" + id),
                    "The learning rate of every step (what every replay uses, from lr.npy) beside the critical LR predicted from that step's ELRs.",
                    r.files(ElrProbe.STEPS, "lr.npy"));
        }
    }

    /** The model's notes and, per run, the replays against the measurements, without the heatmaps (what {@code elr analyze} adds to its own figures). */
    void reportReplays(HtmlReport h) {
        notes(h);
        for (Replays p : replays) {
            predicted(h, p);
        }
    }

    private void predicted(HtmlReport h, Replays p) {
        h.section("Predicted against measured: " + p.run().spec.id());
        if (p.measured() == null) {
            h.paragraph(p.whyNoModel());
        } else {
            replayFigures(h, p);
        }
    }

    private void notes(HtmlReport h) {
        h.note(HtmlReport.Source.PAPER, "The paper first checks the limitations of the assumption of constant base gradients, then validates"
                + " the predictivity of its model.");
        h.note(HtmlReport.Source.DERIVED, "Scale invariance gives <w, g> = 0, hence for plain SGD exactly σ'² = σ² + η²‖g‖² = σ²(1 + e²)."
                + " Replay (a) feeds the measured c_{l,t} = σ‖g‖ into this recursion: it reproduces the run up to the float32 precision of the"
                + " files (and, with momentum, up to the approximation listed below). Replay (b) holds c at its mean over the first "
                + freezeAfter + " recorded steps: then e' = e/(1 + e²), the model's prediction proper.");
        h.note(HtmlReport.Source.DERIVED, "Algorithm 1 (\"Random Walk\") [paper: its name and that e_l is the number of elements of W_l]: the"
                + " form implied by the paper's notation, since its full text is not available offline: per layer a vector of n_l elements started"
                + " at the measured norm; each step a Gaussian direction with its component along w removed, scaled to ‖g‖ = c_{l,t}/‖w‖;"
                + " w ← w − η g.");
        h.paragraph("What the predictions rest on (ElrModel.assumptions()):");
        h.pre(String.join("\n", model.assumptions()));
    }

    private void replayFigures(HtmlReport h, Replays p) {
        ElrRunData r = p.run();
        String id = r.spec.id();
        int[] picked = ElrFigures.pickedLayers(r);
        List<ModelReplay.Prediction> preds = new ArrayList<>(List.of(p.measured(), p.frozen()));
        if (p.walk() != null) {
            preds.add(p.walk());
        }
        String[] tags = {"(a)", "(b)", "(c)"};
        HtmlReport.Table layers = new HtmlReport.Table("layer", "tensor", "elements");
        for (int l : picked) {
            layers.row(ElrFigures.layerLabel(r, l), r.layers.get(l), r.sizes[l]);
        }
        h.paragraph("The layers followed one by one (the first, middle and last normalized layer and the two extreme ones at the start):");
        h.table(layers);
        for (String q : new String[] {"sigma", "elr"}) {
            boolean norm = q.equals("sigma");
            String what = norm ? "Weight norm relative to its start" : "ELR e";
            for (int i = 0; i < preds.size(); i++) {
                ModelReplay.Prediction pr = preds.get(i);
                Chart c = new Chart(what + ": measured (dots) and " + tags[i] + " " + pr.name() + " (lines)", id + "; one colour per layer",
                        "step", norm ? "sigma_t / sigma_0 (sigma = ||w||)" : "ELR e = eta ||g|| / sigma", false, !norm);
                double[][] predicted = norm ? pr.sigma() : pr.elr();
                double[][] measured = r.matrix(q);
                for (int k = 0; k < picked.length; k++) {
                    int l = picked[k];
                    // norms grow by a fraction of their size, and layers differ by orders of magnitude: each is shown relative to its start
                    double scale = norm ? r.matrix("sigma")[0][l] : 1;
                    String name = "layer " + (l + 1);
                    ElrFigures.line(c, name + ": predicted", r.step, divided(ElrFigures.column(predicted, l), scale), k);
                    ElrFigures.dots(c, name + ": measured", r.step, divided(ElrFigures.column(measured, l), scale), k);
                }
                h.figure(c.saveFigure(ctx.plots(), q + "_" + (i == 0 ? "measured_c" : i == 1 ? "frozen_c" : "random_walk") + "_" + id),
                        (norm ? "Weight norm σ_t/σ_0" : "ELR") + " of the followed layers as measured (dots) and as " + tags[i] + " " + pr.name()
                                + " predicts it (lines)." + (pr.allLayers() ? "" : " Only these layers were simulated."),
                        replayFiles(r, q + ".npy"));
            }
        }
        Chart spread = ElrFigures.spreadChart("ELR spread: measured and predicted: " + id, "S = max e / min e over the normalized layers");
        ElrFigures.line(spread, "measured", r.step, r.spread, 0);
        for (int i = 0; i < preds.size(); i++) {
            if (preds.get(i).allLayers()) {
                ElrFigures.dots(spread, tags[i] + " " + preds.get(i).name(), r.step, preds.get(i).spread(), i + 1);
            }
        }
        h.figure(spread.saveFigure(ctx.plots(), "spread_predicted_" + id), "The measured spread (line) and the spread of every replay (dots)."
                + (p.walk() != null ? " Where the dots of (c) are not visible they lie under those of (a): the random walk's norms follow the"
                + " same recursion." : ""), replayFiles(r, ElrProbe.STEPS));
        for (String q : new String[] {"sigma", "elr"}) {
            Chart err = new Chart("Relative error of the predicted " + (q.equals("sigma") ? "weight norm" : "ELR") + " over time: " + id,
                    "|predicted - measured| / measured; line: median over the layers, dots: maximum over the layers", "step",
                    "relative error of " + (q.equals("sigma") ? "sigma" : "e"), false, true);
            for (int i = 0; i < preds.size(); i++) {
                ModelReplay.ErrorCurve e = q.equals("sigma") ? preds.get(i).sigmaError() : preds.get(i).elrError();
                ElrFigures.line(err, tags[i] + " median over layers", r.step, e.median(), i);
                ElrFigures.dots(err, tags[i] + " max over layers", r.step, e.max(), i);
            }
            h.figure(err.saveFigure(ctx.plots(), q + "_relative_error_" + id), "Relative error of " + tags[0] + " " + p.measured().name() + ", "
                    + tags[1] + " " + p.frozen().name() + (p.walk() != null ? " and " + tags[2] + " " + p.walk().name() : "")
                    + ". Exact agreement (error 0) cannot be drawn on the log axis; float32 files limit (a) to about 5e-8 (median) and 1e-5 (worst layer) for plain SGD."
                    + (p.walk() != null ? " Where (c) is not visible it lies under (a): with the projection its norms follow the same recursion." : ""),
                    replayFiles(r, q + ".npy"));
        }
    }

    /**
     * The files a replay figure is drawn from: {@code measured} (what the replay is set against), then
     * what every replay starts from and steps with: the measured norms, base gradients and learning
     * rates, and layers.json (the layers' sizes, for the random walk).
     */
    private static List<Path> replayFiles(ElrRunData r, String measured) {
        LinkedHashSet<String> names = new LinkedHashSet<>(List.of(measured, "sigma.npy", "base_gradient.npy", "lr.npy",
                ElrProbe.LAYERS));
        return r.files(names.toArray(String[]::new));
    }
}
