package org.layerwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.engine.torch.bench.PythonPeer;
import org.layerwise.sweep.Slurm;

/** {@code bench study} on a tiny grid: both sides run to the end and the command prints their end-to-end ratio. */
class StudyBenchmarkTest {

    @Test
    void tinyGridPrintsBothSidesAndTheRatio(@TempDir Path tmp) throws Exception {
        PythonPeer.Found peer = PythonPeer.find("auto", tmp);
        Assumptions.assumeTrue(peer.peer() != null, "SKIPPED LOUDLY: " + peer.reason());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StudyBenchmark.run(Slurm.thisJvm(), 1, 6, 8, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String text = String.join("\n", lines);
        assertTrue(lines.get(0).startsWith("bench study: the scaling grid L = 4,8 (base 2)"), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("layerwise: \\d+\\.\\d s end to end .*L = 8: \\d+\\.\\d\\d ms/update.*")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("python: +\\d+\\.\\d s end to end \\(L = 8: \\d+\\.\\d\\d ms/update.*")), text);
        String ratio = lines.stream().filter(l -> l.startsWith("end-to-end ratio")).findFirst().orElse("");
        assertTrue(ratio.matches("end-to-end ratio \\(python / layerwise\\): \\d+\\.\\dx; per update at L = 8: \\d+\\.\\dx"), text);
        assertEquals(4, lines.size(), text);
    }
}
