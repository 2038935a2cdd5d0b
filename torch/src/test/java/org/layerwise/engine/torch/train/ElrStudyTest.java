package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.engine.torch.Natives;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyRegistry;
import org.layerwise.study.StudyRunner;

/** The ELR studies end to end on libtorch, at toy size: grids, folders, resume, and the critical-LR experiment's restores. */
class ElrStudyTest {
    @BeforeAll
    static void natives() {
        Natives.load();
    }

    static Map<String, String> tiny() {
        Map<String, String> m = new HashMap<>(Map.of("dataset", "synthetic", "train-size", "128", "test-size", "64", "depth", "8",
                "batch-size", "16", "steps", "24", "threads", "1", "checkpoint-every", "8", "report-every-seconds", "0"));
        m.put("augment", "true");
        return m;
    }

    static StudyConfig config(String study, Map<String, String> flags) {
        return StudyConfigs.resolve(StudyRegistry.get(study), null, null, flags);
    }

    static StudyRunner.Outcome runAll(String study, Map<String, String> flags, Path out) {
        return new StudyRunner(StudyRegistry.get(study), config(study, flags), out, StudyRunner.Options.defaults(List.of("test")),
                new PrintStream(new ByteArrayOutputStream())).runAll();
    }

    @Test
    void trainabilityGridRunsAndReports(@TempDir Path tmp) throws Exception {
        Map<String, String> f = tiny();
        f.put("depths", "8");
        f.put("warmups", "none,elr");
        StudyRunner.Outcome o = runAll("elr-trainability", f, tmp);
        assertTrue(o.failedRuns().isEmpty(), o.failedRuns().toString());
        for (String run : List.of("short-none-d8-s0", "short-elr-d8-s0", "no-short-none-d8-s0", "no-short-elr-d8-s0")) {
            assertTrue(new RunFolder(tmp.resolve("runs").resolve(run), run).verify().isEmpty(), run);
        }
        assertEquals("4 of 4 runs", o.summary().get("coverage"));
        assertTrue(Files.readString(tmp.resolve("report.html")).contains("<svg"));
        assertFalse(Files.readString(tmp.resolve("summary.json")).contains("NaN"));
        // the ELR warm-up never steps above the critical LR it measured
        Csv.Columns s = Csv.readColumns(tmp.resolve("runs/no-short-elr-d8-s0/steps.csv"));
        double[] lr = s.column("lr");
        double[] crit = s.column("critical_lr_predicted");
        for (int t = 0; t < lr.length; t++) {
            assertTrue(lr[t] <= Math.min(0.1, crit[t]) * (1 + 1e-9), "step " + t + ": lr " + lr[t] + ", critical " + crit[t]);
        }
    }

    /** Stopped after update 13 (checkpoint at 8... and at the stop) and resumed: the probe's files equal an uninterrupted run's. */
    @Test
    void resumedRunIsBitIdentical(@TempDir Path tmp) throws Exception {
        Study study = StudyRegistry.get("elr-train");
        StudyConfig c = config("elr-train", tiny());
        RunSpec run = study.plan(c).get(0);
        Path a = tmp.resolve("straight");
        Path b = tmp.resolve("resumed");
        Map<String, Object> r = ResumeTwice.train(study, c, run, a, b, 13);
        assertEquals(13L, r.get("resumed_at_step"));
        for (String file : List.of("sigma.npy", "elr.npy", "angular_update.npy", "elr_long.csv", "steps.csv", "eval.csv")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(run.folder()).resolve(file)), Files.readAllBytes(b.resolve(run.folder()).resolve(file)), file);
        }
    }

    /** The critical-LR experiment restores the exact state after every candidate: its run trains exactly as a plain run. */
    @Test
    void criticalLrGridLeavesTheRunUntouched(@TempDir Path tmp) throws Exception {
        Map<String, String> f = tiny();
        f.put("at-steps", "0,5");
        f.put("factors", "0.1,1,10");
        f.put("grid-max-extensions", "0"); // the three factors as given: 3 rows per grid
        runAll("elr-critical-lr", f, tmp.resolve("crit"));
        runAll("elr-train", tiny(), tmp.resolve("plain"));
        Csv.Columns grid = Csv.readColumns(tmp.resolve("crit/runs/run-s0/critical_lr.csv"));
        assertEquals(6, grid.rows());
        double[] lr = grid.column("lr");
        double[] crit = grid.column("critical_lr_predicted");
        assertEquals(crit[0] * 10, lr[2], 1e-12 * lr[2]);
        for (String file : List.of("sigma.npy", "elr.npy", "steps.csv")) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("plain/runs/run-s0").resolve(file)),
                    Files.readAllBytes(tmp.resolve("crit/runs/run-s0").resolve(file)), file);
        }
        JsonNode r = Json.read(tmp.resolve("crit/runs/run-s0/result.json"));
        assertTrue(r.path("files").has("critical_lr.csv"), "the grid's table is part of the verified run");
    }
}
