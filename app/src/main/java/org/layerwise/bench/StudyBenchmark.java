package org.layerwise.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.layerwise.engine.torch.bench.PythonPeer;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.scaling.ScalingStudy;

/**
 * {@code layerwise bench study}: a depth-scaling grid end to end, as a user runs it, beside the same
 * grid in Python PyTorch (Debian's python3-torch, a faithful script of the reference's training loop,
 * bundled as scaling_peer.py), same data size, updates and threads. Each side is one process timed
 * from start to exit: for layerwise that includes the JVM start, the analysis, the plots and
 * report.html; for Python its imports, training, the saved weights and the statistics with their fits.
 */
public final class StudyBenchmark {
    private StudyBenchmark() {
    }

    public static void run(int threads, int updates, int depthMax, PrintStream out) {
        Path home = Path.of(System.getProperty("layerwise.home", "."));
        Path launcher = home.resolve("layerwise");
        if (!Files.isExecutable(launcher)) {
            throw new EnvironmentException("bench study runs the launcher as a user would; run it through ./layerwise (layerwise.home is not set)");
        }
        run(List.of(launcher.toString()), threads, updates, depthMax, out);
    }

    /** {@code layerwise} is the command that starts the CLI (the launcher; a test passes a java command line). */
    static void run(List<String> layerwise, int threads, int updates, int depthMax, PrintStream out) {
        List<Integer> depths = new ArrayList<>();
        for (int d = 4; d <= depthMax; d *= 2) {
            depths.add(d);
        }
        String list = String.join(",", depths.stream().map(String::valueOf).toList());
        out.printf("bench study: the scaling grid L = %s (base 2), tanh + shared delta, N 10000, d 10, B 500, lr 0.05, eps 1e-4, at most %d updates"
                + " each, %d thread(s) each side, end to end%n", list, updates, threads);
        try {
            Path tmp = Files.createTempDirectory("layerwise-bench-study");
            // layerwise, through its launcher
            List<String> lw = new ArrayList<>(layerwise);
            lw.addAll(List.of(ScalingStudy.NAME, "--depth-min", "4", "--depth-max", Integer.toString(depthMax),
                    "--depth-base", "2", "--max-updates", Integer.toString(updates), "--train-size", "10000", "--batch-size", "500", "--lr", "0.05",
                    "--epsilon", "1e-4", "--init", "xavier-depth", "--init-scale", "0.01", "--seeds", "1", "--threads", Integer.toString(threads),
                    "--out", tmp.resolve("layerwise").toString()));
            Timed a = time(new ProcessBuilder(lw), tmp.resolve("layerwise.log"));
            if (a.exit != 0) {
                throw new EnvironmentException("bench study: the layerwise side failed (exit " + a.exit + "); see " + tmp.resolve("layerwise.log"));
            }
            double lwTraining = 0;
            double lwDeepest = Double.NaN;
            for (int d : depths) {
                var r = Json.read(tmp.resolve("layerwise/depths").resolve(ScalingStudy.runId(d, 0)).resolve(RunFolder.RESULT));
                lwTraining += r.get("seconds").asDouble();
                if (d == depths.get(depths.size() - 1)) {
                    lwDeepest = 1000 * r.get("seconds").asDouble() / Math.max(1, r.get("updates").asLong());
                }
            }
            out.printf("layerwise: %.1f s end to end (training %.1f s summed over runs; L = %d: %.2f ms/update); report %s%n", a.seconds,
                    lwTraining, depthMax, lwDeepest, tmp.resolve("layerwise").resolve(StudyFiles.REPORT));
            // Python PyTorch, the same grid
            Path script = tmp.resolve("scaling_peer.py");
            try (InputStream in = StudyBenchmark.class.getResourceAsStream("scaling_peer.py")) {
                Files.copy(in, script);
            }
            PythonPeer.Found found = PythonPeer.find("auto", tmp);
            if (found.peer() == null) {
                out.println(found.reason());
                return;
            }
            ProcessBuilder py = new ProcessBuilder(found.peer().python(), script.toString(), "--depths", list, "--updates", Integer.toString(updates),
                    "--threads", Integer.toString(threads), "--out", tmp.resolve("python").toString());
            // torch's own threads only (OPENBLAS_NUM_THREADS=1: no oversubscription), and the peer at its best BLAS
            // kernel (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE unset; engine.md)
            py.environment().clear();
            py.environment().putAll(PythonPeer.environment(System.getenv(), threads));
            Timed b = time(py, tmp.resolve("python.log"));
            String pyLog = Files.readString(tmp.resolve("python.log"));
            if (b.exit != 0) {
                out.println("python: failed (exit " + b.exit + "; is python3-torch installed?): " + tmp.resolve("python.log"));
                return;
            }
            Matcher m = Pattern.compile("L=" + depthMax + ": \\d+ updates in [0-9.]+ s \\(([0-9.]+) ms/update\\)").matcher(pyLog);
            double pyDeepest = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
            out.printf("python:    %.1f s end to end (L = %d: %.2f ms/update; %s; OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)%n",
                    b.seconds, depthMax, pyDeepest, found.peer().python());
            out.printf("end-to-end ratio (python / layerwise): %.1fx; per update at L = %d: %.1fx%n", b.seconds / a.seconds, depthMax,
                    pyDeepest / lwDeepest);
        } catch (IOException e) {
            throw new UncheckedIOException("bench study: " + e.getMessage(), e);
        }
    }

    private record Timed(double seconds, int exit) {
    }

    private static Timed time(ProcessBuilder pb, Path log) throws IOException {
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(6, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new EnvironmentException("bench study: a side ran for 6 hours; stopped");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EnvironmentException("bench study: interrupted");
        }
        return new Timed((System.nanoTime() - t0) / 1e9, p.exitValue());
    }
}
