package org.layerwise.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>With several thread counts ({@code --threads 1,2}) the layerwise side runs once per count, and the
 * command prints the speed-up over the first count, end to end and for the training phase alone (from
 * the study's "scaling: ..." line to its "training done" line, timed as they arrive), beside the best a
 * scheduler of whole networks could do: the summed training time of the first count over
 * max(the longest run, that sum / threads). The Python side runs once, at the last count.
 */
public final class StudyBenchmark {
    private StudyBenchmark() {
    }

    public static void run(List<Integer> threads, int updates, int depthMax, String python, PrintStream out) {
        Path home = Path.of(System.getProperty("layerwise.home", "."));
        Path launcher = home.resolve("layerwise");
        if (!Files.isExecutable(launcher)) {
            throw new EnvironmentException("bench study runs the launcher as a user would; run it through ./layerwise (layerwise.home is not set)");
        }
        run(List.of(launcher.toString()), threads, updates, depthMax, python, out);
    }

    /** What one layerwise run of the grid took: seconds end to end and per phase, and its runs' own training seconds. */
    record Side(int threads, double seconds, double start, double training, double analysis, double summed, double longest, int longestDepth,
            double deepestMsPerUpdate, int deepestThreads) {
    }

    /** {@code layerwise} is the command that starts the CLI (the launcher; a test passes a java command line). */
    static List<Side> run(List<String> layerwise, List<Integer> threads, int updates, int depthMax, String python, PrintStream out) {
        List<Integer> depths = new ArrayList<>();
        for (int d = 4; d <= depthMax; d *= 2) {
            depths.add(d);
        }
        String list = String.join(",", depths.stream().map(String::valueOf).toList());
        int last = threads.get(threads.size() - 1);
        out.printf("bench study: the scaling grid L = %s (base 2), tanh + shared delta, N 10000, d 10, B 500, lr 0.05, eps 1e-4, at most %d updates"
                + " each, end to end; layerwise on %s thread(s)%s%n", list, updates, String.join(", ", threads.stream().map(String::valueOf).toList()),
                python.equals("none") ? "" : ", python on " + last);
        out.println("load average " + loadAverage() + " at start (the timings share the machine with whatever else runs)");
        List<Side> sides = new ArrayList<>();
        try {
            Path tmp = Files.createTempDirectory("layerwise-bench-study");
            for (int t : threads) {
                String name = threads.size() == 1 ? "layerwise" : "layerwise-" + t + "t";
                Side side = layerwiseSide(layerwise, t, updates, depthMax, depths, tmp, name);
                sides.add(side);
                out.printf(Locale.ROOT, "%s: %.1f s end to end = start %.1f + training %.1f + analysis and report %.1f s (training summed over runs"
                        + " %.1f s, longest L = %d %.1f s; L = %d: %.2f ms/update on %d thread(s)); report %s%n",
                        threads.size() == 1 ? "layerwise" : "layerwise, " + t + " thread(s)", side.seconds(), side.start(), side.training(),
                        side.analysis(), side.summed(), side.longestDepth(), side.longest(), depthMax, side.deepestMsPerUpdate(),
                        side.deepestThreads(), tmp.resolve(name).resolve(StudyFiles.REPORT));
                out.flush();
            }
            for (int i = 1; i < sides.size(); i++) {
                out.println(speedUp(sides.get(0), sides.get(i)));
            }
            // Python PyTorch, the same grid
            Path script = tmp.resolve("scaling_peer.py");
            try (InputStream in = StudyBenchmark.class.getResourceAsStream("scaling_peer.py")) {
                Files.copy(in, script);
            }
            PythonPeer.Found found = PythonPeer.find(python, tmp);
            if (found.peer() == null) {
                out.println(found.reason());
                return sides;
            }
            ProcessBuilder py = new ProcessBuilder(found.peer().python(), script.toString(), "--depths", list, "--updates", Integer.toString(updates),
                    "--threads", Integer.toString(last), "--out", tmp.resolve("python").toString());
            // torch's own threads only (OPENBLAS_NUM_THREADS=1: no oversubscription), and the peer at its best BLAS
            // kernel (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE unset; engine.md)
            py.environment().clear();
            py.environment().putAll(PythonPeer.environment(System.getenv(), last));
            Timed b = time(py, tmp.resolve("python.log"));
            String pyLog = Files.readString(tmp.resolve("python.log"));
            if (b.exit != 0) {
                out.println("python: failed (exit " + b.exit + "; is python3-torch installed?): " + tmp.resolve("python.log"));
                return sides;
            }
            Matcher m = Pattern.compile("L=" + depthMax + ": \\d+ updates in [0-9.]+ s \\(([0-9.]+) ms/update\\)").matcher(pyLog);
            double pyDeepest = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
            Side lw = sides.get(sides.size() - 1);
            out.printf(Locale.ROOT, "python:    %.1f s end to end (L = %d: %.2f ms/update; %s; %d thread(s), OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE"
                    + " and OPENBLAS_L2_SIZE unset)%n", b.seconds, depthMax, pyDeepest, found.peer().python(), last);
            out.printf(Locale.ROOT, "end-to-end ratio (python / layerwise%s): %.1fx; per update at L = %d: %.1fx%n", sides.size() == 1 ? ""
                    : " on " + last + " thread(s)", b.seconds / lw.seconds(), depthMax, pyDeepest / lw.deepestMsPerUpdate());
            return sides;
        } catch (IOException e) {
            throw new UncheckedIOException("bench study: " + e.getMessage(), e);
        }
    }

    /**
     * The speed-up from {@code a} to {@code b}. With one thread in {@code a} its runs' summed training W
     * is the whole work and its longest run the critical path: no schedule of whole networks on the T
     * threads of {@code b} trains in less than max(longest, W / T), which bounds the training speed-up.
     */
    static String speedUp(Side a, Side b) {
        String bound = "";
        if (a.threads() == 1) {
            double best = a.summed() / Math.max(a.longest(), a.summed() / b.threads());
            bound = String.format(Locale.ROOT, "; the best whole networks per core allow is %.2fx = summed training %.1f s / max(longest run"
                    + " L = %d %.1f s, %.1f s / %d)", best, a.summed(), a.longestDepth(), a.longest(), a.summed(), b.threads());
        }
        return String.format(Locale.ROOT, "speed-up %d -> %d threads: end to end %.2fx, training %.2fx%s; training summed over runs %.1f -> %.1f s"
                + " (%+.0f %%: what concurrent runs cost each other)", a.threads(), b.threads(), a.seconds() / b.seconds(), a.training() / b.training(),
                bound, a.summed(), b.summed(), 100 * (b.summed() / a.summed() - 1));
    }

    /** The grid through the CLI on {@code threads} threads, into {@code tmp/name}. */
    private static Side layerwiseSide(List<String> layerwise, int threads, int updates, int depthMax, List<Integer> depths, Path tmp, String name)
            throws IOException {
        List<String> lw = new ArrayList<>(layerwise);
        lw.addAll(List.of(ScalingStudy.NAME, "--depth-min", "4", "--depth-max", Integer.toString(depthMax),
                "--depth-base", "2", "--max-updates", Integer.toString(updates), "--train-size", "10000", "--batch-size", "500", "--lr", "0.05",
                "--epsilon", "1e-4", "--init", "xavier-depth", "--init-scale", "0.01", "--seeds", "1", "--threads", Integer.toString(threads),
                "--out", tmp.resolve(name).toString()));
        Path log = tmp.resolve(name + ".log");
        Timed a = time(new ProcessBuilder(lw), log, ScalingStudy.NAME + ": ", "training done");
        if (a.exit != 0) {
            throw new EnvironmentException("bench study: the layerwise side failed (exit " + a.exit + "); see " + log);
        }
        double summed = 0;
        double longest = 0;
        int longestDepth = 0;
        double deepest = Double.NaN;
        int deepestThreads = 0;
        for (int d : depths) {
            var r = Json.read(tmp.resolve(name).resolve("depths").resolve(ScalingStudy.runId(d, 0)).resolve(RunFolder.RESULT));
            double sec = r.get("seconds").asDouble();
            summed += sec;
            if (sec > longest) {
                longest = sec;
                longestDepth = d;
            }
            if (d == depths.get(depths.size() - 1)) {
                deepest = 1000 * sec / Math.max(1, r.get("updates").asLong());
                deepestThreads = r.path("threads").asInt();
            }
        }
        double start = a.marks[0];
        double training = a.marks[1] - a.marks[0];
        return new Side(threads, a.seconds, start, training, a.seconds - a.marks[1], summed, longest, longestDepth, deepest, deepestThreads);
    }

    /** The time from start to exit, and the seconds from start at which lines beginning with each mark first appeared (NaN if none). */
    private record Timed(double seconds, int exit, double[] marks) {
    }

    private static Timed time(ProcessBuilder pb, Path log, String... marks) throws IOException {
        pb.redirectErrorStream(true);
        double[] at = new double[marks.length];
        java.util.Arrays.fill(at, Double.NaN);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                Writer w = Files.newBufferedWriter(log)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                for (int i = 0; i < marks.length; i++) {
                    if (Double.isNaN(at[i]) && line.startsWith(marks[i])) {
                        at[i] = (System.nanoTime() - t0) / 1e9;
                    }
                }
                w.write(line);
                w.write('\n');
            }
        }
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
        return new Timed((System.nanoTime() - t0) / 1e9, p.exitValue(), at);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
