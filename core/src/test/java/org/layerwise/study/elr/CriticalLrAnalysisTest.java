package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Npy;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyFolder;

/** The critical-LR analysis on a grid with a known answer, and on a real grid measured on the scale-invariant fake network. */
class CriticalLrAnalysisTest {
    private static final ElrCriticalLrStudy STUDY = new ElrCriticalLrStudy();

    private static ElrTestFolders.Extras experiment(ElrConfig c) {
        return (net, loader, folder) -> List.of(ElrCriticalLrStudy.experiment(c, net, loader, folder.dir()));
    }

    /**
     * Two layers with ratios r = (4, 1/4), so the predicted critical LR is 1 / sqrt(4 / 4) = 1. Written by
     * hand: the extreme layers keep their order up to lr 1 and swap above it (swap boundary 1), ln S falls
     * fastest at lr 1, and only lr 4 widens the spread (largest non-widening 2).
     */
    @Test
    void handWrittenGridGivesTheKnownEstimates(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "4", "lr", "0.3", "at-steps", "0", "factors", "1"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, experiment(c));
        RunSpec spec = STUDY.plan(c).get(0);
        RunFolder f = folder.run(spec);
        double[] lrs = {0.25, 0.5, 1, 2, 4};
        double[][] after = {{0.9, 0.2}, {1.5, 0.4}, {0.5, 0.45}, {0.5, 0.8}, {0.1, 3.2}};
        StringBuilder csv = new StringBuilder(String.join(",", CriticalLrExperiment.HEADER)).append('\n');
        double[] before = new double[2 * lrs.length];
        double[] afterFlat = new double[2 * lrs.length];
        for (int i = 0; i < lrs.length; i++) {
            before[2 * i] = 4 * lrs[i];
            before[2 * i + 1] = 0.25 * lrs[i];
            afterFlat[2 * i] = after[i][0];
            afterFlat[2 * i + 1] = after[i][1];
            double sb = 16;
            double sa = Math.max(after[i][0], after[i][1]) / Math.min(after[i][0], after[i][1]);
            csv.append(String.format(java.util.Locale.ROOT, "0,%s,%s,1.0,1,%s,%s,%s,%s,%s,0,1,0,0%n", lrs[i], lrs[i], sb, sa, Math.log(sa / sb),
                    after[i][0] >= after[i][1], sa > sb));
        }
        Files.writeString(f.file(CriticalLrExperiment.TABLE), csv);
        Npy.writeFloat32(f.file(CriticalLrExperiment.BEFORE), before, lrs.length, 2);
        Npy.writeFloat32(f.file(CriticalLrExperiment.AFTER), afterFlat, lrs.length, 2);
        f.complete(Map.of("stop_reason", "STEPS", "steps", 4, "test_accuracy", 0.5)); // new checksums for the rewritten files

        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json"));
        assertEquals(1, s.get("grids").size());
        JsonNode g = s.get("grids").get(0);
        assertEquals(0, g.get("at_step").asLong());
        assertEquals(5, g.get("candidates").asInt());
        assertEquals(1.0, g.get("predicted").asDouble());
        assertEquals(1.0, g.get("swap_boundary").get("lr").asDouble());
        assertEquals(1.0, g.get("swap_boundary").get("ratio_to_predicted").asDouble());
        assertEquals(1.0, g.get("fastest_decay").get("lr").asDouble());
        assertEquals(2.0, g.get("no_widening").get("lr").asDouble());
        // 1 and 2 are inner candidates: bracketed
        assertEquals("=", g.get("swap_boundary").get("bound").asText());
        assertEquals("=", g.get("fastest_decay").get("bound").asText());
        assertEquals("=", g.get("no_widening").get("bound").asText());
        assertEquals(1.0, g.get("swap_boundary").get("bound_ratio_to_predicted").asDouble());
        // factors 0.25 .. 4 of the predicted 1: the one at 4 widens, the one at 0.25 does not
        JsonNode w = g.get("widening");
        assertEquals(4.0, w.get("above_factor_min").asDouble());
        assertEquals(0.25, w.get("below_factor_max").asDouble());
        assertEquals(1.0, w.get("above").asDouble());
        assertEquals(0.0, w.get("below").asDouble());
        assertEquals(Math.log(3.2 / 0.1 / 16), w.get("mean_log_change_above").asDouble(), 1e-5);
        assertEquals(Math.log(0.9 / 0.2 / 16), w.get("mean_log_change_below").asDouble(), 1e-5);
        assertTrue(w.get("holds").asBoolean());
        assertTrue(s.get("headline") == null || !s.toString().contains("median"), s.toString());
        // the headline leads with the test's outcome, then one ratio per rule (per-grid detail is in the bullets)
        assertEquals("steps at ≥×4 the predicted critical LR widen the spread and at ≤×0.25 do not at 1 of 1 grid(s); empirical / predicted:"
                + " swap boundary ×1.00, fastest spread decay ×1.00, largest non-widening ×2.00", s.get("headline").asText());
        List<String> figures = ElrTestFolders.figures(tmp.resolve("report.html"));
        for (String fig : List.of("critical_lr_spread_change", "critical_lr_predicted_vs_empirical", "lr_vs_critical_run-s0", "spread_run-s0",
                "elr_heatmap_run-s0")) {
            assertTrue(figures.contains(fig), fig + " missing from " + figures);
        }
    }

    /** A grid where every candidate swaps: the swap boundary is null with the reason, and summary.json stays valid. */
    @Test
    void estimateNotFoundIsNullWithItsReason(@TempDir Path tmp) throws Exception {
        ElrConfig c = ElrTestFolders.config(STUDY, Map.of("steps", "4", "lr", "0.3", "at-steps", "0", "factors", "1"));
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, experiment(c));
        RunFolder f = folder.run(STUDY.plan(c).get(0));
        Files.writeString(f.file(CriticalLrExperiment.TABLE), String.join(",", CriticalLrExperiment.HEADER) + "\n"
                + "0,1,1,1,1,16,16,0,false,false,0,1,0,0\n0,2,2,1,1,16,32,0.69,false,true,0,1,0,0\n");
        Npy.writeFloat32(f.file(CriticalLrExperiment.BEFORE), new double[] {4, 0.25, 8, 0.5}, 2, 2);
        Npy.writeFloat32(f.file(CriticalLrExperiment.AFTER), new double[] {0.25, 4, 0.25, 8}, 2, 2);
        f.complete(Map.of("stop_reason", "STEPS", "steps", 4));
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode g = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json")).get("grids").get(0);
        assertTrue(g.get("swap_boundary").get("lr").isNull());
        assertTrue(g.get("swap_boundary").get("lr_why_null").asText().contains("no candidate kept the order"), g.toString());
        assertTrue(g.get("fastest_decay").get("lr").isNull());
        // none kept the order: at most the smallest candidate; nothing decayed: no bound
        assertEquals("<=", g.get("swap_boundary").get("bound").asText());
        assertEquals(1.0, g.get("swap_boundary").get("bound_lr").asDouble());
        assertTrue(g.get("fastest_decay").get("bound").isNull());
        assertTrue(g.get("widening").get("holds").isNull(), "no candidate at factor >= 4: not judged");
    }

    /**
     * The grid, with several steps on several batches and extensions, leaves the training run exactly as
     * it is without it (the state is restored after every candidate), and measures what it says: a row
     * per candidate and batch offset, the offsets on different batches.
     */
    @Test
    void theGridLeavesTrainingUntouched(@TempDir Path tmp) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>(Map.of("steps", "12", "lr", "0.3", "at-steps", "0,5", "factors", "0.5,1,2",
                "grid-steps", "3", "grid-batches", "2", "grid-max-extensions", "2"));
        ElrConfig c = ElrTestFolders.config(STUDY, flags);
        StudyFolder with = ElrTestFolders.build(STUDY, c, tmp.resolve("with"), 0.9, null, experiment(c));
        StudyFolder without = ElrTestFolders.build(STUDY, c, tmp.resolve("without"), 0.9, null, null);
        RunSpec spec = STUDY.plan(c).get(0);
        assertEquals(Files.readString(without.run(spec).file("steps.csv")), Files.readString(with.run(spec).file("steps.csv")));
        List<ElrRunData.GridRow> rows = ElrRunData.load(spec, with.run(spec), true, c).criticalLrGrid();
        List<String> lines = Files.readAllLines(with.run(spec).file(CriticalLrExperiment.TABLE));
        assertEquals(rows.size() + 1, lines.size());
        assertEquals(0, rows.size() % 2, "every candidate on both offsets");
        Map<Long, int[]> ext = new LinkedHashMap<>(); // per at-step: extensions up, down
        for (int i = 0; i < rows.size(); i += 2) {
            assertEquals(rows.get(i).lr(), rows.get(i + 1).lr());
            assertTrue(rows.get(i).elrBefore()[0] != rows.get(i + 1).elrBefore()[0], "offsets 0 and 1 start on different batches");
            String[] cells = lines.get(i + 1).split(",");
            int e = Integer.parseInt(cells[cells.length - 1]);
            int[] ud = ext.computeIfAbsent(rows.get(i).atStep(), k -> new int[2]);
            if (e != 0) {
                double f = rows.get(i).factor();
                assertEquals(e > 0 ? 2 * Math.pow(4, e) : 0.5 / Math.pow(4, -e), f, 1e-12, "extension " + e + " multiplies the edge by 4");
            }
            ud[0] = Math.max(ud[0], e);
            ud[1] = Math.max(ud[1], -e);
        }
        ElrTestFolders.analyse(STUDY, c, with);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("with").resolve("summary.json"));
        assertEquals(2, s.get("grids").size());
        for (JsonNode g : s.get("grids")) {
            assertEquals(2, g.get("grid_batches").asInt());
            assertEquals(3, g.get("grid_steps").asInt());
            int[] ud = ext.get(g.get("at_step").asLong());
            assertEquals(3 + ud[0] + ud[1], g.get("candidates").asInt());
            for (String rule : List.of("swap_boundary", "no_widening")) {
                String b = g.get(rule).get("bound").asText();
                // a bound other than "=" only where the extensions ran out on that side
                if (b.equals(">=")) {
                    assertEquals(2, ud[0], rule + ": " + g);
                } else if (b.equals("<=")) {
                    assertEquals(2, ud[1], rule + ": " + g);
                } else {
                    assertEquals("=", b);
                }
            }
        }
    }

    /**
     * A grid measured by the experiment itself on the fake network: one entry per at-step, whose
     * predicted critical LR is the one the probe recorded for the same state and batch.
     */
    @Test
    void measuredGridAgreesWithTheProbe(@TempDir Path tmp) {
        Map<String, String> flags = new LinkedHashMap<>(Map.of("steps", "25", "lr", "0.3", "at-steps", "0,10,20", "factors",
                "0.1,0.25,0.5,0.8,1.25,2,4,10"));
        ElrConfig c = ElrTestFolders.config(STUDY, flags);
        StudyFolder folder = ElrTestFolders.build(STUDY, c, tmp, 0, null, experiment(c));
        ElrTestFolders.recordPreset(STUDY, folder);
        ElrTestFolders.analyse(STUDY, c, folder);
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("summary.json"));
        ElrTestFolders.assertNavigable(tmp.resolve("report.html"), ElrTestFolders.PRESET);
        RunSpec spec = STUDY.plan(c).get(0);
        ElrRunData run = ElrRunData.load(spec, folder.run(spec), true, c);
        assertEquals(3, s.get("grids").size());
        for (int i = 0; i < 3; i++) {
            JsonNode g = s.get("grids").get(i);
            int at = g.get("at_step").asInt();
            assertEquals(new int[] {0, 10, 20}[i], at);
            assertEquals(run.criticalLr[at], g.get("predicted").asDouble(), 1e-9 * run.criticalLr[at], "step " + at);
            assertEquals(8, g.get("candidates").asInt());
            // the smallest candidate keeps the order on this network; where the boundary lies depends on how c responds to the step
            assertTrue(g.get("swap_boundary").get("ratio_to_predicted").asDouble() >= 0.1 - 1e-9, g.toString());
        }
    }
}
