package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.study.RunFolder;
import org.layerwise.study.StudyFolder;
import org.layerwise.train.ElrProbe;

/** The Figure 5 analogue: one point per run, groups by residual x warm-up x depth, the rank correlation of spread and accuracy. */
class TrainabilityAnalysisTest {
    private static final ElrTrainabilityStudy STUDY = new ElrTrainabilityStudy();

    /**
     * Four runs (short/no-short x none/ELR warm-up) whose result.json records accuracies chosen to fall as
     * the measured mean spread rises: the rank correlation is then exactly -1. The ELR warm-up holds the
     * learning rate at the critical LR, which lowers the fake network's mean spread below that of the
     * constant rate.
     */
    @Test
    void groupsAndRankCorrelation(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "30", "lr", "10000", "depths", "20", "residuals", "short,no-short",
                "warmups", "none,elr"));
        // first pass: measure the spreads; second: record accuracies in the opposite order of the spreads
        StudyFolder probe = ElrTestFolders.build(STUDY, c, tmp.resolve("probe"), 0, null, null);
        List<Double> spreads = new ArrayList<>();
        for (var spec : STUDY.plan(c)) {
            spreads.add(ElrRunData.load(spec, probe.run(spec), true, c).meanSpread());
        }
        // the fake network ignores the residual setting, so short and no-short runs record the same steps; 1e-4 i keeps them apart
        // (not twins), with accuracies still falling as the spread rises
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp.resolve("study"), 0, (spec, i) -> 1.0 / (1 + spreads.get(i)) + 1e-4 * i, null);
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(folder.file("summary.json"));
        assertEquals(4, s.get("groups").size());
        assertEquals(4, s.get("spearman_runs").asInt());
        assertEquals(4, s.get("spearman_settings").asInt());
        // 4 distinct settings are fewer than the 5 a correlation needs: one point per setting, never per run
        assertTrue(s.get("spearman_mean_spread_vs_accuracy").isNull());
        assertTrue(s.get("spearman_mean_spread_vs_accuracy_why_null").asText().contains("at least 5 distinct settings"));
        for (JsonNode r : s.get("runs")) {
            assertTrue(r.get("twin_of").isNull(), "no twins: " + r);
        }
        for (JsonNode g : s.get("groups")) {
            assertEquals(1, g.get("runs").asInt());
            assertTrue(g.get("mean_spread").asDouble() > 1);
        }
        JsonNode none = s.get("groups").get(0);
        JsonNode elr = s.get("groups").get(1);
        assertEquals("none", none.get("warmup").asText());
        assertEquals("elr", elr.get("warmup").asText());
        assertEquals(0, none.get("lr_at_target_from_step").asInt(), "without warm-up the rate is at the target from step 0");
        assertTrue(elr.get("lr_at_target_from_step").isNull() || elr.get("lr_at_target_from_step").asInt() > 0, elr.toString());
        assertTrue(elr.get("mean_spread").asDouble() < none.get("mean_spread").asDouble(),
                "the ELR warm-up lowers the mean spread: " + elr + " vs " + none);
        List<String> figures = ElrTestFolders.figures(folder.file("report.html"));
        for (String f : List.of("trainability_scatter", "spread_d20", "lr_over_critical_d20", "elr_heatmap_short-none-d20-s0",
                "elr_heatmap_no-short-elr-d20-s0")) {
            assertTrue(figures.contains(f), f + " missing from " + figures);
        }
    }

    /** Spearman's rho against values computed by hand: a perfect monotone pair, a reversed one, and a tie. */
    @Test
    void spearmanClosedForms() {
        assertEquals(1.0, TrainabilityAnalysis.spearman(List.of(new double[] {1, 10}, new double[] {2, 20}, new double[] {3, 25})), 1e-15);
        assertEquals(-1.0, TrainabilityAnalysis.spearman(List.of(new double[] {1, 3}, new double[] {5, 2}, new double[] {9, 1})), 1e-15);
        // x ranks (1, 2.5, 2.5), y ranks (1, 2, 3): rho = 1.5 / sqrt(1.5 * 2) = sqrt(3) / 2
        assertEquals(Math.sqrt(3) / 2, TrainabilityAnalysis.spearman(List.of(new double[] {1, 1}, new double[] {2, 2}, new double[] {2, 3})), 1e-12);
    }

    /**
     * A learning rate far below the critical LR: the ELR warm-up never engages, so each ELR-warm-up run is
     * a byte-for-byte twin of the run without warm-up. The twins are named in summary.json and on the page,
     * the correlation counts each setting once, and the warning box (above the verdict) says why the
     * study cannot show the effect.
     */
    @Test
    void aWarmUpThatNeverEngagedMakesTwinsCountedOnce(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "8", "lr", "0.001", "depths", "20", "residuals", "short,no-short",
                "warmups", "none,elr"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, (spec, i) -> i < 2 ? 0.3 : 0.6, null);
        ElrTestFolders.recordPreset(STUDY, folder);
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(folder.file("summary.json"));
        ElrTestFolders.assertNavigable(folder.file("report.html"), ElrTestFolders.PRESET);
        List<String> twinOf = new ArrayList<>();
        for (JsonNode r : s.get("runs")) {
            twinOf.add(r.get("twin_of").isNull() ? null : r.get("twin_of").asText());
        }
        assertEquals(java.util.Arrays.asList(null, "short-none-d20-s0", null, "no-short-none-d20-s0"), twinOf,
                "short and no-short runs record the same steps on the fake network but not the same test accuracy: not twins");
        assertTrue(s.get("runs").get(0).get("twin_of_why_null").asText().contains("no earlier run"));
        assertEquals(0, s.get("groups").get(1).get("lr_at_target_from_step").asInt(), "the warm-up never engaged");
        assertEquals(2, s.get("spearman_settings").asInt(), "4 runs, 2 distinct settings");
        assertTrue(s.get("spearman_mean_spread_vs_accuracy").isNull(), "2 distinct settings are too few for a correlation");
        String html = Files.readString(folder.file("report.html"));
        assertTrue(html.contains("twin of short-none-d20-s0 — counted once"), "the page marks the twin");
        int claim = html.indexOf("class=\"claim\"");
        int caveat = html.indexOf("class=\"caveat\"");
        int verdict = html.indexOf("class=\"verdict\"");
        assertTrue(claim >= 0 && claim < caveat && caveat < verdict, "claim heading, then the warning box, then the verdict");
        String box = html.substring(caveat, verdict);
        assertTrue(box.contains("never engaged in 2 of 2") && box.contains("depth ≥ 56") && box.contains("2 distinct setting(s)"), box);
        assertTrue(html.substring(claim, caveat).contains("Figure 5: spread vs trainability"), "the claim tested");
        List<String> figures = ElrTestFolders.figures(folder.file("report.html"));
        assertTrue(figures.contains("loss_curves") && figures.contains("accuracy_curves"), figures.toString());
        // the scatter is drawn from summary.json's per-run numbers; the loss curves from each distinct run's steps.csv (a twin's is the same)
        String scatter = html.substring(html.indexOf("<figure id=\"fig-trainability_scatter\">"));
        scatter = scatter.substring(0, scatter.indexOf("</figure>"));
        assertTrue(scatter.contains("Data: <a href=\"summary.json\">"), scatter.substring(scatter.indexOf("<figcaption>")));
        String curves = html.substring(html.indexOf("<figure id=\"fig-loss_curves\">"));
        curves = curves.substring(curves.indexOf("<figcaption>"), curves.indexOf("</figure>"));
        assertTrue(curves.contains("runs/short-none-d20-s0/steps.csv") && !curves.contains("runs/short-elr-d20-s0/steps.csv"), curves);
        // a figure of many runs links each run's files up to ElrRunData.MAX_LINKED, beyond it the folder of the runs
        List<ElrRunData> runs = STUDY.plan(c).stream().map(r -> ElrRunData.load(r, folder.run(r), true, c)).toList();
        assertEquals(12, ElrRunData.files(runs, ElrProbe.STEPS, ElrProbe.EVAL, RunFolder.RESULT).size());
        assertEquals(List.of(folder.file("runs").toAbsolutePath().normalize()),
                ElrRunData.files(runs, ElrProbe.STEPS, ElrProbe.EVAL, RunFolder.RESULT, ElrProbe.LAYERS));
    }

    /** With fewer than 3 runs the correlation is null with the reason. */
    @Test
    void tooFewRunsForACorrelation(@TempDir Path tmp) {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "6", "lr", "0.3", "depths", "20", "residuals", "short", "warmups", "none"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, (spec, i) -> 0.5, null);
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(folder.file("summary.json"));
        assertTrue(s.get("spearman_mean_spread_vs_accuracy").isNull());
        assertTrue(s.get("spearman_mean_spread_vs_accuracy_why_null").asText().contains("at least 5 distinct settings"));
    }
}
