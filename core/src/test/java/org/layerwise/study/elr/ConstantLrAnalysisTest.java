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
import org.layerwise.study.StudyFolder;

/** The constant-LR study: per rate the spread falls, and the replay with measured c reproduces it. */
class ConstantLrAnalysisTest {
    private static final ElrConstantLrStudy STUDY = new ElrConstantLrStudy();

    @Test
    void spreadFallsAndReplayWithMeasuredCReproducesIt(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "40", "lrs", "1,0.3,3"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, null);
        ElrTestFolders.recordPreset(STUDY, folder);
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json"));
        JsonNode lrs = s.get("constant_lrs");
        assertEquals(3, lrs.size());
        double[] expected = {0.3, 1, 3};
        for (int i = 0; i < 3; i++) {
            JsonNode r = lrs.get(i);
            assertEquals(expected[i], r.get("lr").asDouble(), "sorted by learning rate");
            double ratio = r.get("final_over_initial").asDouble();
            assertEquals(r.get("final_spread").asDouble() / r.get("initial_spread").asDouble(), ratio, 1e-12);
            assertTrue(ratio < 1, "under a constant rate the spread falls [paper]: " + r);
            // the measured c makes the replay exact here (scale invariance holds exactly), to float32 precision
            assertEquals(ratio, r.get("model_measured_c_final_over_initial").asDouble(), 1e-5 * ratio, r.toString());
            assertTrue(r.get("model_frozen_c_final_over_initial").asDouble() < 1, "the model's own prediction: ratios converge to 1");
        }
        assertTrue(lrs.get(2).get("final_over_initial").asDouble() < lrs.get(0).get("final_over_initial").asDouble(),
                "a larger rate contracts faster on this network");
        List<String> figures = ElrTestFolders.figures(tmp.resolve("report.html"));
        for (String f : List.of("constant_lr_spread_measured_c", "constant_lr_spread_frozen_c", "constant_lr_spread_ratio", "lr_over_critical",
                "elr_heatmap_lr0.3-s0", "elr_heatmap_lr3.0-s0")) {
            assertTrue(figures.contains(f), f + " missing from " + figures);
        }
        ElrTestFolders.assertNavigable(tmp.resolve("report.html"), ElrTestFolders.PRESET);
        assertTrue(Files.readString(tmp.resolve("report.html")).contains("Data: <a href=\"summary.json\">"), "the ratio chart: summary.json");

        // redrawn live, as while the last run trains: the summary.json left by the analysis above is not this page's numbers
        RunFolder training = folder.run(STUDY.plan(c).get(2));
        ElrAnalysis.analyse(STUDY, c, folder, folder.scan(STUDY.plan(c)), training, new PrintStream(OutputStream.nullOutputStream()));
        String live = Files.readString(tmp.resolve("report.html"));
        assertTrue(live.contains("live: last updated"), "a live page");
        assertFalse(live.contains("href=\"summary.json\""), "a live page links the run files, not an earlier summary.json");
        ElrTestFolders.assertNavigable(tmp.resolve("report.html"), ElrTestFolders.PRESET);
    }
}
