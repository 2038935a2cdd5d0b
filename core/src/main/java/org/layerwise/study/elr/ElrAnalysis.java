package org.layerwise.study.elr;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.io.Json;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.Heatmap;
import org.layerwise.report.HtmlReport;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyFolder;

/**
 * The analysis and report of every ELR study, from the study folder alone (no training, no libtorch,
 * no training data): per-run spreads, accuracies and ELR trajectories, summary.json and a
 * self-contained report.html. While a run trains it is redrawn from what the run has flushed, as a
 * page that reloads itself.
 */
final class ElrAnalysis {
    private ElrAnalysis() {
    }

    /**
     * @param training the run now training (its partial data is included and the page reloads itself), or null
     */
    static Map<String, Object> analyse(ElrStudy study, ElrConfig c, StudyFolder folder, StudyFolder.Scan scan, RunFolder training, PrintStream log) {
        List<ElrRunData> runs = new ArrayList<>();
        for (RunSpec r : scan.planned()) {
            RunFolder f = folder.run(r);
            boolean complete = scan.status().get(r.id()).state() == RunFolder.State.COMPLETE;
            boolean live = training != null && f.dir().equals(training.dir());
            if (complete || live) {
                ElrRunData d = ElrRunData.load(r, f, complete);
                if (d != null) {
                    runs.add(d);
                }
            }
        }
        Map<String, Object> summary = summary(study, c, scan, runs, training != null);
        if (training == null) {
            Json.write(folder.file("summary.json"), summary);
        }
        report(study, c, folder, runs, summary, training != null);
        return summary;
    }

    static Map<String, Object> summary(ElrStudy study, ElrConfig c, StudyFolder.Scan scan, List<ElrRunData> runs, boolean live) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", study.name());
        s.put("title", study.title());
        s.put("coverage", scan.coverage());
        s.put("absent_runs", scan.absent());
        s.put("live", live);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ElrRunData r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.spec.id());
            m.put("residual", r.setting("residual").isEmpty() ? (c.residual() ? "short" : "no-short") : r.setting("residual"));
            m.put("warmup", r.setting("warmup").isEmpty() ? c.warmup() : r.setting("warmup"));
            m.put("depth", r.setting("depth").isEmpty() ? c.depth() : Integer.parseInt(r.setting("depth")));
            m.put("lr", r.setting("lr").isEmpty() ? c.lr() : Double.parseDouble(r.setting("lr")));
            m.put("recorded_steps", r.step.length);
            m.put("complete", r.complete);
            m.put("diverged", r.diverged());
            m.put("mean_spread", finite(r.meanSpread()));
            m.put("initial_spread", r.spread.length == 0 ? null : finite(r.spread[0]));
            m.put("final_spread", r.spread.length == 0 ? null : finite(r.spread[r.spread.length - 1]));
            m.put("test_accuracy", finite(r.finalTestAccuracy()));
            rows.add(m);
        }
        s.put("runs", rows);
        s.put("all_diverged", !runs.isEmpty() && runs.stream().allMatch(ElrRunData::diverged));
        return s;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    @SuppressWarnings("unchecked")
    static List<String> verdictLines(Map<String, Object> summary) {
        List<String> lines = new ArrayList<>();
        lines.add("  " + summary.get("coverage"));
        for (Map<String, Object> r : (List<Map<String, Object>>) summary.get("runs")) {
            lines.add(String.format("  %-24s mean ELR spread %s, test accuracy %s%s", r.get("run"), fmt(r.get("mean_spread")),
                    fmt(r.get("test_accuracy")), Boolean.TRUE.equals(r.get("diverged")) ? " (DIVERGED)" : ""));
        }
        return lines;
    }

    private static String fmt(Object v) {
        return v instanceof Number n ? String.format("%.3g", n.doubleValue()) : "n/a";
    }

    static void report(ElrStudy study, ElrConfig c, StudyFolder folder, List<ElrRunData> runs, Map<String, Object> summary, boolean live) {
        Path plots = folder.file("plots");
        HtmlReport h = new HtmlReport("layerwise: " + study.name());
        h.intro(capitalise(study.title()) + ". Networks: ResNet v1 (" + c.architecture() + "), BatchNorm " + (c.bnAffine() ? "with" : "without")
                + " affine parameters, " + c.dataset() + " data, batch " + c.batchSize() + ", " + c.steps() + " SGD steps"
                + (c.momentum() > 0 ? ", momentum " + c.momentum() : "") + (c.weightDecay() > 0 ? ", weight decay " + c.weightDecay() : "") + ".");
        if (live) {
            h.live(30, Instant.now());
        }
        List<String> evidence = new ArrayList<>();
        for (ElrRunData r : runs) {
            evidence.add(String.format("%s: mean ELR spread %s, test accuracy %s%s", r.spec.id(), HtmlReport.number(r.meanSpread()),
                    HtmlReport.number(r.finalTestAccuracy()), r.complete ? "" : " (training)"));
        }
        h.verdict(summary.get("coverage") + " of the study", evidence);
        h.note(HtmlReport.Source.PAPER, "With any constant learning rate the ELR ratios between layers converge to 1; the ELR spread correlates with"
                + " trainability, most clearly for deep networks without skip connections.");
        h.note(HtmlReport.Source.DERIVED, "ELR e = η‖g‖/‖w‖ per normalized weight tensor; spread S = max e / min e; predicted critical LR"
                + " η / √(e_max e_min). The model and the critical-LR formula are derived from scale invariance (docs/elr-study.md).");

        if (!runs.isEmpty()) {
            Chart spread = new Chart("ELR spread over training", "S = max_l e_l / min_l e_l over the normalized layers", "step", "spread S", false, true);
            for (ElrRunData r : runs) {
                spread.add(new Chart.Series(r.spec.id(), r.step, r.spread, true, false, -1));
            }
            h.section("Spread");
            Figure f = spread.saveFigure(plots, "spread");
            h.figure(f, "The ratio of the largest to the smallest per-layer effective learning rate at every recorded step, one line per run.");
            h.section("Per-layer ELR");
            for (ElrRunData r : runs.subList(0, Math.min(4, runs.size()))) {
                double[][] elr = r.matrix("elr");
                if (elr.length == 0) {
                    continue;
                }
                double[][] byLayer = transpose(elr);
                double[] layerIndex = new double[byLayer.length];
                for (int l = 0; l < layerIndex.length; l++) {
                    layerIndex[l] = l;
                }
                Heatmap m = new Heatmap("ELR per layer and step: " + r.spec.id(), "colour: e_l (log scale); rows: normalized layers from the input",
                        "step", "layer", byLayer).columns(r.step, false).rows(layerIndex, false).colourScale("ELR e", true);
                Figure fh = m.saveFigure(plots, "elr_heatmap_" + r.spec.id());
                h.figure(fh, "Effective learning rate of every normalized layer (rows, input at the bottom) at every recorded step of " + r.spec.id() + ".");
            }
        }
        HtmlReport.Table t = new HtmlReport.Table("run", "residual", "warm-up", "depth", "lr", "steps", "mean spread", "test accuracy", "state");
        for (ElrRunData r : runs) {
            t.row(r.spec.id(), r.setting("residual"), r.setting("warmup"), r.setting("depth"), r.setting("lr"), r.step.length,
                    HtmlReport.number(r.meanSpread()), HtmlReport.number(r.finalTestAccuracy()),
                    r.diverged() ? "diverged" : r.complete ? "complete" : "training");
        }
        h.section("Runs");
        h.table(t);
        h.provenance(Json.toString(c.asMap()), "config.json", "provenance.json", "summary.json", "runs/*/ (elr_long.csv, steps.csv, eval.csv, *.npy, layers.json, result.json)");
        h.paragraph("Regenerate with: ./layerwise report " + folder.dir().toAbsolutePath());
        h.write(folder.file("report.html"));
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
