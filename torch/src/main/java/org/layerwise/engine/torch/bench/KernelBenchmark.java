package org.layerwise.engine.torch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.config.ConfigException;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.TorchResidualMlp;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.train.Sgd;
import org.layerwise.util.Rng;

/**
 * {@code layerwise bench scaling-kernel}: one SGD training step (forward, backward, update) of the
 * residual MLP h_{k+1} = h_k + |delta| tanh(A_k h_k + b_k) (shared delta, mean-squared loss over
 * batch x d, as {@link org.layerwise.engine.ResidualKernel} has it) in three engines on the same
 * network, weights, data and thread count: the fused Java kernel, libtorch eager through JavaCPP
 * ({@link TorchResidualMlp}) and Python PyTorch eager ({@code residual_peer.py}, at the setting of
 * {@link PythonPeer#environment}). Per point (d, L, B): median ms per step of each, the fused kernel's
 * GFLOP/s and its share of this machine's FMA peak ({@link FmaPeak}, measured at the start on the same
 * threads), the ratios libtorch / fused and Python / fused, how closely the three first losses agree
 * (the same network) and the fused step's memory against the activations.
 *
 * <p>Each side is warmed up on its own (the same rule for all: at least 3 steps, then until 4 s or 40
 * steps, so the JIT has compiled the fused kernel); the timed steps then alternate side by side,
 * step by step, so a shared machine's load hits all three alike.
 */
public final class KernelBenchmark {
    static final double LR = 0.05;
    static final String SCRIPT = "residual_peer.py";
    static final double INIT_SCALE = 0.01;
    /** Seconds each FMA peak run lasts, and runs per measurement (the fastest is kept). */
    private static final double PEAK_SECONDS = 0.3;
    private static final int PEAK_REPEATS = 3;
    /** Activation floats (L+1)·d·B a point may hold: 4 GiB of float32; libtorch and Python hold several times that. */
    static final long MAX_ACTIVATIONS = 1L << 30;

    private KernelBenchmark() {
    }

    /** One network size: width d, depth L, batch B. */
    public record Point(int width, int depth, int batch) {
        /** Counted flops of one step: 6·d²·B·L (forward 2d²BL, input gradient 2d²BL, weight gradient 2d²BL). */
        public double flops() {
            return 6.0 * width * width * (double) batch * depth;
        }

        String label() {
            return "(" + width + ", " + depth + ", " + batch + ")";
        }
    }

    /** The default points: widths 10 to 256; L = 100 at d = 256 keeps its step under a second on 2 cores. */
    public static final List<Point> DEFAULT_POINTS = List.of(new Point(10, 1000, 500), new Point(25, 1000, 500), new Point(50, 1000, 500),
            new Point(100, 1000, 500), new Point(256, 100, 500));

    /** The allowed form of --points, for its messages and the usage text. */
    static final String POINTS_FORM = "\"d,L,B;d,L,B;...\" (width, depth, batch: integers >= 1, e.g. \"10,1000,500;256,100,500\")";

    /**
     * What to measure.
     *
     * @param threads threads of every side
     * @param steps   timed steps per side and point (the median is reported)
     * @param points  the network sizes, in order
     * @param python  "auto", "none" or the interpreter to run the peer with
     */
    public record Settings(int threads, int steps, List<Point> points, String python) {
        /** Checks every field; a bad one is a one-line {@link ConfigException} naming the option. */
        public Settings {
            range("threads", threads, 1, 4096);
            range("steps", steps, 1, 1_000_000);
            if (points == null || points.isEmpty()) {
                throw new ConfigException("scaling-kernel: --points: no point given; allowed: " + POINTS_FORM);
            }
            points = List.copyOf(points);
            if (python == null || python.isBlank()) {
                throw new ConfigException("scaling-kernel: --python: empty; allowed: auto, none or the path of a Python interpreter");
            }
        }

        /** The defaults: all cores, 5 steps, {@link #DEFAULT_POINTS}, Python found automatically. */
        public static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(), 5, DEFAULT_POINTS, "auto");
        }

        /** Reads {@code --key value} options over the defaults; every check runs before any work. */
        public static Settings parse(List<String> args) {
            Settings d = defaults();
            Map<String, String> v = new LinkedHashMap<>();
            v.put("threads", Integer.toString(d.threads()));
            v.put("steps", Integer.toString(d.steps()));
            v.put("points", null);
            v.put("python", d.python());
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String key = a.startsWith("--") ? a.substring(2) : null;
                if (key == null || !v.containsKey(key)) {
                    throw new ConfigException("scaling-kernel: unknown option '" + ConfigException.quote(a) + "'; options: --"
                            + String.join(", --", v.keySet()));
                }
                if (i + 1 >= args.size()) {
                    throw new ConfigException("scaling-kernel: --" + key + " needs a value");
                }
                v.put(key, args.get(++i));
            }
            List<Point> points = v.get("points") == null ? d.points() : parsePoints(v.get("points"));
            return new Settings(integer("threads", v.get("threads")), integer("steps", v.get("steps")), points, v.get("python"));
        }

        private static int integer(String key, String raw) {
            try {
                return Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("scaling-kernel: --" + key + ": '" + ConfigException.quote(raw) + "' is not an integer");
            }
        }

        private static void range(String key, int value, int min, int max) {
            if (value < min || value > max) {
                throw new ConfigException("scaling-kernel: --" + key + ": " + value + " is outside " + min + ".." + max);
            }
        }
    }

    /**
     * The points of {@code --points "d,L,B;d,L,B;..."} (a trailing ';' is allowed); anything else is
     * one {@link ConfigException} line naming the option, the bad part and the allowed form.
     */
    public static List<Point> parsePoints(String raw) {
        String text = raw.strip();
        if (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1);
        }
        List<Point> points = new ArrayList<>();
        String[] parts = text.split(";", -1);
        for (int p = 0; p < parts.length; p++) {
            String[] f = parts[p].split(",", -1);
            if (parts[p].isBlank() || f.length != 3) {
                throw badPoints(raw, "point " + (p + 1) + " ('" + ConfigException.quote(parts[p].strip()) + "') is not three numbers d,L,B");
            }
            int[] v = new int[3];
            for (int i = 0; i < 3; i++) {
                String name = new String[] {"width d", "depth L", "batch B"}[i];
                try {
                    v[i] = Integer.parseInt(f[i].strip());
                } catch (NumberFormatException e) {
                    throw badPoints(raw, name + " '" + ConfigException.quote(f[i].strip()) + "' of point " + (p + 1) + " is not an integer");
                }
                if (v[i] < 1) {
                    throw badPoints(raw, name + " " + v[i] + " of point " + (p + 1) + " is below 1");
                }
            }
            long parameters = ResidualMlp.parameterCount(v[1], v[0]);
            if (parameters > ResidualMlp.MAX_PARAMETERS) {
                throw badPoints(raw, String.format(Locale.ROOT, "point %d has %,d parameters; one network holds at most %,d", p + 1, parameters,
                        ResidualMlp.MAX_PARAMETERS));
            }
            long activations = (v[1] + 1L) * v[0] * v[2];
            if (activations > MAX_ACTIVATIONS) {
                throw badPoints(raw, String.format(Locale.ROOT, "point %d holds (L+1)·d·B = %,d activations; at most %,d (4 GiB of float32)",
                        p + 1, activations, MAX_ACTIVATIONS));
            }
            points.add(new Point(v[0], v[1], v[2]));
        }
        return points;
    }

    private static ConfigException badPoints(String raw, String why) {
        return new ConfigException("scaling-kernel: --points: '" + ConfigException.quote(raw) + "' is not valid: " + why + "; allowed: "
                + POINTS_FORM);
    }

    /** The usage text of {@code layerwise bench scaling-kernel}. */
    public static final String USAGE = """
            layerwise bench scaling-kernel [--points "d,L,B;d,L,B;..."] [--threads N] [--steps N] [--python auto|none|PATH]

            ms per SGD training step (forward, backward, update) of the residual MLP h_{k+1} = h_k + |delta| tanh(A_k h_k + b_k)
            (shared delta, MSE over batch x d) in the fused Java kernel, libtorch eager (JavaCPP) and Python PyTorch eager,
            same network, weights, data and threads, side by side; prints the fused kernel's GFLOP/s (6·d²·B·L per step) and
            its share of this machine's FMA peak, measured first on the same threads, and the ratios libtorch / fused and
            python / fused. Default points: 10,1000,500;25,1000,500;50,1000,500;100,1000,500;256,100,500; default threads:
            all cores; 5 timed steps. --python: the interpreter of the peer (auto: $LAYERWISE_PYTHON, /usr/bin/python3,
            python3; none: no peer).""";

    /** Everything measured at one point; times in ms, NaN where a side did not run. */
    record Row(Point point, int fusedThreads, double fusedMs, double torchMs, double pythonMs, double fusedLoss, double torchLoss,
            double pythonLoss, double[] lastLosses, int torchBlasThreads, long fusedBytes, long activationBytes, long parameters,
            long pythonParameters, String pythonProblem) {
        double fusedGflops() {
            return point.flops() / fusedMs / 1e6;
        }
    }

    /** Runs the benchmark, prints its table to {@code out} and returns its rows. */
    public static List<Row> run(Settings s, PrintStream out) {
        Natives.load();
        TorchResidualMlp.setThreads(s.threads());
        out.printf(Locale.ROOT, "scaling-kernel benchmark: residual MLP h_{k+1} = h_k + |delta| tanh(A_k h_k + b_k), shared delta, MSE over"
                + " batch x d, one SGD step (lr %s) = forward + backward + update; fused Java kernel, libtorch eager (JavaCPP), Python PyTorch"
                + " eager on the same network, weights and data%n", LR);
        out.printf(Locale.ROOT, "%d thread(s) each side; median of %d steps after the same warm-up (>= 3 steps, then up to 4 s or 40 steps),"
                + " the sides alternating step by step%n", s.threads(), s.steps());
        out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage() + " at start");
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), vector species "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED + "; libtorch " + ResNetBenchmark.torchVersion() + " via JavaCPP, "
                + torch.get_num_threads() + " thread(s), CPU capability " + ResNetBenchmark.string(torch.get_cpu_capability()) + "; "
                + ResNetBenchmark.javaBlas());
        List<String> overrides = PythonPeer.UNSET.stream().filter(k -> System.getenv(k) != null).map(k -> k + "='" + System.getenv(k) + "'")
                .toList();
        if (!overrides.isEmpty()) {
            // a running JVM cannot unset them for its own libtorch (the peer's command alone is changed, engine.md)
            out.println("note: this process has " + String.join(", ", overrides) + ", so libtorch's OpenBLAS here may run an older core's"
                    + " kernels (the BLAS line above names the core); unset them before ./layerwise for libtorch's best");
        }
        FmaPeak.Result peak = peak(s.threads(), out);
        Path work;
        try {
            work = Files.createTempDirectory("layerwise-bench-kernel");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary folder for the benchmark: " + e.getMessage(), e);
        }
        List<Row> rows = new ArrayList<>();
        try {
            PythonPeer.Found found = PythonPeer.find(s.python(), work);
            out.println(found.peer() == null ? found.reason() : PythonPeer.describeEnvironment(System.getenv(), s.threads()));
            out.printf("%-20s %10s %9s %11s %9s %13s %9s %14s %12s %10s %7s %7s%n", "(d, L, B)", "GFLOP/step", "fused ms", "libtorch ms",
                    "python ms", "fused GFLOP/s", "% peak", "libtorch/fused", "python/fused", "loss diff", "mem/act", "lt BLAS");
            out.flush();
            JsonNode described = null;
            for (Point p : s.points()) {
                JsonNode[] result = new JsonNode[1];
                Row r = measure(p, s, found.peer(), work, result, out);
                rows.add(r);
                if (described == null && result[0] != null) {
                    described = result[0];
                }
                printRow(r, peak, out);
            }
            out.println("GFLOP/step counts 6·d²·B·L: the forward matmuls 2d²BL, the input gradients 2d²BL, the weight gradients 2d²BL;"
                    + " tanh, biases, residual adds, the update and the fused kernel's recomputation of z in the backward pass are not counted");
            out.printf(Locale.ROOT, "%% peak = fused GFLOP/s / the FMA peak of %d thread(s) at once (%.1f GFLOP/s); ratios are medians"
                    + " over medians; loss diff = largest relative difference of the libtorch and python losses before the first step from"
                    + " the fused one (the same network: float32 rounding only); mem/act = the fused step's memory (workspace, float32"
                    + " weights, float64 weights and gradient) / the activations h_0..h_L; lt BLAS = OpenBLAS threads under libtorch, the faster of 1"
                    + " and %d over two steps each after the warm-up; init xavier-depth scale %s (the scaling study's), lr %s%n", s.threads(),
                    peak.gflops(), s.threads(), INIT_SCALE, LR);
            if (described != null) {
                out.println("python peer: " + PythonPeer.describe(described));
            }
            LayoutCrossover.run(s.points(), s.threads(), s.steps(), out);
            FmaPeak.Result again = FmaPeak.measure(s.threads(), PEAK_SECONDS, PEAK_REPEATS);
            out.printf(Locale.ROOT, "FMA peak again at the end: %.1f GFLOP/s on %d thread(s) (at the start %.1f; a large change means the"
                    + " machine's load changed during the run); load average %s%n", again.gflops(), s.threads(), peak.gflops(),
                    Machine.loadAverage());
        } finally {
            ResNetBenchmark.deleteTree(work);
        }
        return rows;
    }

    /** Measures and prints the FMA peak of one thread alone and of every thread at once; returns the latter. */
    private static FmaPeak.Result peak(int threads, PrintStream out) {
        FmaPeak.Result one = FmaPeak.measure(1, PEAK_SECONDS, PEAK_REPEATS);
        FmaPeak.Result all = threads == 1 ? one : FmaPeak.measure(threads, PEAK_SECONDS, PEAK_REPEATS);
        out.printf(Locale.ROOT, "FMA peak (float32, %d independent FloatVector.fma chains per thread on %s, %d lanes, 2 flops per lane;"
                + " ~%.1f s per run, fastest of %d): 1 thread alone %.1f GFLOP/s; %d thread(s) at once %.1f GFLOP/s (%.1f per thread)%n",
                FmaPeak.CHAINS, jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, FmaPeak.lanes(), PEAK_SECONDS, PEAK_REPEATS, one.gflops(),
                threads, all.gflops(), all.gflops() / threads);
        out.flush();
        return all;
    }

    private static void printRow(Row r, FmaPeak.Result peak, PrintStream out) {
        double gflops = r.fusedGflops();
        double lossDiff = Math.max(relative(r.torchLoss(), r.fusedLoss()), Double.isNaN(r.pythonLoss()) ? 0 : relative(r.pythonLoss(), r.fusedLoss()));
        out.printf(Locale.ROOT, "%-20s %10.3f %9.1f %11.1f %9s %13.1f %7.1f %% %13.1fx %12s %10.1e %6.2fx %7d%n", r.point().label(),
                r.point().flops() / 1e9, r.fusedMs(), r.torchMs(), Double.isNaN(r.pythonMs()) ? "n/a" : String.format(Locale.ROOT, "%.1f",
                        r.pythonMs()), gflops, 100 * gflops / peak.gflops(), r.torchMs() / r.fusedMs(), Double.isNaN(r.pythonMs()) ? "n/a"
                        : String.format(Locale.ROOT, "%.1fx", r.pythonMs() / r.fusedMs()), lossDiff, (double) r.fusedBytes() / r.activationBytes(),
                r.torchBlasThreads());
        double[] l = r.lastLosses();
        if (!Double.isFinite(l[0]) || !Double.isFinite(l[1]) || r.pythonProblem() == null && !Double.isNaN(r.pythonMs()) && !Double.isFinite(l[2])) {
            out.printf(Locale.ROOT, "  the training diverged (losses at the last step: fused %s, libtorch %s, python %s): these times are of"
                    + " non-finite arithmetic%n", l[0], l[1], l[2]);
        }
        if (r.pythonProblem() != null) {
            out.println("  " + r.pythonProblem());
        }
        if (r.pythonParameters() >= 0 && r.pythonParameters() != r.parameters()) {
            out.printf(Locale.ROOT, "  python's network has %,d parameters, layerwise's %,d: DIFFERENT networks%n", r.pythonParameters(),
                    r.parameters());
        }
        if (r.fusedThreads() != peak.threads()) {
            out.printf(Locale.ROOT, "  the fused kernel ran on %d thread(s): a batch of %d is %d chunk(s) of %d samples, one thread each%n",
                    r.fusedThreads(), r.point().batch(), (r.point().batch() + FusedKernel.CHUNK - 1) / FusedKernel.CHUNK, FusedKernel.CHUNK);
        }
        out.flush();
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), Double.MIN_NORMAL);
    }

    /** A point's network, its data (one batch, rows in order) and its initial weights: the same for every side and layout. */
    record Problem(ResidualMlp net, Dataset data, int[] rows, double[] params) {
    }

    static Problem problem(Point p) {
        int d = p.width();
        int batch = p.batch();
        ResidualMlp net = new ResidualMlp(p.depth(), d, Activation.TANH, DeltaMode.SHARED);
        Rng rng = new Rng(42);
        float[] x = new float[batch * d];
        float[] y = new float[batch * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.uniform(-1, 1);
            y[i] = (float) rng.uniform(-1, 1);
        }
        int[] rows = new int[batch];
        Arrays.setAll(rows, i -> i);
        // the scaling study's init (bench study's too): it trains; Init.XAVIER at scale 1 diverged to NaN within 5 steps at d = 10 and 25
        double[] params = net.initialise(Init.XAVIER_DEPTH, INIT_SCALE, rng);
        return new Problem(net, new Dataset("bench", batch, d, x, y), rows, params);
    }

    /** One point: the three sides built on the same weights and data, warmed up one by one, then timed in alternation. */
    private static Row measure(Point p, Settings s, PythonPeer peer, Path work, JsonNode[] result, PrintStream out) {
        int d = p.width();
        int batch = p.batch();
        Problem pr = problem(p);
        ResidualMlp net = pr.net();
        Dataset data = pr.data();
        float[] x = data.x();
        float[] y = data.y();
        int[] rows = pr.rows();
        double[] params = pr.params();
        int n = s.steps();
        double[] fused = new double[n];
        double[] libtorch = new double[n];
        double[] python = new double[n];
        Arrays.fill(python, Double.NaN);
        double[] pythonLoss = {Double.NaN};
        String[] problem = new String[1];
        PythonPeer.Session session = null;
        double[] pf = params.clone();
        try (FusedKernel k = new FusedKernel(net, s.threads(), batch); TorchResidualMlp tm = new TorchResidualMlp(net, params, false)) {
            Sgd sgd = new Sgd(LR, 0, 0, 0, false);
            double[] grad = new double[pf.length];
            double[] fusedLoss = {Double.NaN};
            double[] last = {Double.NaN, Double.NaN, Double.NaN}; // fused, libtorch, python: the loss of each side's latest step
            boolean[] first = {true, true, true};
            Runnable fusedStep = () -> {
                double loss = k.lossAndGradient(pf, data, rows, 0, batch, grad);
                if (first[0]) {
                    fusedLoss[0] = loss;
                    first[0] = false;
                }
                last[0] = loss;
                sgd.step(pf, grad);
            };
            Tensor[] b = tm.batch(data, rows, 0, batch);
            double[] torchLoss = {Double.NaN};
            Runnable torchStep = () -> {
                double loss = tm.sgdStep(b[0], b[1], LR);
                if (first[1]) {
                    torchLoss[0] = loss;
                    first[1] = false;
                }
                last[1] = loss;
            };
            if (peer != null) {
                try {
                    Path file = writePoint(work.resolve("point.f32"), x, y, params);
                    session = peer.serve(SCRIPT, List.of("--width", Integer.toString(d), "--depth", Integer.toString(p.depth()), "--batch",
                            Integer.toString(batch), "--threads", Integer.toString(s.threads()), "--lr", Double.toString(LR), "--data",
                            file.toString()), s.threads(), d + "-" + p.depth() + "-" + batch);
                    PythonPeer.Session sp = session;
                    warmUp(() -> {
                        double[] t = sp.step();
                        if (first[2]) {
                            pythonLoss[0] = t[3];
                            first[2] = false;
                        }
                        last[2] = t[3];
                    });
                } catch (PythonPeer.PeerFailed e) {
                    problem[0] = e.getMessage();
                    session = null;
                }
            }
            warmUp(fusedStep);
            warmUp(torchStep);
            int blas = bestBlasThreads(torchStep, s.threads());
            for (int i = 0; i < n; i++) {
                fused[i] = timed(fusedStep);
                libtorch[i] = timed(torchStep);
                if (session != null) {
                    try {
                        double[] t = session.step();
                        python[i] = t[0];
                        last[2] = t[3];
                    } catch (PythonPeer.PeerFailed e) {
                        problem[0] = e.getMessage();
                        session = null;
                    }
                }
            }
            long pythonParameters = -1;
            if (session != null) {
                try {
                    result[0] = session.finish();
                    pythonParameters = result[0].path("parameters").asLong(-1);
                } catch (PythonPeer.PeerFailed e) {
                    problem[0] = e.getMessage();
                }
            }
            b[0].close();
            b[1].close();
            // the whole step's memory: kernel workspace plus parameters and gradient (float64 each)
            long fusedBytes = k.workspaceBytes() + 16L * pf.length;
            boolean pythonRan = problem[0] == null && peer != null;
            return new Row(p, k.threads(), median(fused), median(libtorch), pythonRan ? median(python) : Double.NaN, fusedLoss[0], torchLoss[0],
                    pythonRan ? pythonLoss[0] : Double.NaN, last.clone(), blas, fusedBytes, FusedKernel.activationBytes(net, batch), net.parameterCount(),
                    pythonParameters, problem[0]);
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    /**
     * libtorch's matmuls run in OpenBLAS, whose own threads beside torch's oversubscribe the cores
     * (engine.md; here 23.5 s instead of ~1 s per step at d = 50 on a loaded machine): after the
     * warm-up, two steps with 1 BLAS thread and two with {@code threads}, and the faster setting stays
     * for the timed steps. Returns the BLAS thread count kept, or 0 where OpenBLAS is not reachable.
     */
    private static int bestBlasThreads(Runnable torchStep, int threads) {
        try {
            if (threads == 1) {
                org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads(1);
                return 1;
            }
            double[] ms = new double[2];
            int[] counts = {1, threads};
            for (int c = 0; c < 2; c++) {
                org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads(counts[c]);
                ms[c] = Math.min(timed(torchStep), timed(torchStep));
            }
            int best = ms[0] <= ms[1] ? 1 : threads;
            org.bytedeco.openblas.global.openblas_full.openblas_set_num_threads(best);
            return best;
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    /** x, y, then the parameters, as little-endian float32: the data file of residual_peer.py. */
    private static Path writePoint(Path file, float[] x, float[] y, double[] params) {
        ByteBuffer buf = ByteBuffer.allocate(4 * (x.length + y.length + params.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            buf.putFloat(v);
        }
        for (float v : y) {
            buf.putFloat(v);
        }
        for (double v : params) {
            buf.putFloat((float) v);
        }
        buf.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the python peer's data to " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    static double timed(Runnable step) {
        long t0 = System.nanoTime();
        step.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** The same warm-up for every side: at least 3 steps, then until 4 s or 40 steps (lets the JIT finish). */
    static void warmUp(Runnable step) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 40 && (i < 3 || System.nanoTime() - t0 < 4_000_000_000L); i++) {
            step.run();
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
