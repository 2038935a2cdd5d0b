package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Npy;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.train.EntryPathProbe;
import org.layerwise.train.TrainingListener;

/**
 * The memory bound of streamed tables: a run whose entry-path table is 41 MB on disk (1000 epochs x
 * 10 entries x 1024 layers; held in memory it was 82 MB of doubles, and as CSV text several times
 * that) trains in a JVM with a 48 MiB heap. Before streaming it died with OutOfMemoryError.
 */
class EntryPathMemoryTest {
    static final Map<String, String> SETTINGS = Map.ofEntries(Map.entry("train-size", "100"), Map.entry("batch-size", "50"),
            Map.entry("max-updates", "2000"), Map.entry("epsilon", "0"), Map.entry("init", "xavier-depth"), Map.entry("init-scale", "0.01"),
            Map.entry("depth-min", "1024"), Map.entry("depth-max", "1024"), Map.entry("depth-base", "2"), Map.entry("threads", "1"),
            Map.entry("checkpoint-every", "0"));

    /** Child: trains the one run of {@link #SETTINGS} in args[0]. */
    public static void main(String[] args) throws Exception {
        ScalingConfig c = ScalingConfig.resolve(null, null, SETTINGS);
        RunSpec run = ScalingStudy.INSTANCE.plan(c).get(0);
        try (Study.Session s = ScalingStudy.INSTANCE.open(c, System.out)) {
            RunFolder f = new RunFolder(Path.of(args[0]).resolve(run.folder()), run.id());
            Files.createDirectories(f.dir());
            s.run(run, f, new RunContext(1, new TrainingListener() { }, () -> false, System.out));
        }
        System.out.println(Files.readString(Path.of(args[0]).resolve(run.folder()).resolve("loss.csv")).lines().count() - 1 + " epochs; heap "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB; done");
    }

    @Test
    void largeEntryPathTableTrainsInASmallHeap(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx48m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                EntryPathMemoryTest.class.getName(), tmp.toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.matches("(?s).*1000 epochs; heap 4[0-9] MiB; done.*"), text);
        Path npy = tmp.resolve("depths/L01024-s0").resolve(EntryPathProbe.VALUES);
        assertEquals(16L * 16 + 4L * 1000 * 10 * 1024, Files.size(npy)); // header + rows
        double[][] first = Npy.readMiddleSlab(npy, 0);
        assertEquals(1000, first.length);
        assertArrayEquals(new int[] {1000, 1024}, new int[] {first.length, first[0].length});
    }

    /** The paper-synthetic preset's deepest run: its footprint is predicted up front and fits the launcher's heap and a 256 MiB table. */
    @Test
    void paperSyntheticDeepestRunIsPredictedToFit() {
        ScalingConfig c = ScalingConfig.resolve("paper-synthetic", null, Map.of());
        List<RunSpec> plan = ScalingStudy.INSTANCE.plan(c);
        RunSpec deepest = plan.get(plan.size() - 1);
        assertEquals("L09100-s0", deepest.id());
        try (Study.Session s = ScalingStudy.INSTANCE.open(c, new PrintStream(new ByteArrayOutputStream()))) {
            Study.Footprint f = s.footprint(deepest);
            assertTrue(f.heapBytes() < 1L << 30, "heap " + f.heapBytes());
            // 5000 epochs (1e5 updates of 20 batches) x 10 entries x 9100 layers x 4 B = 1.7 GiB in full; thinned to every 7th epoch
            assertTrue(f.note().contains("up to 5,000 epochs x 10 entries x 9,100 layers"), f.note());
            assertTrue(f.note().contains("every 7th epoch"), f.note());
            long table = (5000 + 6) / 7 * EntryPathProbe.bytesPerRow(10, 9100);
            assertTrue(table <= 256L << 20, "table " + table);
            assertTrue(f.diskBytes() >= table && f.diskBytes() < table + (50L << 20), "disk " + f.diskBytes());
        }
    }
}
