package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerwise.data.image.Batch;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.BatchStream;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.bench.PythonPeer;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.study.GroupCommand;
import org.layerwise.study.StudyRegistry;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.Parameters;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.schedule.LrSchedule;

/**
 * The Python probe for users' own training loops ({@code python/layerwise_probe.py}) against layerwise's
 * own {@link ElrProbe}, on the same network, weights and batches: CIFAR ResNet-8 (BatchNorm without affine
 * parameters) exported by this test, built in PyTorch by {@code elr_crosscheck.py}'s {@code CifarResNet} and
 * trained there with plain torch.optim.SGD in an ordinary loop with the probe's two lines
 * ({@code probe_crosscheck.py}, Debian's /usr/bin/python3 and its torch 1.13); here with layerwise's
 * engine, loop and probe. The Python probe finds the normalized weights itself.
 *
 * <p>Both run folders must hold the same files, headers and layers (layers.json: names, sizes, the tensors
 * reported apart, the period), and the same numbers: every per-layer quantity (the .npy matrices, float32;
 * elr_long.csv, doubles) and every column of steps.csv but the epoch (the loop's own count). Tolerances,
 * largest relative differences, set from those measured (over every step, layer and both variants):
 * <ul>
 *   <li>float64 networks (16x16 images, short ResNet-8, probe every 2 steps, so the angular update is
 *       taken at a step the probe does not record): the definitions, to the last digit. Measured: the
 *       .npy files bit for bit equal (0) but the orthogonality check (1.8e-15 absolute: values of about 1e-16,
 *       both sides' rounding), the doubles of elr_long.csv and steps.csv to 3.9e-16 relative (loss 1.8e-16,
 *       spread 1.4e-16, critical LR 3.5e-16). Tolerance 1e-6 for the float32 .npy files (one float32 rounding,
 *       6e-8, may fall either way), 1e-12 for the doubles, 1e-12 absolute for the orthogonality check. The
 *       angular update too agrees bit for bit, though layerwise computes it from the step and the Python
 *       probe measures it on the weights after the step.</li>
 *   <li>float32 networks (32x32 images, no-short ResNet-8, every step), step 0 only, where both hold the
 *       same weights (libtorch 2.10 against PyTorch 1.13). Measured: sigma, the classic ELR, lr, the loss and
 *       the accuracy equal (0); ||g|| 7.8e-8 (.npy) and 2.1e-8 (elr_long.csv), the ELR 6.0e-8, the spread
 *       2.3e-8, the critical LR 9.7e-9, the angular update 9.5e-8, the orthogonality check 1.3e-7 absolute.
 *       Tolerance 1e-6 for what does not depend on the gradient, 1e-5 for what does and the orthogonality
 *       check (absolute): float32 tolerance with room for another machine's summation order. A float32
 *       ReLU pre-activation within rounding of 0 may still flip in one engine and not the other, which moves
 *       a gradient by up to about 4e-4 (ElrCrossCheckTest): a failure of this case alone, with the float64
 *       case passing, is that and not the probe. The later float32 steps, where the weights part by such
 *       flips, are ElrCrossCheckTest's; here only their count is checked.</li>
 * </ul>
 * Then {@code layerwise elr analyze} (the ELR group's command, found through the registry as the command
 * line finds it) analyses the Python folder: it must mark the run external, replay the model with the
 * measured base gradients, and run the critical-LR analysis along the run.
 *
 * <p>Skipped (JUnit assumption) where no Python with torch and numpy is found, as ElrCrossCheckTest.
 */
class ProbeCrossCheckTest {
    static final double LR = 0.2;

    @BeforeAll
    static void natives() {
        Natives.load();
    }

    @ParameterizedTest(name = "{0}, {1}x{1} images, residual={2}, {3} steps, probe every {4}")
    @CsvSource({"float64, 16, true, 6, 2", "float32, 32, false, 4, 1"})
    void pythonProbeRecordsWhatLayerwisesProbeRecords(String precision, int size, boolean residual, int steps, int every, @TempDir Path tmp)
            throws Exception {
        String python = ElrCrossCheckTest.python(tmp);
        Assumptions.assumeTrue(python != null, "no Python with torch and numpy ($LAYERWISE_PYTHON or /usr/bin/python3): install python3-torch");
        boolean exact = precision.equals("float64");
        Path exchange = Files.createDirectories(tmp.resolve("exchange"));
        Path javaRun = Files.createDirectories(tmp.resolve("java"));
        Path pyRun = tmp.resolve("python-run");
        NetworkSpec spec = new NetworkSpec("cifar-resnet", 8, 10, 3, residual, false, "A", "cpu", 1, 0, 0, false, 11);
        BatchLoader loader = ElrInvariantsTest.loader(64, size, 5);

        List<Batch> batches = new ArrayList<>();
        try (BatchStream s = loader.stream(0, 0)) {
            for (int t = 0; t < steps; t++) {
                Batch b = s.next();
                batches.add(b);
                double[] x = new double[b.images().length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = b.images()[i];
                }
                Npy.writeFloat32(exchange.resolve("x_" + t + ".npy"), x, b.size(), b.channels(), b.height(), b.width());
                Npy.writeFloat32(exchange.resolve("y_" + t + ".npy"), java.util.Arrays.stream(b.labels()).asDoubleStream().toArray(), b.size());
            }
        }
        try (TrainableNetwork net = ElrCrossCheckTest.network(spec, exact); ElrProbe probe = new ElrProbe(javaRun, every)) {
            Parameters p = net.parameters();
            for (int i = 0; i < p.count(); i++) {
                int[] dims = java.util.Arrays.stream(ElrCrossCheckTest.shape(p.name(i), p.size(i), spec)).mapToInt(Math::toIntExact).toArray();
                if (exact) {
                    Npy.writeFloat64(exchange.resolve(p.name(i) + ".npy"), p.values(i), dims);
                } else {
                    Npy.writeFloat32(exchange.resolve(p.name(i) + ".npy"), p.values(i), dims);
                }
            }
            new ImageTrainer(new ImageTrainer.Settings(steps, 0, 0), List.of(probe), () -> false)
                    .train(new ElrCrossCheckTest.Checked(net, batches), loader, null, LrSchedule.constant(LR), org.layerwise.train.Trainer.Checkpoints.none());
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("depth", spec.depth());
        manifest.put("residual", residual);
        manifest.put("classes", spec.classes());
        manifest.put("lr", LR);
        manifest.put("steps", steps);
        manifest.put("dtype", precision);
        manifest.put("every", every);
        Json.write(exchange.resolve("manifest.json"), manifest);
        runPython(python, tmp, exchange, pyRun);

        // the same files, headers and layers
        assertEquals(names(javaRun), without(names(pyRun), "provenance.json", "result.json"), "files of the run folder");
        for (String table : List.of(ElrProbe.LONG, ElrProbe.STEPS)) {
            assertEquals(Files.readAllLines(javaRun.resolve(table)).get(0), Files.readAllLines(pyRun.resolve(table)).get(0), table + " header");
        }
        JsonNode jl = Json.read(javaRun.resolve(ElrProbe.LAYERS));
        JsonNode pl = Json.read(pyRun.resolve(ElrProbe.LAYERS));
        for (String k : List.of("layers", "sizes", "reported_apart", "every", "layout")) {
            assertEquals(jl.get(k), pl.get(k), "layers.json " + k);
        }
        JsonNode prov = Json.read(pyRun.resolve("provenance.json"));
        assertEquals("external", prov.path("source").asText(), "provenance.json says where the run came from");
        assertEquals("SGD", prov.path("optimizer").path("type").asText());
        int layers = jl.path("layers").size();
        int rows = (steps + every - 1) / every;

        // the same numbers
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "probe cross-check, ResNet-8 %s, %s, %d layers, %d steps every %d:",
                residual ? "short" : "no-short", precision, layers, steps, every));
        int compared = exact ? rows : 1; // float32: the step both sides take from the same weights
        for (String q : ElrProbe.QUANTITIES) {
            Npy.Array j = Npy.read(javaRun.resolve(q + ".npy"));
            Npy.Array py = Npy.read(pyRun.resolve(q + ".npy"));
            assertArrayEquals(new int[] {rows, layers}, j.shape(), q + ".npy shape (layerwise)");
            assertArrayEquals(new int[] {rows, layers}, py.shape(), q + ".npy shape (Python probe)");
            report.append(check(q + ".npy", j.data(), py.data(), compared * layers, npyTolerance(q, exact), q.equals("orthogonality")));
        }
        Csv.Columns jLong = Csv.readColumns(javaRun.resolve(ElrProbe.LONG));
        Csv.Columns pLong = Csv.readColumns(pyRun.resolve(ElrProbe.LONG));
        assertEquals(jLong.rows(), pLong.rows(), "elr_long.csv rows");
        for (String q : List.of("step", "layer", "sigma", "grad_norm", "base_gradient", "elr", "classic_elr", "lr")) {
            report.append(check("long " + q, jLong.column(q), pLong.column(q), compared * layers, doubleTolerance(q, exact), false));
        }
        Csv.Columns jSteps = Csv.readColumns(javaRun.resolve(ElrProbe.STEPS));
        Csv.Columns pSteps = Csv.readColumns(pyRun.resolve(ElrProbe.STEPS));
        assertEquals(rows, jSteps.rows(), "steps.csv rows (layerwise)");
        assertEquals(rows, pSteps.rows(), "steps.csv rows (Python probe)");
        for (String c : ElrProbe.STEP_HEADER) {
            if (!c.equals("epoch")) {
                report.append(check("steps " + c, jSteps.column(c), pSteps.column(c), compared, doubleTolerance(c, exact), false));
            }
        }
        System.out.println(report);

        // layerwise elr analyze on the Python folder: no libtorch needed, the run marked external
        GroupCommand analyze = StudyRegistry.all().values().stream().flatMap(s -> s.groupCommands().stream())
                .filter(c -> c.word().equals("analyze")).findFirst().orElseThrow();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, analyze.run(List.of(pyRun.toString()), new PrintStream(buf, true, StandardCharsets.UTF_8)));
        JsonNode summary = Json.read(pyRun.resolve("summary.json"));
        assertEquals("external", summary.path("origin").asText(), buf.toString(StandardCharsets.UTF_8));
        JsonNode measured = summary.path("model_check").path("replays").path(0).path("measured_c");
        assertTrue(measured.isObject(), "the model was replayed with the measured base gradients: " + summary.path("model_check"));
        if (every == 1) {
            assertEquals(rows - 1, summary.path("critical_lr").path("along_run").path("pairs").asInt(), "critical LR along the run");
        }
        assertTrue(Files.readString(pyRun.resolve("report.html")).contains("External run"), "the report marks the run external");
    }

    /** The largest relative difference allowed in a .npy matrix (float32 on both sides). */
    static double npyTolerance(String q, boolean float64) {
        if (q.equals("orthogonality")) {
            return float64 ? 1e-12 : 1e-5; // absolute: the values are rounding noise around 0
        }
        if (float64) {
            return 1e-6;
        }
        return List.of("sigma", "classic_elr", "lr").contains(q) ? 1e-6 : 1e-5;
    }

    /** The largest relative difference allowed in a column of doubles (elr_long.csv, steps.csv). */
    static double doubleTolerance(String q, boolean float64) {
        if (float64) {
            return 1e-12;
        }
        return List.of("step", "layer", "sigma", "classic_elr", "lr", "loss", "others_norm", "accuracy").contains(q) ? 1e-6 : 1e-5;
    }

    /** " NAME max-diff", after asserting that the first {@code n} entries agree to {@code tolerance} (absolute or relative). */
    private static String check(String name, double[] layerwise, double[] python, int n, double tolerance, boolean absolute) {
        assertEquals(layerwise.length, python.length, name + ": number of values");
        double worst = 0;
        for (int k = 0; k < Math.min(n, layerwise.length); k++) {
            double a = layerwise[k];
            double b = python[k];
            double d = a == b ? 0 : absolute ? Math.abs(a - b) : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
            if (Double.isNaN(d)) {
                d = Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, d);
            assertTrue(d <= tolerance, String.format(Locale.ROOT, "%s, entry %d: layerwise %.12g, Python probe %.12g (%s difference %.3g > %.0e)",
                    name, k, a, b, absolute ? "absolute" : "relative", d, tolerance));
        }
        return String.format(Locale.ROOT, " %s %.1e", name, worst);
    }

    private static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static TreeSet<String> without(TreeSet<String> s, String... names) {
        TreeSet<String> out = new TreeSet<>(s);
        List.of(names).forEach(out::remove);
        return out;
    }

    /** Runs probe_crosscheck.py (beside elr_crosscheck.py, whose network it uses) from {@code dir}, with the repository's python/ on its path. */
    private static void runPython(String python, Path dir, Path exchange, Path run) throws IOException, InterruptedException {
        for (String f : List.of("probe_crosscheck.py", "elr_crosscheck.py")) {
            try (InputStream in = ProbeCrossCheckTest.class.getResourceAsStream(f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        Path probeDir = Path.of("..", "python").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(probeDir.resolve("layerwise_probe.py")), "the probe is at " + probeDir);
        ProcessBuilder pb = new ProcessBuilder(python, dir.resolve("probe_crosscheck.py").toString(), exchange.toString(), probeDir.toString(),
                run.toString()).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(PythonPeer.environment(System.getenv(), 1));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe_crosscheck.py did not finish in 120 s:\n" + output);
        }
        assertEquals(0, p.exitValue(), "probe_crosscheck.py failed:\n" + output);
        output.lines().filter(l -> l.startsWith("probe_crosscheck:")).forEach(System.out::println);
    }
}
