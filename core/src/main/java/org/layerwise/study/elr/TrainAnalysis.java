package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport;
import org.layerwise.train.ElrProbe;

/**
 * {@code elr train}: one run (per seed) watched layer by layer: heatmaps of the ELR, the weight norm and
 * the base gradient over layers and steps, the spread, the learning rate beside the predicted critical
 * LR, the weight norm and ELR of a few layers, and the training and held-out loss and accuracy. The
 * study makes no prediction beyond the critical LR, so nothing here is a model curve but that one.
 */
final class TrainAnalysis extends ElrStudyAnalysis {
    TrainAnalysis(Context ctx) {
        super(ctx);
    }

    @Override
    void summarise(Map<String, Object> summary) {
        // the shared per-run fields (spreads, accuracy, orthogonality) are the whole summary of a single run
    }

    @Override
    String headline() {
        ElrRunData r = ctx.runs().get(0);
        return String.format("ELR spread %s → %s over %d recorded steps; test accuracy %s", ElrFigures.num(r.initialSpread()),
                ElrFigures.num(r.finalSpread()), r.rows(), ElrFigures.num(r.finalTestAccuracy()));
    }

    @Override
    List<String> evidence() {
        List<String> e = new ArrayList<>();
        for (ElrRunData r : ctx.runs()) {
            e.add(String.format("%s (%s): spread %s at step %d, %s at step %d (geometric mean %s); test accuracy %s%s", r.spec.id(), r.label(),
                    ElrFigures.num(r.initialSpread()), (long) r.step[0], ElrFigures.num(r.finalSpread()), (long) r.step[r.rows() - 1],
                    ElrFigures.num(r.meanSpread()), ElrFigures.num(r.finalTestAccuracy()), r.diverged() ? "; DIVERGED" : ""));
        }
        return e;
    }

    @Override
    void report(HtmlReport h) {
        double[] range = ElrFigures.sharedElrRange(ctx.runs());
        for (ElrRunData r : ctx.runs()) {
            if (ctx.runs().size() > 1) {
                h.section("Run " + r.spec.id());
            }
            figures(h, r, range, ctx.plots(), Set.copyOf(ElrProbe.QUANTITIES));
        }
    }

    /**
     * One run watched layer by layer (also what {@code elr analyze} draws of a recorded run): the heatmaps of
     * e, sigma and c, the spread, the learning rate beside the predicted critical LR, a few layers over time,
     * loss and accuracy. Figures of quantities not in {@code present} (their .npy file is absent) are left out.
     */
    static void figures(HtmlReport h, ElrRunData r, double[] range, Path plots, Set<String> present) {
        String id = r.spec.id();
        h.section("Per-layer effective learning rates: " + id);
        h.note(HtmlReport.Source.PAPER, "Deep normalized networks start with very different ELRs across layers (the initial gradient"
                + " explosion); under a constant learning rate the ELR ratios between layers converge to 1.");
        Figure heat = ElrFigures.elrHeatmap(r, range, plots, "elr_heatmap_" + id);
        h.figure(heat, "ELR e_l of every normalized layer (rows, layer 1 = the stem conv at the bottom) at every recorded step; colours on a"
                + " log scale. Layer names: layers.json.", r.heatmapFiles("elr"));
        if (present.contains("sigma")) {
            Figure sigma = ElrFigures.growthHeatmap(r, plots, "sigma_heatmap_" + id);
            h.figure(sigma, "Weight norm of every normalized layer relative to its value at the first recorded step (the norms themselves"
                    + " differ between layers by their widths: sigma.npy). For plain SGD they can only grow: σ'² = σ²(1 + e²) [derived].",
                    r.heatmapFiles("sigma"));
        }
        if (present.contains("base_gradient")) {
            Figure base = ElrFigures.layerHeatmap(r, "base_gradient", "Base gradient per layer and step: " + id,
                    "colour: c_l = sigma_l ||g_l||, the gradient norm at unit weight norm, log scale", "base gradient c", null, plots,
                    "base_gradient_heatmap_" + id);
            h.figure(base, "Base gradient c of every normalized layer (scale-free: it does not change when w is rescaled [derived]).",
                    r.heatmapFiles("base_gradient"));
        }

        h.section("Spread and learning rate: " + id);
        Chart spread = ElrFigures.spreadChart("ELR spread over training: " + id, "S = max_l e_l / min_l e_l over the normalized layers");
        ElrFigures.spreadLine(spread, r, "spread S (measured)", 0);
        h.figure(spread.saveFigure(plots, "spread_" + id), "The ratio of the largest to the smallest per-layer ELR at every recorded step.",
                r.files(ElrProbe.STEPS));
        h.figure(ElrFigures.lrChart(r).saveFigure(plots, "lr_vs_critical_" + id),
                "The learning rate of every step beside the critical LR predicted from that step's ELRs. Above it the model predicts that the"
                        + " two extreme layers swap order in one step [derived].", r.files(ElrProbe.STEPS));

        h.section("A few layers over time: " + id);
        int[] picked = ElrFigures.pickedLayers(r);
        Chart sig = new Chart("Weight norm of a few layers: " + id, "first, middle and last layer, and the extreme ones at the start",
                "step", "weight norm sigma = ||w||", false, true);
        Chart elr = new Chart("ELR of a few layers: " + id, "first, middle and last layer, and the extreme ones at the start",
                "step", "ELR e = eta ||g|| / sigma", false, true);
        for (int i = 0; i < picked.length; i++) {
            String name = ElrFigures.layerLabel(r, picked[i]) + ": " + r.layers.get(picked[i]);
            if (present.contains("sigma")) {
                ElrFigures.line(sig, name, r.step, ElrFigures.column(r.matrix("sigma"), picked[i]), i);
            }
            ElrFigures.line(elr, name, r.step, ElrFigures.column(r.matrix("elr"), picked[i]), i);
        }
        if (present.contains("sigma")) {
            h.figure(sig.saveFigure(plots, "sigma_layers_" + id), "Weight norm of the picked layers (layer 1 = the stem).", r.heatmapFiles("sigma"));
        }
        h.figure(elr.saveFigure(plots, "elr_layers_" + id), "ELR of the picked layers.", r.heatmapFiles("elr"));

        h.section("Loss and accuracy: " + id);
        Chart loss = new Chart("Loss: " + id, "training batch loss at every recorded step; held-out loss at every evaluation", "step", "loss",
                false, true);
        ElrFigures.line(loss, "training batch loss", r.step, r.loss, 0);
        if (r.evalStep.length > 0) {
            loss.add(new Chart.Series("held-out loss", r.evalStep, r.testLoss, true, true, 1));
        }
        h.figure(loss.saveFigure(plots, "loss_" + id), "Cross-entropy on each training batch (line) and on the held-out set (dots).",
                r.files(ElrProbe.STEPS, ElrProbe.EVAL));
        Chart acc = new Chart("Accuracy: " + id, "training batch accuracy at every recorded step; held-out accuracy at every evaluation", "step",
                "accuracy", false, false);
        ElrFigures.line(acc, "training batch accuracy", r.step, r.accuracy, 0);
        if (r.evalStep.length > 0) {
            acc.add(new Chart.Series("held-out accuracy", r.evalStep, r.testAccuracy, true, true, 1));
        }
        h.figure(acc.saveFigure(plots, "accuracy_" + id), "Accuracy on each training batch (line) and on the held-out set (dots).",
                r.files(ElrProbe.STEPS, ElrProbe.EVAL));
    }
}
