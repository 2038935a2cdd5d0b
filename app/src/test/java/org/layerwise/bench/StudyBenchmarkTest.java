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
        StudyBenchmark.run(Slurm.thisJvm(), List.of(1), 6, 8, "auto", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String text = String.join("\n", lines);
        assertTrue(lines.get(0).startsWith("bench study: the scaling grid L = 4,8 (base 2)"), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("layerwise: \\d+\\.\\d s end to end = start \\d+\\.\\d \\+ training \\d+\\.\\d"
                + " \\+ analysis and report \\d+\\.\\d s .*L = 8: \\d+\\.\\d\\d ms/update on 1 thread.*")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("python: +\\d+\\.\\d s end to end \\(L = 8: \\d+\\.\\d\\d ms/update.*")), text);
        String ratio = lines.stream().filter(l -> l.startsWith("end-to-end ratio")).findFirst().orElse("");
        assertTrue(ratio.matches("end-to-end ratio \\(python / layerwise\\): \\d+\\.\\dx; per update at L = 8: \\d+\\.\\dx"), text);
        assertEquals(5, lines.size(), text);
    }

    /** --threads 1,2 --python none: the layerwise side twice, each phase found in its log, and the speed-up line; no timing is asserted. */
    @Test
    void twoThreadCountsPrintTheSpeedUp() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<StudyBenchmark.Side> sides = StudyBenchmark.run(Slurm.thisJvm(), List.of(1, 2), 6, 16, "none",
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String text = String.join("\n", lines);
        assertTrue(lines.get(0).endsWith("layerwise on 1, 2 thread(s)"), text);
        for (int t : new int[] {1, 2}) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("layerwise, " + t + " thread(s): ") && l.contains("training")), text);
        }
        assertEquals(2, sides.size());
        for (StudyBenchmark.Side s : sides) {
            assertTrue(s.start() > 0 && s.training() > 0 && s.analysis() > 0 && s.start() + s.training() + s.analysis() <= s.seconds() + 1e-9,
                    s.toString());
            assertTrue(s.longestDepth() >= 4 && s.summed() >= s.longest(), s.toString());
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("speed-up 1 -> 2 threads: end to end ") && l.contains("whole networks per core")),
                text);
        assertTrue(text.contains("python peer skipped (--python none)"), text);
    }

    /** The bound of whole networks per core: the summed work over max(longest run, work / threads). */
    @Test
    void speedUpBoundIsTheCriticalPathOrTheWorkPerThread() {
        StudyBenchmark.Side one = new StudyBenchmark.Side(1, 30, 2, 24, 4, 24, 12, 1024, 20, 1);
        StudyBenchmark.Side two = new StudyBenchmark.Side(2, 20, 2, 14, 4, 26, 13, 1024, 21, 1);
        String line = StudyBenchmark.speedUp(one, two);
        // 24 / max(12, 24 / 2) = 2.00; end to end 30 / 20, training 24 / 14
        assertTrue(line.startsWith("speed-up 1 -> 2 threads: end to end 1.50x, training 1.71x; the best whole networks per core allow is 2.00x"),
                line);
        StudyBenchmark.Side dominated = new StudyBenchmark.Side(1, 30, 2, 24, 4, 24, 18, 1024, 20, 1);
        assertTrue(StudyBenchmark.speedUp(dominated, two).contains("allow is 1.33x"), StudyBenchmark.speedUp(dominated, two));
        assertTrue(StudyBenchmark.speedUp(dominated, two).endsWith("24.0 -> 26.0 s (+8 %: what concurrent runs cost each other)"), line);
    }
}
