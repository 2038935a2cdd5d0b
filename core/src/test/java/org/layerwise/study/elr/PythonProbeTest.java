package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python probe's own unit tests (python/test_layerwise_probe.py: the rules for zero and non-finite
 * values, which layers it follows, every-k recording, its provenance and its errors), run with Debian's
 * python3-torch so CI runs them; skipped where no Python with torch is found. Its numbers are checked
 * against layerwise's probe by ProbeCrossCheckTest (torch module).
 */
class PythonProbeTest {
    @Test
    void theProbesUnitTestsPass(@TempDir Path tmp) throws Exception {
        String python = AnalyzeCommandTest.python(tmp);
        Assumptions.assumeTrue(python != null, "no /usr/bin/python3 (or $LAYERWISE_PYTHON) with torch: install python3-torch");
        Path dir = Path.of("..", "python").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(dir.resolve("test_layerwise_probe.py")), "the tests are at " + dir);
        ProcessBuilder pb = new ProcessBuilder(python, "-B", "-m", "unittest", "-v", "test_layerwise_probe").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("TMPDIR", tmp.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("test_layerwise_probe.py did not finish in 120 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), "python/test_layerwise_probe.py failed:\n" + output);
        assertTrue(output.contains("OK"), output);
    }
}
