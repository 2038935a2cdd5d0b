package org.layerwise.study.elr;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.io.Json;
import org.layerwise.report.HtmlReport;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.StudyPage;
import org.layerwise.train.ElrProbe;

/**
 * The analysis and report of every ELR study, from the study folder alone (no training, no libtorch,
 * no training data): loads each run's folder ({@link ElrRunData}), hands the runs to the study's own
 * analysis ({@link ElrStudyAnalysis}: model check, critical LR, trainability, constant LR, train), and
 * writes summary.json and a self-contained report.html around it. While a run trains it is redrawn
 * from what the run has flushed, as a page that reloads itself (summary.json is written only for a
 * finished analysis).
 *
 * <p>Every note of the report is tagged with where it comes from, as the design note marks it:
 * [paper] for what the paper states, [derived] for what this toolkit derives from scale invariance
 * (the model, the critical-LR formula, the warm-up rule, the form of Algorithm 1, the empirical
 * critical-LR rules). docs/elr-study.md lists them.
 */
final class ElrAnalysis {
    /** Seconds between reloads of a live page. */
    static final int LIVE_RELOAD_SECONDS = 30;

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
                ElrRunData d = ElrRunData.load(r, f, complete, c);
                if (d != null && d.rows() > 0) {
                    runs.add(d);
                }
            }
        }
        boolean live = training != null;
        ElrStudyAnalysis.Context ctx = new ElrStudyAnalysis.Context(study, c, List.copyOf(runs), live, study.files().plots(folder.dir()),
                Twins.ofRuns(runs), study.files().summary(folder.dir()));
        ElrStudyAnalysis analysis = runs.isEmpty() ? null : ElrStudyAnalysis.of(ctx);
        Map<String, Object> summary = summary(ctx, scan, analysis);
        if (!live) {
            Json.write(study.files().summary(folder.dir()), summary);
        }
        report(ctx, folder, analysis, summary);
        return summary;
    }

    static Map<String, Object> summary(ElrStudyAnalysis.Context ctx, StudyFolder.Scan scan, ElrStudyAnalysis analysis) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("study", ctx.study().name());
        s.put("title", ctx.study().title());
        s.put("coverage", scan.coverage());
        s.put("absent_runs", scan.absent());
        s.put("live", ctx.live());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ElrRunData r : ctx.runs()) {
            Map<String, Object> row = runRow(r);
            SummaryValues.putObject(row, "twin_of", ctx.twinOf(r), r.complete
                    ? "no earlier run recorded the same steps.csv, eval.csv and test accuracy" : "the run is still training");
            rows.add(row);
        }
        s.put("runs", rows);
        s.put("all_diverged", !ctx.runs().isEmpty() && ctx.runs().stream().allMatch(ElrRunData::diverged));
        if (analysis == null) {
            s.put("headline", "no recorded step yet");
            s.put("evidence", List.of());
        } else {
            analysis.summarise(s);
            s.put("headline", analysis.headline());
            s.put("evidence", analysis.evidence());
        }
        return s;
    }

    /** The per-run fields every study's summary has. */
    static Map<String, Object> runRow(ElrRunData r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.spec.id());
        m.put("residual", r.residual());
        m.put("warmup", r.warmup());
        m.put("depth", r.depth());
        SummaryValues.put(m, "lr", r.targetLr(), "no learning rate in the run's settings");
        m.put("seed", r.seed());
        m.put("recorded_steps", r.rows());
        m.put("last_recorded_step", r.rows() == 0 ? 0 : (long) r.step[r.rows() - 1]);
        m.put("complete", r.complete);
        m.put("diverged", r.diverged());
        SummaryValues.putObject(m, "diverged_at_step", r.diverged() ? r.divergedAt() : null, "the run did not diverge");
        String noSpread = "no step with a usable ELR (every layer had a zero or non-finite gradient)";
        SummaryValues.put(m, "mean_spread", r.meanSpread(), noSpread);
        SummaryValues.put(m, "initial_spread", r.initialSpread(), noSpread);
        SummaryValues.put(m, "final_spread", r.finalSpread(), noSpread);
        SummaryValues.put(m, "test_accuracy", r.finalTestAccuracy(), r.whyNoTestAccuracy());
        SummaryValues.put(m, "final_train_loss", finalTrainLoss(r), "no finite training loss in the last tenth of the recorded steps");
        long atTarget = r.firstStepAtTarget();
        SummaryValues.putObject(m, "lr_at_target_from_step", atTarget < 0 ? null : atTarget,
                "the learning rate never reached its target (still warming up, or a schedule below it)");
        SummaryValues.put(m, "max_abs_orthogonality", maxAbsOrthogonality(r),
                "not measured (no finite <w, g> / (||w|| ||g||) recorded)");
        return m;
    }

    /**
     * The training loss at the end of a run: the mean of the per-step training loss over the last tenth of
     * the recorded steps (at least one), so one noisy batch does not decide it; NaN when none is finite.
     */
    static double finalTrainLoss(ElrRunData r) {
        int n = r.rows();
        int k = Math.max(1, (int) Math.round(n / 10.0));
        double s = 0;
        int used = 0;
        for (int i = Math.max(0, n - k); i < n; i++) {
            if (Double.isFinite(r.loss[i])) {
                s += r.loss[i];
                used++;
            }
        }
        return used == 0 ? Double.NaN : s / used;
    }

    /** The largest |<w, g>| / (||w|| ||g||) over every recorded step and layer: scale invariance makes it about 0. */
    static double maxAbsOrthogonality(ElrRunData r) {
        double max = Double.NaN;
        for (double[] row : r.matrix("orthogonality")) {
            for (double v : row) {
                if (Double.isFinite(v) && !(Math.abs(v) <= max)) {
                    max = Math.abs(v);
                }
            }
        }
        return max;
    }

    /** What the terminal prints after a study: the coverage, the headline and its evidence. */
    @SuppressWarnings("unchecked")
    static List<String> verdictLines(Map<String, Object> summary) {
        List<String> lines = new ArrayList<>();
        lines.add("  " + summary.get("coverage") + ": " + summary.get("headline"));
        Object evidence = summary.get("evidence");
        if (evidence instanceof List<?> l) {
            for (Object e : l) {
                lines.add("  " + e);
            }
        }
        for (Map<String, Object> r : (List<Map<String, Object>>) summary.get("runs")) {
            if (Boolean.TRUE.equals(r.get("diverged"))) {
                lines.add("  " + r.get("run") + " DIVERGED at step " + r.get("diverged_at_step"));
            }
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    static void report(ElrStudyAnalysis.Context ctx, StudyFolder folder, ElrStudyAnalysis analysis, Map<String, Object> summary) {
        ElrConfig c = ctx.config();
        StudyPage frame = new StudyPage(ctx.study(), "layerwise: " + ctx.study().name(), folder, c);
        HtmlReport h = frame.page();
        StudyClaim claim = StudyClaim.of(ctx.study().name());
        h.claim(StudyClaim.settingsLine(ctx.study(), c, folder), claim.sources(), claim.claims(), claim.none());
        h.intro(capitalise(ctx.study().title()) + ". Networks: ResNet v1 (" + c.architecture() + "), BatchNorm " + (c.bnAffine() ? "with" : "without")
                + " affine parameters, " + c.dataset() + " data, batch " + c.batchSize() + ", " + c.steps() + " SGD steps, " + c.schedule()
                + " schedule" + (c.momentum() > 0 ? ", momentum " + c.momentum() : "") + (c.weightDecay() > 0 ? ", weight decay " + c.weightDecay() : "")
                + (c.probeEvery() > 1 ? "; the probe recorded every " + c.probeEvery() + " steps" : "") + ".");
        if (ctx.live()) {
            h.live(LIVE_RELOAD_SECONDS, Instant.now());
        }
        h.caveat("These settings cannot show the paper's effect:", HtmlReport.Source.DERIVED,
                Limits.of(ctx.study().name(), c.depths(), ctx.runs(), ctx.twins(), analysis == null ? -1 : analysis.correlationSettings()));
        String scope = ctx.live() ? "Preview while training (" + summary.get("coverage") + " complete so far)" : summary.get("coverage") + " of the study";
        h.verdict(StudyPage.presetPrefix(folder) + scope + ": " + summary.get("headline"), (List<String>) summary.get("evidence"));
        h.note(HtmlReport.Source.DERIVED, "Per normalized weight tensor (every conv followed by BatchNorm; the classifier is reported apart):"
                + " weight norm σ = ‖w‖, base gradient c = σ‖g‖, ELR e = η‖g‖/σ = ηc/σ², spread S = max e / min e over the layers,"
                + " predicted critical LR η/√(e_max e_min). Definitions and what rests on what: docs/elr-study.md.");
        if (c.momentum() > 0 || c.weightDecay() > 0) {
            h.note(HtmlReport.Source.PAPER, "The paper trains with vanilla SGD, without momentum and weight decay; this study used"
                    + (c.momentum() > 0 ? " momentum " + c.momentum() : "") + (c.weightDecay() > 0 ? " weight decay " + c.weightDecay() : "")
                    + ", so every model prediction below is the extended model [derived], with its assumptions listed beside it.");
        }
        if (analysis == null) {
            h.paragraph("No run has recorded a step yet: this page fills in as soon as the probe has written its first rows.");
        } else {
            analysis.report(h);
        }
        if (!ctx.runs().isEmpty()) {
            curves(h, ctx);
        }
        runsTable(h, ctx);
        frame.write("runs/RUN/ with elr_long.csv, steps.csv, eval.csv, one .npy matrix [recorded step][layer] per quantity, layers.json and"
                + " result.json" + (ctx.study().name().equals("elr-critical-lr")
                        ? ", and critical_lr.csv with critical_lr_elr_before.npy and critical_lr_elr_after.npy" : "")
                + " (formats: docs/elr-study.md)");
    }

    private static void runsTable(HtmlReport h, ElrStudyAnalysis.Context ctx) {
        HtmlReport.Table t = new HtmlReport.Table("run", "residual", "warm-up", "depth", "lr", "recorded steps", "initial spread", "final spread",
                "mean spread", "max |cos(w, g)|", "test accuracy", "state");
        for (ElrRunData r : ctx.runs()) {
            String twin = ctx.twinOf(r);
            t.row(r.spec.id(), r.residual(), r.warmup(), r.depth(), r.targetLr(), r.rows(), r.initialSpread(), r.finalSpread(), r.meanSpread(),
                    maxAbsOrthogonality(r), r.finalTestAccuracy(),
                    (r.diverged() ? "diverged at step " + r.divergedAt() : r.complete ? "complete" : "training")
                            + (twin == null ? "" : "; " + twinNote(twin)));
        }
        h.section("Runs");
        h.paragraph("Mean spread: exp of the mean of ln S over the recorded steps (spreads are ratios, so their geometric mean)."
                + " max |cos(w, g)|: the orthogonality check; scale invariance makes it about 0, and a large value flags a layer that is not"
                + " scale-invariant.");
        if (ctx.runs().stream().anyMatch(r -> ctx.twinOf(r) != null)) {
            h.paragraph("Twin: a run whose steps.csv and eval.csv are byte for byte those of an earlier run, with the same test accuracy;"
                    + " it is one measurement, and every count and correlation of this page takes it once.");
        }
        h.table(t);
    }

    /** How the page marks a twin. */
    static String twinNote(String of) {
        return "twin of " + of + " — counted once";
    }

    /**
     * The training loss and accuracy of every run over its recorded steps (steps.csv, the training batch of
     * each step), with the held-out loss and accuracy (eval.csv) as dots: one figure for loss, one for accuracy.
     */
    private static void curves(HtmlReport h, ElrStudyAnalysis.Context ctx) {
        h.section("Loss and accuracy over training");
        String twins = ctx.runs().stream().anyMatch(r -> ctx.twinOf(r) != null)
                ? " A twin would draw exactly over the run it is a twin of: it is not drawn again, the legend names it beside its original." : "";
        List<Path> data = ElrRunData.files(ctx.distinct(), ElrProbe.STEPS, ElrProbe.EVAL);
        h.figure(ElrFigures.curveChart(ctx, true).saveFigure(ctx.plots(), "loss_curves"), "Training loss of every run at each recorded step"
                + " (the step's batch, steps.csv loss; log scale), and the held-out loss (eval.csv test_loss) as dots where it was evaluated." + twins,
                data);
        h.figure(ElrFigures.curveChart(ctx, false).saveFigure(ctx.plots(), "accuracy_curves"), "Training accuracy of every run at each recorded"
                + " step (the step's batch, steps.csv accuracy), and the held-out accuracy (eval.csv test_accuracy) as dots." + twins, data);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
