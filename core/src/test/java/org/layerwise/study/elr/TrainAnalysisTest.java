package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyFolder;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

/** The train study's report, a live report drawn while a run trains, and what summary.json says about gaps. */
class TrainAnalysisTest {
    private static final ElrTrainStudy TRAIN = new ElrTrainStudy();

    @Test
    void reportHasEveryFigureAndSummaryHasNoNaN(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(TRAIN, Map.of("steps", "30", "lr", "0.3", "eval-every", "10"));
        // a run whose result.json records no test accuracy: the summary says why rather than writing NaN
        StudyFolder folder = ElrTestFolders.build(TRAIN, c, tmp, 0, null, null);
        RunFolder f = folder.run(TRAIN.plan(c).get(0));
        f.complete(Map.of("stop_reason", "STEPS", "steps", 30, "test_accuracy", Double.NaN));
        ElrTestFolders.recordPreset(TRAIN, folder);
        Map<String, Object> summary = ElrTestFolders.analyse(TRAIN, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json"));
        JsonNode run = s.get("runs").get(0);
        assertEquals(30, run.get("recorded_steps").asInt());
        assertTrue(run.has("diverged_at_step") && run.get("diverged_at_step").isNull(), "every documented key is there: " + run);
        assertEquals("the run did not diverge", run.get("diverged_at_step_why_null").asText());
        assertEquals(0.5, run.get("test_accuracy").asDouble(), "the last held-out evaluation (eval.csv) when result.json has none");
        assertTrue(run.get("max_abs_orthogonality").asDouble() < 1e-5, "scale invariance: <w, g> = 0");
        assertTrue(run.get("final_spread").asDouble() < run.get("initial_spread").asDouble());
        assertFalse(TRAIN.verdictLines(summary).isEmpty());
        List<String> figures = ElrTestFolders.figures(tmp.resolve("report.html"));
        for (String fig : List.of("elr_heatmap_run-s0", "sigma_heatmap_run-s0", "base_gradient_heatmap_run-s0", "spread_run-s0",
                "lr_vs_critical_run-s0", "sigma_layers_run-s0", "elr_layers_run-s0", "loss_run-s0", "accuracy_run-s0")) {
            assertTrue(figures.contains(fig), fig + " missing from " + figures);
        }
        ElrTestFolders.assertNavigable(tmp.resolve("report.html"), ElrTestFolders.PRESET);
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("Data: <a href=\"runs/run-s0/elr.npy\">runs/run-s0/elr.npy</a>, <a href=\"runs/run-s0/layers.json\">"),
                "the ELR heatmap links the matrix and the layer names, relative to the page");
    }

    @Test
    void missingAccuracyIsNullWithItsReason(@TempDir Path tmp) {
        ElrConfig c = ElrTestFolders.config(TRAIN, Map.of("steps", "5", "lr", "0.3", "eval-every", "0"));
        StudyFolder folder = ElrTestFolders.build(TRAIN, c, tmp, 0, null, null);
        RunFolder f = folder.run(TRAIN.plan(c).get(0));
        // the loop evaluates at the end: empty eval.csv, and a result.json without accuracy, as a diverged run leaves them
        org.layerwise.io.Csv.write(f.file(ElrProbe.EVAL), List.of("step", "test_loss", "test_accuracy"), List.of());
        f.complete(Map.of("stop_reason", "DIVERGED", "steps", 5, "diverged_at_step", 4));
        ElrTestFolders.analyse(TRAIN, c, folder);
        JsonNode run = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json")).get("runs").get(0);
        assertTrue(run.get("test_accuracy").isNull());
        assertEquals("the run diverged", run.get("test_accuracy_why_null").asText());
        assertEquals(4, run.get("diverged_at_step").asInt());
    }

    /**
     * The live report, drawn between two steps of a run that trains (as LiveReport does, after flushing the
     * probe): it shows the steps so far, reloads itself, and writes no summary.json.
     */
    @Test
    void liveReportRendersAPartialRun(@TempDir Path tmp) throws Exception {
        ElrModelCheckStudy study = new ElrModelCheckStudy();
        ElrConfig c = ElrTestFolders.config(study, Map.of("steps", "40", "lr", "0.3", "freeze-after", "5"));
        StudyFolder folder = new StudyFolder(tmp);
        folder.writeConfig(c);
        RunSpec spec = study.plan(c).get(0);
        RunFolder f = folder.run(spec);
        int[] drawn = new int[1];
        ElrTestFolders.train(c, spec, f, 0, 40, null, probe -> List.of(new TrainingListener() {
            @Override
            public String name() {
                return "test-live";
            }

            @Override
            public void afterUpdate(StepView step) {
                if (step.step() == 14) { // the probe, listening first, has recorded step 14: flush and draw, as LiveReport does
                    probe.flush();
                    ElrAnalysis.analyse(study, c, folder, folder.scan(study.plan(c)), f, new PrintStream(OutputStream.nullOutputStream()));
                    drawn[0]++;
                }
            }
        }));
        assertEquals(1, drawn[0]);
        assertFalse(Files.exists(tmp.resolve("summary.json")), "a live report writes no summary.json");
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("http-equiv=\"refresh\"") && html.contains("live: last updated"), "the live page reloads itself");
        List<String> figures = ElrTestFolders.figures(tmp.resolve("report.html"));
        for (String fig : List.of("elr_heatmap_run-s0", "spread_predicted_run-s0", "elr_relative_error_run-s0", "lr_vs_critical_run-s0")) {
            assertTrue(figures.contains(fig), fig + " missing from " + figures);
        }
        assertTrue(html.contains("0 of 1 runs"), "the run is not complete yet");
        // a live page links only what the run has written so far, and no summary.json (it has none yet)
        ElrTestFolders.assertNavigable(tmp.resolve("report.html"), null);
    }
}
