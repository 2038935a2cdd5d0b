package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.analysis.elr.CriticalLrAlongRun;
import org.layerwise.io.Json;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.StudyPage;
import org.layerwise.train.ElrProbe;

/**
 * {@code layerwise elr analyze FOLDER}: the analyses of the ELR studies that need nothing but one run's
 * recorded numbers, on a run folder that may come from anyone's training loop ({@link RecordedRun}): the
 * model check (the model replayed with the measured base gradients, with them frozen, and Algorithm 1,
 * {@link ModelCheckAnalysis}), the critical-LR analysis from the recorded ELRs ({@link CriticalLrAlongRun}:
 * the rate used against the predicted critical LR, and whether the extreme layers kept their order where
 * the prediction says), the per-layer figures of {@code elr train} ({@link TrainAnalysis#figures}), and
 * a list of what could not be analysed and what it would need. Writes summary.json, plots/ and
 * report.html; no training, no libtorch.
 *
 * <p>The report marks a run that layerwise did not train as external, with its provenance.json.
 */
final class RecordedRunAnalysis {
    /** The critical-LR study's widening thresholds (its defaults {@code widening-above}, {@code widening-below}). */
    static final double ABOVE = 4;
    static final double BELOW = 0.25;

    /**
     * An analysis not done, and why.
     *
     * @param analysis what was not done
     * @param needs    what it would need that the folder does not hold
     */
    record Gap(String analysis, String needs) {
    }

    private final RecordedRun run;
    private final ElrRunData r;
    private final Path out;
    private final ModelCheckAnalysis modelCheck;
    private final String whyNoModelCheck;
    private final int freezeAfter;
    private final String freezeNote;
    private final CriticalLrAlongRun.Result along;
    private final List<Gap> gaps = new ArrayList<>();

    /**
     * @param out         where summary.json, plots/ and report.html go
     * @param freezeAfter replay (b): base gradients held at their mean over this many first recorded steps
     */
    RecordedRunAnalysis(RecordedRun run, Path out, int freezeAfter) {
        this.run = run;
        this.r = run.data;
        this.out = out;
        int rows = r.rows();
        int k = Math.min(freezeAfter, Math.max(1, rows / 2));
        this.freezeAfter = k;
        this.freezeNote = k < freezeAfter ? "freeze-after " + freezeAfter + " lowered to " + k + ": half of the " + rows
                + " recorded steps, so that replay (b) still predicts the rest" : null;
        List<String> modelNeeds = new ArrayList<>();
        for (String q : List.of("sigma", "base_gradient", "lr")) {
            if (run.missing.contains(q)) {
                modelNeeds.add(q + ".npy");
            }
        }
        String why = null;
        if (!modelNeeds.isEmpty()) {
            why = "needs " + String.join(", ", modelNeeds) + (modelNeeds.contains("base_gradient.npy")
                    ? " (the measured base gradients c = σ‖g‖ drive the replay)" : "") + ", which the folder does not hold";
        } else if (run.model == null) {
            why = run.whyNoModel;
        } else if (rows < 2) {
            why = "needs at least 2 recorded steps (the folder holds " + rows + ")";
        }
        this.whyNoModelCheck = why;
        ElrStudyAnalysis.Context ctx = new ElrStudyAnalysis.Context(null, run.config, List.of(r), false, plots(), Map.of(),
                out.resolve("summary.json"));
        this.modelCheck = why == null ? new ModelCheckAnalysis(ctx, run.model, k) : null;
        if (why != null) {
            gaps.add(new Gap("model check (replays of the ELR model against the measured σ and e)", why));
        } else if (modelCheck.whyNoModel() != null) {
            gaps.add(new Gap("model check", modelCheck.whyNoModel()));
        }
        this.along = CriticalLrAlongRun.of(r.step, r.lr, r.criticalLr, r.matrix("elr"), ABOVE, BELOW);
        findGaps();
    }

    private Path plots() {
        return out.resolve("plots");
    }

    private void findGaps() {
        if (along.pairs() == 0) {
            gaps.add(new Gap("critical LR along the run (did the extreme layers keep their order where the prediction says?)",
                    r.every > 1 ? "consecutive recorded steps (probe every 1); this run recorded every " + r.every + " steps"
                            : "two consecutive recorded steps with usable ELRs"));
        }
        gaps.add(new Gap("empirical critical LRs (a grid of rates tried from one state)", run.origin == RecordedRun.Origin.EXTERNAL
                ? "the run's saved state and a network layerwise can step (./layerwise elr critical-lr trains one); a recorded run holds neither"
                : "the grid of ./layerwise elr critical-lr (critical_lr.csv); analyse that study's folder with layerwise report"));
        if (r.evalStep.length == 0) {
            gaps.add(new Gap("held-out loss and accuracy", "eval.csv rows (probe.evaluation(loss, accuracy) in Python)"));
        }
        if (java.util.Arrays.stream(r.accuracy).noneMatch(Double::isFinite)) {
            gaps.add(new Gap("training accuracy", "steps.csv accuracy (probe.step(loss, accuracy=...) in Python)"));
        }
        for (String q : run.missing) {
            if (!List.of("sigma", "base_gradient", "lr").contains(q)) {
                gaps.add(new Gap("the figures and checks of " + q, q + ".npy, which the folder does not hold"));
            }
        }
        if (run.present.contains("angular_update") && allNaN("angular_update")) {
            gaps.add(new Gap("the measured angular update", "the weights after each recorded step (layerwise_probe.py measures them at the next"
                    + " step() or at close(); angular_update.npy holds only NaN)"));
        }
        gaps.add(new Gap("trainability and constant-LR comparisons", "several runs (./layerwise elr trainability, ./layerwise elr constant-lr)"));
    }

    private boolean allNaN(String q) {
        for (double[] row : r.matrix(q)) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes summary.json, plots/ and report.html into the output folder; returns the summary. */
    Map<String, Object> write() {
        Map<String, Object> s = summary();
        Json.write(out.resolve("summary.json"), s);
        report(s);
        return s;
    }

    String originText() {
        return switch (run.origin) {
            case EXTERNAL -> "external run (recorded by " + run.provenanceSummary().getOrDefault("writer", "layerwise_probe.py")
                    + " in a training loop layerwise did not run)";
            case STUDY -> "run " + r.spec.id() + " of the study " + run.dir.toAbsolutePath().normalize().getParent().getParent();
            case UNKNOWN -> "run folder of unknown origin (no provenance.json)";
        };
    }

    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("analysis", "elr analyze");
        s.put("folder", run.dir.toAbsolutePath().normalize().toString());
        s.put("origin", run.origin.name().toLowerCase(java.util.Locale.ROOT));
        s.put("origin_text", originText());
        s.put("provenance", run.provenanceSummary());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("run", r.spec.id());
        row.put("layers", r.layerCount());
        row.put("every", r.every);
        row.put("recorded_steps", r.rows());
        row.put("last_recorded_step", (long) r.step[r.rows() - 1]);
        row.put("complete", r.complete);
        row.put("diverged", r.diverged());
        SummaryValues.putObject(row, "diverged_at_step", r.diverged() ? r.divergedAt() : null, "the run did not diverge");
        String noSpread = "no step with a usable ELR (every layer had a zero or non-finite gradient)";
        SummaryValues.put(row, "mean_spread", r.meanSpread(), noSpread);
        SummaryValues.put(row, "initial_spread", r.initialSpread(), noSpread);
        SummaryValues.put(row, "final_spread", r.finalSpread(), noSpread);
        SummaryValues.put(row, "test_accuracy", r.finalTestAccuracy(), r.whyNoTestAccuracy());
        SummaryValues.put(row, "final_train_loss", ElrAnalysis.finalTrainLoss(r), "no finite training loss in the last tenth of the recorded steps");
        SummaryValues.put(row, "max_abs_orthogonality", run.present.contains("orthogonality") ? ElrAnalysis.maxAbsOrthogonality(r) : Double.NaN,
                run.present.contains("orthogonality") ? "no finite <w, g> / (||w|| ||g||) recorded" : "orthogonality.npy is not in the folder");
        s.put("run", row);
        s.put("files_missing", run.missing.stream().map(q -> q + ".npy").toList());

        if (modelCheck != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            modelCheck.summarise(m);
            if (freezeNote != null) {
                m.put("freeze_after_note", freezeNote);
            }
            m.put("notes", run.modelNotes);
            s.put("model_check", m);
        } else {
            SummaryValues.putObject(s, "model_check", null, whyNoModelCheck);
        }
        s.put("critical_lr", criticalLrSummary());
        List<Map<String, Object>> g = new ArrayList<>();
        for (Gap gap : gaps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("analysis", gap.analysis());
            m.put("needs", gap.needs());
            g.add(m);
        }
        s.put("not_analysed", g);
        s.put("headline", headline());
        s.put("evidence", evidence());
        return s;
    }

    private Map<String, Object> criticalLrSummary() {
        Map<String, Object> m = new LinkedHashMap<>();
        String none = "no recorded step with a usable predicted critical LR";
        SummaryValues.put(m, "predicted_first", r.criticalLr[0], none);
        SummaryValues.put(m, "predicted_last", r.criticalLr[r.rows() - 1], none);
        SummaryValues.put(m, "lr_over_predicted_min", along.ratioQuantile(0), none);
        SummaryValues.put(m, "lr_over_predicted_median", along.ratioQuantile(0.5), none);
        SummaryValues.put(m, "lr_over_predicted_max", along.ratioQuantile(1), none);
        m.put("steps_above_predicted", along.stepsAbove());
        m.put("recorded_steps", r.rows());
        if (along.pairs() == 0) {
            SummaryValues.putObject(m, "along_run", null, gaps.stream().filter(x -> x.analysis().startsWith("critical LR along")).findFirst()
                    .map(Gap::needs).orElse("no consecutive pairs"));
        } else {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("pairs", along.pairs());
            a.put("skipped", along.skipped());
            a.put("below", along.below());
            a.put("kept_order_below", along.keptBelow());
            a.put("above", along.above());
            a.put("swapped_above", along.swappedAbove());
            SummaryValues.put(a, "agreement", along.agreement(), "no pair judged");
            a.put("far_above_min", ABOVE);
            a.put("far_above", along.farAbove());
            a.put("widened_far_above", along.widenedFarAbove());
            a.put("far_below_max", BELOW);
            a.put("far_below", along.farBelow());
            a.put("widened_far_below", along.widenedFarBelow());
            m.put("along_run", a);
        }
        return m;
    }

    String headline() {
        String model = modelCheck == null ? "model check not run (" + whyNoModelCheck + ")"
                : modelCheck.whyNoModel() != null ? "model check not run (" + modelCheck.whyNoModel() + ")" : "model check: " + modelCheck.headline();
        return String.format("%s: ELR spread %s → %s over %d recorded steps; %s", run.origin == RecordedRun.Origin.EXTERNAL ? "external run" : "run",
                ElrFigures.num(r.initialSpread()), ElrFigures.num(r.finalSpread()), r.rows(), model);
    }

    List<String> evidence() {
        List<String> e = new ArrayList<>();
        e.add(String.format("%s (%s): %d normalized layers, recorded every %d steps up to step %d; test accuracy %s%s", r.spec.id(), originText(),
                r.layerCount(), r.every, (long) r.step[r.rows() - 1], ElrFigures.num(r.finalTestAccuracy()), r.diverged() ? "; DIVERGED" : ""));
        e.add(String.format("critical LR [derived]: predicted %s at the first recorded step, %s at the last; the rate used was %s of it (median;"
                        + " min %s, max %s), above it at %d of %d recorded steps", ElrFigures.num(r.criticalLr[0]),
                ElrFigures.num(r.criticalLr[r.rows() - 1]), ElrFigures.num(along.ratioQuantile(0.5)), ElrFigures.num(along.ratioQuantile(0)),
                ElrFigures.num(along.ratioQuantile(1)), along.stepsAbove(), r.rows()));
        if (along.pairs() > 0) {
            e.add(String.format("extreme layers over %d consecutive steps: kept their order at %d of %d steps below the predicted critical LR,"
                            + " swapped at %d of %d above it (the prediction held at %s)", along.pairs(), along.keptBelow(), along.below(),
                    along.swappedAbove(), along.above(), ElrFigures.num(along.agreement())));
        }
        if (modelCheck != null) {
            e.addAll(modelCheck.evidence());
        }
        for (Gap g : gaps) {
            e.add("not analysed: " + g.analysis() + ": needs " + g.needs());
        }
        return e;
    }

    @SuppressWarnings("unchecked")
    private void report(Map<String, Object> summary) {
        // a run of a study names the preset the study ran with, in the title and the headline, as the study's own page does
        StudyFolder study = run.origin == RecordedRun.Origin.STUDY
                ? new StudyFolder(run.dir.toAbsolutePath().normalize().getParent().getParent()) : null;
        HtmlReport h = new HtmlReport(StudyPage.titled("layerwise: elr analyze " + r.spec.id(),
                study == null ? null : StudyPage.recordedPreset(study)));
        h.intro("The analyses of the ELR studies that need only one run's recorded numbers, on the run folder " + run.dir.toAbsolutePath().normalize()
                + ": the per-layer quantities, the critical LR predicted from the recorded ELRs against the rate used, and the model check."
                + " Definitions and what rests on what: docs/elr-study.md.");
        Map<String, Object> prov = run.provenanceSummary();
        if (run.origin == RecordedRun.Origin.EXTERNAL) {
            List<String> lines = new ArrayList<>();
            lines.add("recorded by " + prov.getOrDefault("writer", "layerwise_probe.py") + " (Python " + prov.getOrDefault("python", "?") + ", torch "
                    + prov.getOrDefault("torch", "?") + ") on " + prov.getOrDefault("host", "?") + ", started " + prov.getOrDefault("started", "?"));
            lines.add("model " + prov.getOrDefault("model", "?") + " (" + prov.getOrDefault("parameters", "?") + " parameters, "
                    + prov.getOrDefault("dtype", "?") + " on " + prov.getOrDefault("device", "?") + "), optimizer " + prov.getOrDefault("optimizer",
                    "not recorded") + "; layers " + ("given".equals(prov.get("selection")) ? "named by the user" : "found by the probe (weights that feed a normalization layer)"));
            if (prov.containsKey("command_line")) {
                lines.add("command: " + prov.get("command_line") + (prov.containsKey("working_directory") ? " (in " + prov.get("working_directory") + ")" : ""));
            }
            if (prov.containsKey("description")) {
                lines.add("description: " + prov.get("description"));
            }
            lines.add("layerwise did not train this network: the network, the data and the loop are the user's; only the recorded numbers are analysed");
            h.caveat("External run", Source.LAYERWISE, lines);
        } else if (run.origin == RecordedRun.Origin.UNKNOWN) {
            h.caveat("Origin unknown", Source.LAYERWISE, List.of("the folder holds no provenance.json and is not a run of a study folder:"
                    + " where it came from, and which optimizer trained it, are not known"));
        }
        h.verdict((study == null ? "" : StudyPage.presetPrefix(study)) + summary.get("headline"), (List<String>) summary.get("evidence"));
        h.section("Not analysed, and what it would need");
        HtmlReport.Table t = new HtmlReport.Table("analysis", "needs");
        gaps.forEach(g -> t.row(g.analysis(), g.needs()));
        h.table(t);
        h.note(Source.DERIVED, "Per normalized weight tensor: weight norm σ = ‖w‖, base gradient c = σ‖g‖, ELR e = η‖g‖/σ = ηc/σ², spread"
                + " S = max e / min e over the layers, predicted critical LR η/√(e_max e_min).");

        TrainAnalysis.figures(h, r, ElrFigures.sharedElrRange(List.of(r)), plots(), Set.copyOf(run.present));

        h.section("Critical LR from the recorded ELRs: " + r.spec.id());
        h.note(Source.PAPER, "A critical learning rate that depends only on the current ELRs separates the regime where ELR disparities shrink"
                + " from the one where they widen.");
        h.note(Source.DERIVED, "Predicted: η_crit = η/√(e_max e_min). With constant base gradients the extreme layers of a step keep their order"
                + " after it iff η ≤ η_crit; on consecutive recorded steps this page counts how often they did. The base gradients of a real run move"
                + " from step to step, so a swap below η_crit can be noise. The empirical critical LRs of ./layerwise elr critical-lr need the run's"
                + " state to retry steps at other rates, which a recorded run does not hold.");
        h.figure(ElrFigures.lrRatioChart("Learning rate used over the predicted critical LR: " + r.spec.id(), List.of(r), List.of("lr / predicted critical LR"),
                List.of(0)).saveFigure(plots(), "lr_over_critical_" + r.spec.id()), "The rate of every recorded step divided by the critical LR"
                + " predicted from that step's ELRs; above 1 the model predicts that the extreme layers swap order in one step [derived].",
                r.files(ElrProbe.STEPS));
        HtmlReport.Table c = new HtmlReport.Table("consecutive steps", "below η_crit", "kept order", "above η_crit", "swapped",
                "η/η_crit ≥ " + ElrFigures.num(ABOVE), "widened", "η/η_crit ≤ " + ElrFigures.num(BELOW), "widened ");
        c.row(along.pairs(), along.below(), along.keptBelow(), along.above(), along.swappedAbove(), along.farAbove(), along.widenedFarAbove(),
                along.farBelow(), along.widenedFarBelow());
        h.table(c);

        h.section("Model check: " + r.spec.id());
        if (modelCheck == null) {
            h.paragraph("Not run: " + whyNoModelCheck + ".");
        } else {
            for (String n : run.modelNotes) {
                h.note(Source.LAYERWISE, n);
            }
            if (freezeNote != null) {
                h.note(Source.LAYERWISE, freezeNote);
            }
            modelCheck.reportReplays(h);
        }

        String command = "layerwise elr analyze " + StudyPage.shellQuote(run.dir.toAbsolutePath().normalize().toString())
                + (out.toAbsolutePath().normalize().equals(run.dir.toAbsolutePath().normalize()) ? ""
                : " --out " + StudyPage.shellQuote(out.toAbsolutePath().normalize().toString()));
        List<String> docs = new ArrayList<>(List.of(command));
        if (run.provenance != null) {
            docs.add(Json.toString(run.provenance));
        }
        h.provenance("The run folder holds layers.json, steps.csv, eval.csv, elr_long.csv and one .npy matrix [recorded step][layer] per quantity"
                + (run.missing.isEmpty() ? "" : " (missing: " + String.join(", ", run.missing.stream().map(q -> q + ".npy").toList()) + ")")
                + "; beside this page: summary.json and plots/. Regenerate this page with the first command below"
                + (run.provenance != null ? "; then the run's provenance" + (run.origin == RecordedRun.Origin.EXTERNAL ? " (provenance.json, written by the probe)" : "") : "")
                + ".", docs.toArray(String[]::new));
        h.write(out.resolve("report.html"));
    }
}
