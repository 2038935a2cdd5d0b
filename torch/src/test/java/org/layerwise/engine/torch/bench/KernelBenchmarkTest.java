package org.layerwise.engine.torch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.config.ConfigException;
import org.layerwise.engine.torch.bench.KernelBenchmark.Point;
import org.layerwise.engine.torch.bench.KernelBenchmark.Row;
import org.layerwise.engine.torch.bench.KernelBenchmark.Settings;

/** bench scaling-kernel's options, and its whole code path on a tiny point (values only, never timings). */
class KernelBenchmarkTest {

    @Test
    void pointsAreReadAndBadOnesNamedWithTheAllowedForm() {
        assertEquals(List.of(new Point(10, 1000, 500), new Point(256, 100, 64)), KernelBenchmark.parsePoints(" 10,1000,500 ; 256, 100 ,64;"));
        Settings s = Settings.parse(List.of("--points", "4,3,8", "--threads", "3", "--steps", "2", "--python", "none"));
        assertEquals(new Settings(3, 2, List.of(new Point(4, 3, 8)), "none"), s);
        assertEquals(KernelBenchmark.DEFAULT_POINTS, Settings.parse(List.of()).points());
        String[][] bad = {
            {"10,1000", "point 1 ('10,1000') is not three numbers"},
            {"10,1000,500;;25,1000,500", "point 2 ('') is not three numbers"},
            {"10,1000,500,7", "is not three numbers"},
            {"10;1000;500", "point 1 ('10') is not three numbers"},
            {"10,x,500", "depth L 'x' of point 1 is not an integer"},
            {"10,1000,0", "batch B 0 of point 1 is below 1"},
            {"-1,1000,500", "width d -1 of point 1 is below 1"},
            {"", "point 1 ('') is not three numbers"},
            {"40000,40000,1", "parameters; one network holds at most"},
            {"10,100000,5000", "activations; at most"},
        };
        for (String[] b : bad) {
            String m = assertThrows(ConfigException.class, () -> Settings.parse(List.of("--points", b[0])), b[0]).getMessage();
            assertTrue(m.startsWith("scaling-kernel: --points: '" + b[0] + "' is not valid: ") && m.contains(b[1]), m);
            assertTrue(m.endsWith("allowed: " + KernelBenchmark.POINTS_FORM), m);
            assertEquals(1, m.lines().count(), m);
        }
        String unknown = assertThrows(ConfigException.class, () -> Settings.parse(List.of("--point", "4,3,8"))).getMessage();
        assertTrue(unknown.contains("--point'") && unknown.contains("--points"), unknown);
        assertThrows(ConfigException.class, () -> Settings.parse(List.of("--threads", "0")));
        assertThrows(ConfigException.class, () -> Settings.parse(List.of("--points")));
    }

    @Test
    void flopsPerStepAreSixTimesDSquaredBL() {
        assertEquals(6.0 * 10 * 10 * 500 * 1000, new Point(10, 1000, 500).flops());
        assertEquals(6.0 * 256 * 256 * 500 * 100, new Point(256, 100, 500).flops()); // 19.7 GFLOP: beyond int range
    }

    /** A tiny point without Python: every column is printed and the fused kernel and libtorch start from the same loss. */
    @Test
    void tinyPointWithoutPythonPrintsEveryColumn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Row> rows = KernelBenchmark.run(new Settings(1, 2, List.of(new Point(4, 3, 8)), "none"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        String text = String.join("\n", lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("machine: ") && l.contains("CPUs")), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("java ") && l.contains("vector species") && l.contains("libtorch")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("FMA peak .*1 thread alone \\d+\\.\\d GFLOP/s; 1 thread\\(s\\) at once .*")), text);
        assertTrue(text.contains("python peer skipped (--python none)"), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\(4, 3, 8\\) +0\\.000 +\\d+\\.\\d +\\d+\\.\\d +n/a +\\d+\\.\\d +\\d+\\.\\d % +\\d+\\.\\dx"
                + " +n/a +\\d\\.\\de[-+]\\d\\d +\\d+\\.\\d\\dx +1")), "row missing:\n" + text);
        assertTrue(text.contains("6·d²·B·L") && text.contains("recomputation of z") && text.contains("not counted"), text);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("FMA peak again at the end")), text);
        // the layouts' table: both times for the point, and a measured crossover line
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\(4, 3, 8\\) +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\dx  (samples|features)")), text);
        assertTrue(text.contains("measured crossover: "), text);
        Row r = rows.get(0);
        assertEquals(new Point(4, 3, 8), r.point());
        assertTrue(r.fusedMs() > 0 && r.torchMs() > 0 && Double.isNaN(r.pythonMs()), r.toString());
        assertEquals(r.torchLoss(), r.fusedLoss(), 1e-5 * r.torchLoss(), "the same network, weights and data");
        assertTrue(Double.isFinite(r.lastLosses()[0]) && Double.isFinite(r.lastLosses()[1]), "trained, not diverged: " + text);
        assertNull(r.pythonProblem());
    }

    /** The crossover is the smallest width from which the feature layout wins at every wider point, whatever the points' order. */
    @Test
    void theMeasuredCrossoverIsWhereFeaturesWinFromThenOn() {
        java.util.function.BiFunction<Integer, Boolean, LayoutCrossover.Row> row = (d, featuresFaster) ->
                new LayoutCrossover.Row(new Point(d, 10, 8), featuresFaster ? 2 : 1, featuresFaster ? 1 : 2);
        assertEquals(64, LayoutCrossover.measuredCrossover(List.of(row.apply(128, true), row.apply(10, false), row.apply(32, true),
                row.apply(50, false), row.apply(64, true))));
        assertEquals(64, LayoutCrossover.measuredCrossover(List.of(row.apply(64, true), row.apply(128, true), row.apply(10, false))));
        assertNull(LayoutCrossover.measuredCrossover(List.of(row.apply(10, true), row.apply(256, false))));
        assertEquals(10, LayoutCrossover.measuredCrossover(List.of(row.apply(10, true))));
    }

    /** Where Python with torch is installed: the peer trains the same network (parameters, first loss) and answers every step. */
    @Test
    void pythonPeerTrainsTheSameNetwork(@TempDir Path dir) {
        PythonPeer.Found f = PythonPeer.find("auto", dir);
        assumeTrue(f.peer() != null, "SKIPPED LOUDLY: " + f.reason());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Row> rows = KernelBenchmark.run(new Settings(1, 2, List.of(new Point(5, 4, 16), new Point(3, 2, 8)), "auto"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("python peer: ") && text.contains("torch "), text);
        for (Row r : rows) {
            assertNull(r.pythonProblem(), text);
            assertEquals(r.parameters(), r.pythonParameters(), text);
            assertTrue(r.pythonMs() > 0, text);
            assertEquals(r.fusedLoss(), r.pythonLoss(), 1e-5 * r.fusedLoss(), r.point() + ":\n" + text);
            assertTrue(Double.isFinite(r.lastLosses()[2]), "python trained, not diverged:\n" + text);
        }
    }
}
