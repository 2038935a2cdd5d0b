package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.config.ConfigException;
import org.layerwise.data.DataException;
import org.layerwise.io.Npy;
import org.layerwise.study.StudyFolder;

/**
 * {@code layerwise elr analyze FOLDER} on a folder the Python probe wrote (python/example.py, the README's
 * example, run with Debian's python3-torch), on a run of an ELR study, and on folders it cannot analyse.
 * This module has no libtorch on its class path (ArchitectureTest), so every analysis here runs without it.
 */
class AnalyzeCommandTest {
    private static final AnalyzeCommand ANALYZE = AnalyzeCommand.INSTANCE;

    /** What the command printed, and its exit code. */
    private record Run(int code, String out) {
    }

    private static Run analyze(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = ANALYZE.run(List.of(args), new PrintStream(buf, true, StandardCharsets.UTF_8));
        return new Run(code, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void analysesAFolderThePythonProbeWroteAndSaysWhatItCouldNotDo(@TempDir Path tmp) throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.bytedeco.pytorch.Tensor"), "libtorch is not on this class path");
        String python = python(tmp);
        Assumptions.assumeTrue(python != null, "no /usr/bin/python3 (or $LAYERWISE_PYTHON) with torch: install python3-torch");
        Path run = tmp.resolve("my-net");
        example(python, tmp, run, 12);

        Run r = analyze(run.toString(), "--out", tmp.resolve("report").toString());
        assertEquals(0, r.code(), r.out());
        JsonNode s = ElrTestFolders.assertValidSummary(tmp.resolve("report/summary.json"));
        assertEquals("external", s.path("origin").asText(), r.out());
        assertEquals("layerwise_probe.py 1", s.path("provenance").path("writer").asText());
        assertEquals(12, s.path("run").path("recorded_steps").asInt());
        // plain SGD on exactly scale-invariant weights: the replay with the measured c reproduces the run to float32 precision
        double e = s.path("model_check").path("replays").path(0).path("measured_c").path("elr_relative_error").path("final_median").asDouble(1);
        assertTrue(e < 1e-4, "replay (a), median relative error of the ELR at the last step: " + e);
        assertEquals(11, s.path("critical_lr").path("along_run").path("pairs").asInt(), "every consecutive pair judged: " + s.path("critical_lr"));
        String html = Files.readString(tmp.resolve("report/report.html"));
        assertTrue(html.contains("External run") && html.contains("layerwise did not train this network"), "the report marks the run external");
        assertTrue(html.contains("Predicted against measured"), "the model check's figures");
        assertTrue(r.out().contains("not analysed: empirical critical LRs"), r.out());

        // the same folder without its base gradients and held-out evaluation: analysed, and it says what it could not do
        Files.delete(run.resolve("base_gradient.npy"));
        Files.write(run.resolve("eval.csv"), new byte[0]);
        Run lacking = analyze(run.toString());
        assertEquals(0, lacking.code(), lacking.out());
        JsonNode t = ElrTestFolders.assertValidSummary(run.resolve("summary.json"));
        assertTrue(t.path("model_check").isNull(), t.path("model_check").toString());
        assertTrue(t.path("model_check_why_null").asText().contains("base_gradient.npy"), t.path("model_check_why_null").asText());
        assertEquals("[\"base_gradient.npy\"]", t.path("files_missing").toString());
        List<String> gaps = new ArrayList<>();
        t.path("not_analysed").forEach(g -> gaps.add(g.path("analysis").asText() + ": " + g.path("needs").asText()));
        assertTrue(gaps.stream().anyMatch(g -> g.startsWith("model check") && g.contains("base_gradient.npy")), gaps.toString());
        assertTrue(gaps.stream().anyMatch(g -> g.startsWith("held-out loss and accuracy")), gaps.toString());
        assertTrue(lacking.out().contains("not analysed: model check") && lacking.out().contains("base_gradient.npy"), lacking.out());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Not analysed, and what it would need"));
    }

    @Test
    void aRunOfAStudyIsAnalysedWithTheStudysSettings(@TempDir Path tmp) throws Exception {
        ElrTrainStudy study = new ElrTrainStudy();
        ElrConfig c = ElrTestFolders.config(study, Map.of("steps", "12", "lr", "0.3"));
        ElrTestFolders.recordPreset(study, ElrTestFolders.build(study, c, tmp.resolve("study"), 0, null, null));
        Path run = tmp.resolve("study/runs/run-s0");
        Run r = analyze(run.toString());
        assertEquals(0, r.code(), r.out());
        // the page names the study's preset, and links the run's files beside it; written elsewhere (--out) it links them there
        ElrTestFolders.assertNavigable(run.resolve("report.html"), ElrTestFolders.PRESET);
        Run elsewhere = analyze(run.toString(), "--out", tmp.resolve("page").toString());
        assertEquals(0, elsewhere.code(), elsewhere.out());
        ElrTestFolders.assertNavigable(tmp.resolve("page/report.html"), ElrTestFolders.PRESET);
        assertTrue(Files.readString(tmp.resolve("page/report.html")).contains("href=\"../study/runs/run-s0/steps.csv\""),
                "links relative to the page, into the run folder");
        JsonNode s = ElrTestFolders.assertValidSummary(run.resolve("summary.json"));
        assertEquals("study", s.path("origin").asText());
        double e = s.path("model_check").path("replays").path(0).path("measured_c").path("sigma_relative_error").path("worst").asDouble(1);
        assertTrue(e < 1e-5, "the fake network is scale-invariant by construction: replay (a) is exact up to float32, got " + e);
        assertEquals(11, s.path("critical_lr").path("along_run").path("pairs").asInt());
        assertTrue(!Files.readString(run.resolve("report.html")).contains("External run"), "a study's run is not marked external");
    }

    @Test
    void aFolderItCannotAnalyseIsOneLineNamingTheFolderAndWhatIsExpected(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("nope");
        assertMessage(ConfigException.class, missing, "no such folder; expected a run folder with layers.json, steps.csv", missing.toString());
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertMessage(ConfigException.class, file, "is a file; expected a run folder", file.toString());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertMessage(ConfigException.class, empty, "is not a run folder of the ELR probe: no layers.json; expected layers.json", empty.toString());
        Path studyDir = Files.createDirectories(tmp.resolve("study/runs"));
        Files.writeString(tmp.resolve("study").resolve(StudyFolder.CONFIG), "{}");
        assertMessage(ConfigException.class, tmp.resolve("study"), "is a study folder, not a run folder", "layerwise report");

        // a real run folder, then damaged one file at a time
        ElrTrainStudy study = new ElrTrainStudy();
        ElrTestFolders.build(study, ElrTestFolders.config(study, Map.of("steps", "4")), tmp.resolve("s"), 0, null, null);
        Path run = tmp.resolve("s/runs/run-s0");
        Path bad = copy(run, tmp.resolve("no-steps"));
        Files.write(bad.resolve("steps.csv"), new byte[0]);
        assertMessage(ConfigException.class, bad, "steps.csv is empty", bad.toString());
        bad = copy(run, tmp.resolve("bad-header"));
        Files.writeString(bad.resolve("steps.csv"), "step,loss\n0,1.0\n");
        assertMessage(DataException.class, bad, "no column 'epoch'; expected the header step,epoch,loss", bad.resolve("steps.csv").toString());
        bad = copy(run, tmp.resolve("bad-layers"));
        Files.writeString(bad.resolve("layers.json"), "{\"layers\": [");
        assertMessage(DataException.class, bad, "layers.json", bad.resolve("layers.json").toString());
        bad = copy(run, tmp.resolve("bad-matrix"));
        Npy.writeFloat32(bad.resolve("sigma.npy"), new double[] {1, 2}, 1, 2);
        assertMessage(DataException.class, bad, "expected a matrix (recorded steps x 3 layers of layers.json), found shape [1, 2]",
                bad.resolve("sigma.npy").toString());
        assertTrue(Files.notExists(studyDir.resolve("report.html")));
        ConfigException noFolder = assertThrows(ConfigException.class, () -> analyze());
        assertTrue(noFolder.getMessage().contains("expected one run folder"), noFolder.getMessage());
        ConfigException option = assertThrows(ConfigException.class, () -> analyze(run.toString(), "--steps", "3"));
        assertTrue(option.getMessage().contains("unknown option --steps"), option.getMessage());
    }

    /** Which recorded optimizers the model check can replay, and why not the others. */
    @Test
    void theModelDescribesSgdWithOneMomentumAndWeightDecay() {
        JsonNode plain = json("{\"type\": \"SGD\", \"param_groups\": [{\"lr\": 0.1, \"momentum\": 0.9, \"dampening\": 0, \"weight_decay\": 5e-4,"
                + " \"nesterov\": false, \"normalized_layers\": [0, 1]}, {\"lr\": 0.1, \"momentum\": 0.9, \"weight_decay\": 0, \"normalized_layers\": []}]}");
        Object m = RecordedRun.sgdModel(plain, 2);
        assertTrue(m instanceof org.layerwise.analysis.elr.ElrModel e && e.momentum() == 0.9 && e.weightDecay() == 5e-4, String.valueOf(m));
        assertEquals("the model describes SGD (elr-model.md §3); this run was trained with Adam",
                RecordedRun.sgdModel(json("{\"type\": \"Adam\", \"param_groups\": []}"), 2));
        assertTrue(RecordedRun.sgdModel(json("{\"type\": \"SGD\", \"param_groups\": [{\"momentum\": 0.9, \"nesterov\": true,"
                + " \"normalized_layers\": [0, 1]}]}"), 2).toString().contains("Nesterov"));
        assertTrue(RecordedRun.sgdModel(json("{\"type\": \"SGD\", \"param_groups\": [{\"weight_decay\": 0.1, \"normalized_layers\": [0]},"
                + " {\"weight_decay\": 0, \"normalized_layers\": [1]}]}"), 2).toString().contains("different momentum or weight decay"));
        assertTrue(RecordedRun.sgdModel(json("{\"type\": \"SGD\", \"param_groups\": [{\"normalized_layers\": [0]}]}"), 2).toString()
                .contains("1 of 2"));
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T extends RuntimeException> void assertMessage(Class<T> type, Path folder, String expected, String names) {
        T e = assertThrows(type, () -> analyze(folder.toString()));
        String m = e.getMessage();
        assertTrue(m.contains(expected) && m.contains(names), "message: " + m);
        assertTrue(!m.contains("\n"), "one line: " + m);
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** Runs python/example.py (the README's example) for {@code steps} steps into {@code run}. */
    private static void example(String python, Path dir, Path run, int steps) throws IOException, InterruptedException {
        Path script = Path.of("..", "python", "example.py").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "the example is at " + script);
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), run.toString(), "--steps", Integer.toString(steps))
                .directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("example.py did not finish in 120 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), "example.py failed:\n" + output);
    }

    /** $LAYERWISE_PYTHON or /usr/bin/python3 when it imports torch, else null. */
    static String python(Path dir) throws InterruptedException {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("LAYERWISE_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("/usr/bin/python3");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import torch").directory(dir.toFile()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not there: the next
            }
        }
        return null;
    }
}
