package org.layerwise.engine.torch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.config.ConfigException;
import org.layerwise.engine.torch.model.ResNetSpec;

/** The benchmark's code path on a tiny network, its options, and the Python peer's architecture and environment. */
class ResNetBenchmarkTest {

    /** ResNet-8, batch 8, 2 steps after 1, no Python, a 4-step RSS run: every figure's line is printed. */
    @Test
    void tinyRunPrintsEveryFigure() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ResNetBenchmark.run(new ResNetBenchmark.Settings(1, 2, 1, 8, 8, "cpu", "none", 4), out);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String text = String.join("\n", lines);
        assertTrue(text.contains("python peer skipped (--python none)"), text);
        for (String variant : List.of("short", "no-short")) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(variant + ": layerwise ") && l.contains("with ELR probe")
                    && l.contains("libtorch bare") && l.contains("python n/a")), variant + " row missing:\n" + text);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ratio") && l.contains("n/a")), "ratio line missing:\n" + text);
        assertTrue(lines.stream().anyMatch(l -> l.contains("short minor page faults per step") && l.contains("python n/a")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("minor page faults per step") && l.matches(
                ".*: short layerwise \\d+, libtorch bare \\d+, python n/a; no-short layerwise \\d+, libtorch bare \\d+, python n/a")),
                "fault summary line missing:\n" + text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("glibc malloc: GLIBC_TUNABLES=")), "allocator setting line missing:\n" + text);
        String overhead = lines.stream().filter(l -> l.contains("overhead")).findFirst().orElse(null);
        assertNotNull(overhead, "overhead line missing:\n" + text);
        assertTrue(overhead.matches(".*short [+-]\\d+\\.\\d+ %.*no-short [+-]\\d+\\.\\d+ %.*"), overhead);
        assertTrue(lines.stream().anyMatch(l -> l.matches("peak RSS: layerwise \\d+\\.\\d MiB .*whole JVM \\d+\\.\\d MiB.*")),
                "peak RSS line missing:\n" + text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("layerwise loop alone") && l.contains("peak RSS")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("parameters: short layerwise "
                + String.format(java.util.Locale.ROOT, "%,d", ResNetSpec.cifar(8, 10).parameterElements()))), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("RSS over 4 layerwise steps") && l.contains("at step 2")
                && l.contains("at step 4") && l.contains("difference")), "RSS run line missing:\n" + text);
    }

    @Test
    void optionsAreReadAndBadOnesNamed() {
        ResNetBenchmark.Settings s = ResNetBenchmark.Settings.parse(List.of("--threads", "3", "--steps", "7", "--batch", "16", "--depth",
                "20", "--python", "none", "--rss-steps", "1000"));
        assertEquals(new ResNetBenchmark.Settings(3, 7, 3, 16, 20, "cpu", "none", 1000), s);
        assertEquals(56, ResNetBenchmark.Settings.parse(List.of()).depth());
        assertEquals(128, ResNetBenchmark.Settings.parse(List.of()).batch());
        String depth = assertThrows(ConfigException.class, () -> ResNetBenchmark.Settings.parse(List.of("--depth", "51"))).getMessage();
        assertTrue(depth.contains("--depth") && depth.contains("6n+2"), depth);
        String unknown = assertThrows(ConfigException.class, () -> ResNetBenchmark.Settings.parse(List.of("--thread", "2"))).getMessage();
        assertTrue(unknown.contains("--thread") && unknown.contains("--threads"), unknown);
        String notInt = assertThrows(ConfigException.class, () -> ResNetBenchmark.Settings.parse(List.of("--steps", "many"))).getMessage();
        assertTrue(notInt.contains("--steps") && notInt.contains("not an integer"), notInt);
        String device = assertThrows(ConfigException.class, () -> ResNetBenchmark.Settings.parse(List.of("--device", "tpu"))).getMessage();
        assertTrue(device.contains("--device") && device.contains("cpu, cuda"), device);
        assertThrows(ConfigException.class, () -> ResNetBenchmark.Settings.parse(List.of("--batch", "0")));
        assertThrows(ConfigException.class, () -> ResNetBenchmark.Settings.parse(List.of("--steps")));
    }

    /** The peer's environment: the OpenBLAS core overrides gone, one BLAS thread, OpenMP at the benchmark's count. */
    @Test
    void peerEnvironmentUnsetsTheCoreOverridesAndPinsBlasToOneThread() {
        Map<String, String> env = PythonPeer.environment(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "262144",
                "OPENBLAS_NUM_THREADS", "8", "PATH", "/usr/bin"), 2);
        assertFalse(env.containsKey("OPENBLAS_CORETYPE"));
        assertFalse(env.containsKey("OPENBLAS_L2_SIZE"));
        assertEquals("1", env.get("OPENBLAS_NUM_THREADS"));
        assertEquals("2", env.get("OMP_NUM_THREADS"));
        assertEquals("2", env.get("MKL_NUM_THREADS"));
        assertEquals("/usr/bin", env.get("PATH"));
        String said = PythonPeer.describeEnvironment(Map.of("OPENBLAS_CORETYPE", "Haswell"), 2);
        assertTrue(said.contains("OPENBLAS_CORETYPE='Haswell'") && said.contains("unset (in the peer's environment only)"), said);
    }

    @Test
    void missingInterpreterIsOneLine(@TempDir Path dir) {
        PythonPeer.Found f = PythonPeer.find(dir.resolve("no-such-python").toString(), dir);
        assertNull(f.peer());
        assertTrue(f.reason().contains("not found") && f.reason().contains("python3-torch") && !f.reason().contains("\n"), f.reason());
    }

    /**
     * Where Python with torch is installed: the peer script builds the same architecture (equal
     * parameter count, short and no-short, option A at the stage changes) and reports its setting.
     */
    @Test
    void peerHasTheSameParameterCount(@TempDir Path dir) {
        PythonPeer.Found f = PythonPeer.find("auto", dir);
        assumeTrue(f.peer() != null, f.reason());
        for (boolean residual : new boolean[] {true, false}) {
            JsonNode r;
            try (PythonPeer.Session session = f.peer().start(14, residual, 2, 10, 1, "cpu", 0.05)) {
                for (int i = 0; i < 2; i++) {
                    double[] t = session.step();
                    assertTrue(t[0] > 0 && t[1] > 0 && t[1] < 10 * t[0] && t[2] >= 0, java.util.Arrays.toString(t));
                }
                r = session.finish();
            }
            assertEquals(2, r.get("times_ms").size(), r.toString());
            assertEquals(ResNetSpec.cifar(14, 10).parameterElements(), r.get("parameters").asLong(), r.toString());
            assertEquals(1, r.get("threads").asInt());
            assertEquals("1", r.path("env").path("OPENBLAS_NUM_THREADS").asText());
            assertTrue(r.path("env").path("OPENBLAS_CORETYPE").isNull(), r.toString());
            assertTrue(r.get("median_ms").asDouble() > 0);
            assertFalse(r.path("blas_core").asText().isEmpty(), r.toString());
        }
    }
}
