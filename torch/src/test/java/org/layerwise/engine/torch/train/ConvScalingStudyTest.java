package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.layerwise.config.ConfigException;
import org.layerwise.engine.torch.Natives;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyRegistry;
import org.layerwise.study.StudyRunner;

/** The conv scaling study end to end on libtorch at toy size: folders, spectra, fits, report, resume, bad input. */
class ConvScalingStudyTest {
    @BeforeAll
    static void natives() {
        Natives.load();
    }

    static Map<String, String> tiny() {
        return new HashMap<>(Map.of("dataset", "synthetic", "train-size", "64", "test-size", "32", "width", "2", "depths", "8,11,12",
                "batch-size", "16", "max-updates", "12", "threads", "1", "checkpoint-every", "4", "bootstrap", "0"));
    }

    static StudyConfig config(Map<String, String> flags) {
        return StudyConfigs.resolve(StudyRegistry.get("scaling-conv"), null, null, flags);
    }

    @Test
    void threeDepthsTrainFitAndReport(@TempDir Path tmp) throws Exception {
        StudyRunner.Outcome o = new StudyRunner(StudyRegistry.get("scaling-conv"), config(tiny()), tmp, StudyRunner.Options.defaults(List.of("test")),
                new PrintStream(new ByteArrayOutputStream())).runAll();
        assertTrue(o.failedRuns().isEmpty(), o.failedRuns().toString());
        assertEquals("3 of 3 runs", o.summary().get("coverage"));
        for (String run : List.of("L008-s0", "L011-s0", "L012-s0")) {
            RunFolder f = new RunFolder(tmp.resolve("depths").resolve(run), run);
            assertTrue(f.verify().isEmpty(), run + ": " + f.verify());
            JsonNode sp = Json.read(f.file("spectra.json"));
            assertEquals(Integer.parseInt(run.substring(1, 4)), sp.get("sigma_A").size(), "one sigma per block");
            assertTrue(Files.isRegularFile(f.file("kernels/layer3.0.conv1.weight.npy")));
        }
        JsonNode s = Json.read(tmp.resolve("summary.json"));
        assertTrue(s.at("/beta_A/value").isNumber(), s.toString());
        // runs.csv holds, column by column, what summary.json says of each run
        org.layerwise.io.Csv.Columns csv = org.layerwise.io.Csv.readColumns(tmp.resolve("runs.csv"));
        for (int i = 0; i < 3; i++) {
            JsonNode run = s.get("runs").get(i);
            for (String col : List.of("depth", "test_accuracy", "sigma_max_A", "sigma_max_Delta", "seconds")) {
                assertEquals(run.get(col).asDouble(), csv.column(col)[i], 1e-9 * Math.abs(run.get(col).asDouble()), col + " of run " + i);
            }
        }
        assertTrue(s.get("reduced").asText().contains("width 2"), "a toy setting says it is reduced: " + s.get("reduced"));
        assertTrue(s.get("headline").asText().contains("REDUCED"));
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("A reduced setting"), "figures and the reduced box");
        assertFalse(Files.readString(tmp.resolve("summary.json")).contains("NaN"));
    }

    /** Stopped after update 7 (checkpoint at 4 and at the stop, mid-epoch) and resumed: the same files as an uninterrupted run. */
    @Test
    void resumedRunIsBitIdentical(@TempDir Path tmp) throws Exception {
        Study study = StudyRegistry.get("scaling-conv");
        StudyConfig c = config(tiny());
        RunSpec run = study.plan(c).get(0);
        Path a = tmp.resolve("straight");
        Path b = tmp.resolve("resumed");
        Map<String, Object> r = ResumeTwice.train(study, c, run, a, b, 7);
        assertEquals(7L, r.get("resumed_at_step"), "the second call resumed from the checkpoint of the stop");
        for (String file : List.of("loss.csv", "spectra.json", "kernels/layer1.0.conv1.weight.npy", "kernels/layer4.1.conv2.weight.npy")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(run.folder()).resolve(file)), Files.readAllBytes(b.resolve(run.folder()).resolve(file)), file);
        }
    }

    @Test
    void badDepthsAreOneLineNamingTheKey() {
        Map<String, String> f = tiny();
        f.put("depths", "8,9");
        ConfigException e = assertThrows(ConfigException.class, () -> config(f));
        assertTrue(e.getMessage().startsWith("depths: ") && e.getMessage().contains("9 is not one"), e.getMessage());
        Map<String, String> g = tiny();
        g.put("dataset", "cifar10");
        StudyConfig cifar = config(g); // the settings are valid; the data are missing, which opening says in one line
        org.layerwise.data.DataException e2 = assertThrows(org.layerwise.data.DataException.class,
                () -> StudyRegistry.get("scaling-conv").open(cifar, System.out));
        assertTrue(e2.getMessage().startsWith("data-path: "), e2.getMessage());
    }
}
