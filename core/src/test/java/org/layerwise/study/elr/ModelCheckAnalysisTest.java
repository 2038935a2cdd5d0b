package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.analysis.elr.ElrModel;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyFolder;

/** The model check on runs of a network where scale invariance is exact, so the replay with measured c has a known answer. */
class ModelCheckAnalysisTest {
    private static final ElrModelCheckStudy STUDY = new ElrModelCheckStudy();

    private static ElrRunData load(ElrConfig c, StudyFolder folder) {
        RunSpec spec = STUDY.plan(c).get(0);
        return ElrRunData.load(spec, folder.run(spec), true, c);
    }

    /**
     * Plain SGD on a scale-invariant network: sigma'^2 = sigma^2 (1 + e^2) exactly, so the model fed the
     * measured c reproduces every recorded sigma and e to the float32 precision of the files; c frozen
     * does not (the fake network's gradients change from batch to batch); the random walk follows (a).
     */
    @Test
    void replayWithMeasuredBaseGradientsReproducesTheRun(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "40", "lr", "0.3", "freeze-after", "5"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, null);
        ElrRunData run = load(c, folder);
        ModelReplay.Prediction a = ModelReplay.measuredC(run, ElrModel.sgd());
        double[][] sigma = run.matrix("sigma");
        double[][] elr = run.matrix("elr");
        assertEquals(40, sigma.length);
        for (int t = 0; t < sigma.length; t++) {
            for (int l = 0; l < 3; l++) {
                assertEquals(sigma[t][l], a.sigma()[t][l], 2e-6 * sigma[t][l], "sigma, step " + t + ", layer " + l);
                assertEquals(elr[t][l], a.elr()[t][l], 2e-6 * elr[t][l], "e, step " + t + ", layer " + l);
            }
        }
        assertTrue(a.elrError().worst() < 2e-6, "worst " + a.elrError().worst());

        ElrTestFolders.recordPreset(STUDY, folder);
        Map<String, Object> summary = ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json"));
        assertEquals(summary.get("headline"), s.get("headline").asText());
        ElrTestFolders.assertNavigable(tmp.resolve("report.html"), ElrTestFolders.PRESET);
        JsonNode replay = s.get("replays").get(0);
        assertTrue(replay.get("measured_c").get("sigma_relative_error").get("worst").asDouble() < 2e-6, replay.toString());
        assertTrue(replay.get("measured_c").get("elr_relative_error").get("worst").asDouble() < 2e-6, replay.toString());
        assertTrue(replay.get("frozen_c").get("elr_relative_error").get("worst").asDouble() > 1e-3,
                "frozen c is an approximation on this network: " + replay.get("frozen_c"));
        assertTrue(replay.get("frozen_c").get("description").asText().contains("frozen after 5"));
        assertTrue(replay.get("random_walk").get("sigma_relative_error").get("worst").asDouble() < 2e-6, replay.toString());
        assertEquals(3, replay.get("random_walk").get("layers_simulated").asInt());
        assertEquals(0.0, s.get("model").get("momentum").asDouble());

        List<String> figures = ElrTestFolders.figures(tmp.resolve("report.html"));
        for (String f : List.of("sigma_measured_c_run-s0", "sigma_frozen_c_run-s0", "sigma_random_walk_run-s0", "elr_measured_c_run-s0",
                "elr_frozen_c_run-s0", "elr_random_walk_run-s0", "spread_predicted_run-s0", "sigma_relative_error_run-s0",
                "elr_relative_error_run-s0", "elr_heatmap_run-s0", "lr_vs_critical_run-s0")) {
            assertTrue(figures.contains(f), f + " missing from " + figures);
            assertTrue(Files.exists(tmp.resolve("plots/" + f + ".png")), f);
        }
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("tag-paper") && html.contains("tag-derived"));
        assertTrue(html.contains("plain SGD: sigma_{t+1}^2"), "the model's assumptions are printed beside the plots");
        assertFalse(html.contains("http-equiv=\"refresh\""), "a finished report does not reload itself");
    }

    /** With momentum the extended model is used, its approximation is printed, and Algorithm 1 (plain SGD) is left out with a reason. */
    @Test
    void momentumUsesTheExtendedModelAndSaysSo(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "30", "lr", "0.2", "momentum", "0.5", "freeze-after", "5"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0.5, null, null);
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json"));
        assertEquals(0.5, s.get("model").get("momentum").asDouble());
        assertTrue(s.get("model").get("assumptions").toString().contains("APPROXIMATION"));
        JsonNode replay = s.get("replays").get(0);
        assertTrue(replay.get("random_walk").isNull());
        assertTrue(replay.get("random_walk_why_null").asText().contains("plain SGD"));
        // <g, v> = 0 does not hold on this network, so the momentum model is only approximate, but it must stay close for the norms
        assertTrue(replay.get("measured_c").get("sigma_relative_error").get("worst").asDouble() < 0.1, replay.toString());
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("APPROXIMATION: &lt;g_t, v_{t-1}&gt; = 0"), "the approximation is printed beside the plots");
    }

    /** Recording every 2nd step: c and eta are held over the gap, which the prediction states as an approximation. */
    @Test
    void sparseRecordsAreReplayedWithTheGapStated(@TempDir Path tmp) {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "30", "lr", "0.3", "probe-every", "2", "freeze-after", "3"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, null);
        ElrRunData run = load(c, folder);
        assertEquals(15, run.rows());
        assertEquals(28.0, run.step[14]);
        ModelReplay.Prediction a = ModelReplay.measuredC(run, ElrModel.sgd());
        assertTrue(a.assumptions().stream().anyMatch(x -> x.contains("every 2 steps")), a.assumptions().toString());
        // holding c over one unrecorded step is close, not exact
        double worst = a.sigmaError().worst();
        assertTrue(worst > 1e-7 && worst < 0.05, "worst " + worst);
    }

    /** The followed layers: first, middle, last and the extreme ones at the start, each once. */
    @Test
    void followedLayersAreFirstMiddleLastAndExtremes(@TempDir Path tmp) {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "5", "lr", "0.3", "freeze-after", "2"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, null);
        ElrRunData run = load(c, folder);
        int[] picked = ElrFigures.pickedLayers(run);
        assertEquals(List.of(0, 1, 2), java.util.Arrays.stream(picked).boxed().toList());
        // FakeNetwork scales layer l by 3^l: the stem has the largest ELR, the last layer the smallest
        assertEquals("layer 1 (first, largest e at start)", ElrFigures.layerLabel(run, 0));
        assertEquals("layer 3 (last, smallest e at start)", ElrFigures.layerLabel(run, 2));
        RunFolder f = folder.run(STUDY.plan(c).get(0));
        assertTrue(Files.exists(f.file("base_gradient.npy")));
    }
}
