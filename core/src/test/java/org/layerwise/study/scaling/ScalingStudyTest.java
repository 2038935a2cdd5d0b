package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.config.ConfigException;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.study.StudyRunner;

class ScalingStudyTest {
    private static Map<String, String> tiny() {
        return Map.of("train-size", "200", "batch-size", "50", "max-updates", "60", "depth-min", "3", "depth-max", "40",
                "depth-base", "2", "seeds", "1", "threads", "2", "checkpoint-every", "20");
    }

    static Map<String, Object> run(ScalingConfig cfg, Path dir, PrintStream log) {
        return new StudyRunner(ScalingStudy.INSTANCE, cfg, dir, StudyRunner.Options.defaults(List.of("test")), log).runAll().summary();
    }

    @Test
    void smallStudyWritesEverythingAndResumes(@TempDir Path tmp) throws Exception {
        ScalingConfig cfg = ScalingConfig.resolve(null, null, tiny());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Map<String, Object> summary = run(cfg, tmp, new PrintStream(log));
        for (String f : List.of("config.json", "provenance.json", "summary.json", "metrics.csv", "fits.csv", "report.html",
                "plots/max_norm_vs_depth.png", "plots/max_norm_vs_depth.svg", "plots/hypothesis_A.svg", "plots/trend_noise.png",
                "depths/L00032-s0/A.npy", "depths/L00032-s0/result.json", "depths/L00032-s0/entry_paths.npy",
                "plots/entry_training_paths.png")) {
            assertTrue(Files.exists(tmp.resolve(f)), f);
        }
        assertFalse(Files.exists(tmp.resolve("depths/L00032-s0/checkpoint.bin")), "checkpoint removed once complete");
        assertEquals(List.of(32, 32, 32), List.of(Npy.read(tmp.resolve("depths/L00032-s0/A.npy")).shape()[0],
                Npy.read(tmp.resolve("depths/L00032-s0/A.npy")).shape()[0], Npy.read(tmp.resolve("depths/L00032-s0/b.npy")).shape()[0]));
        JsonNode s = Json.read(tmp.resolve("summary.json"));
        assertTrue(s.get("exponents").has("beta_A"));
        assertTrue(s.get("exponents").get("beta_A").get("lower").asDouble() <= s.get("exponents").get("beta_A").get("value").asDouble());
        assertTrue(s.get("regime").get("label").asText().length() > 3);
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Verdict"));
        assertTrue(Json.read(tmp.resolve("provenance.json")).has("git_commit"));
        assertEquals(4, summary.get("runs")); // depths 4, 8, 16, 32

        // a second run skips everything and reproduces the same summary
        ByteArrayOutputStream log2 = new ByteArrayOutputStream();
        run(cfg, tmp, new PrintStream(log2));
        assertTrue(log2.toString().contains("4 already done"), log2.toString());
        assertEquals(s.get("exponents"), Json.read(tmp.resolve("summary.json")).get("exponents"));
    }

    /**
     * A study trained with 1 thread per run and one trained with 2 threads per run write the same
     * weights bit for bit: batches of 600 are three kernel chunks, reduced in a fixed order whatever
     * the threads (README: "Threads and reproducibility").
     */
    @Test
    void theThreadCountDoesNotChangeAnyRun(@TempDir Path tmp) throws Exception {
        Map<String, String> base = new java.util.HashMap<>(tiny());
        base.putAll(Map.of("train-size", "600", "batch-size", "600", "max-updates", "12", "depth-max", "16", "width", "20"));
        Map<String, String> one = new java.util.HashMap<>(base);
        one.putAll(Map.of("threads", "1", "kernel-threads", "1"));
        Map<String, String> two = new java.util.HashMap<>(base);
        two.putAll(Map.of("threads", "2", "kernel-threads", "2"));
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        run(ScalingConfig.resolve(null, null, one), tmp.resolve("one"), quiet);
        run(ScalingConfig.resolve(null, null, two), tmp.resolve("two"), quiet);
        for (String depth : List.of("L00004-s0", "L00008-s0", "L00016-s0")) {
            assertEquals(2, Json.read(tmp.resolve("two/depths").resolve(depth).resolve("result.json")).get("threads").asInt(), depth);
            for (String f : List.of("A.npy", "b.npy")) {
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("one/depths").resolve(depth).resolve(f)),
                        Files.readAllBytes(tmp.resolve("two/depths").resolve(depth).resolve(f))), depth + "/" + f);
            }
        }
    }

    @Test
    void folderOfAnotherStudyIsRefused(@TempDir Path tmp) {
        ScalingConfig a = ScalingConfig.resolve(null, null, tiny());
        run(a, tmp, new PrintStream(new ByteArrayOutputStream()));
        java.util.HashMap<String, String> other = new java.util.HashMap<>(tiny());
        other.put("lr", "0.01");
        ScalingConfig b = ScalingConfig.resolve(null, null, other);
        ConfigException e = assertThrows(ConfigException.class, () -> run(b, tmp, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().startsWith("lr:"), e.getMessage());
        // every setting that changes a run counts, patience (plateau rule) included; the grid does not
        java.util.HashMap<String, String> patience = new java.util.HashMap<>(tiny());
        patience.put("patience", "9");
        ScalingConfig c = ScalingConfig.resolve(null, null, patience);
        ConfigException p = assertThrows(ConfigException.class, () -> run(c, tmp, new PrintStream(new ByteArrayOutputStream())));
        assertTrue(p.getMessage().startsWith("patience:"), p.getMessage());
        java.util.HashMap<String, String> wider = new java.util.HashMap<>(tiny());
        wider.put("depth-max", "70");
        run(ScalingConfig.resolve(null, null, wider), tmp, new PrintStream(new ByteArrayOutputStream()));
        assertTrue(java.nio.file.Files.exists(tmp.resolve("depths/L00064-s0/result.json")));
    }

    @Test
    void invalidConfigsNameTheKey() {
        assertMessage("depth-min", Map.of("depth-min", "-3"));
        assertMessage("activation: unknown value 'sigmoid'; allowed: one of tanh, relu, linear", Map.of("activation", "sigmoid"));
        assertMessage("depth-min (50) must not exceed depth-max (10)", Map.of("depth-min", "50", "depth-max", "10"));
        assertMessage("data-path: folder not found: /nope", Map.of("dataset", "mnist-idx", "data-path", "/nope"));
        assertMessage("lr: 'fast' is not valid", Map.of("lr", "fast"));
        assertMessage("unknown setting 'depht-max'", Map.of("depht-max", "3"));
        assertThrows(ConfigException.class, () -> ScalingConfig.resolve("huge", null, Map.of()));
    }

    private static void assertMessage(String expected, Map<String, String> flags) {
        ConfigException e = assertThrows(ConfigException.class, () -> ScalingConfig.resolve(null, null, flags));
        assertTrue(e.getMessage().startsWith(expected) || e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void presetsResolve() {
        assertEquals(44, ScalingConfig.resolve("paper-synthetic", null, Map.of()).depths().size());
        assertEquals(0.05, ScalingConfig.resolve("paper-synthetic", null, Map.of()).lr());
        assertEquals(100000, ScalingConfig.resolve("paper-synthetic", null, Map.of()).maxUpdates());
    }
}
