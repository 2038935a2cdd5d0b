package org.layerwise.engine.torch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.config.ConfigException;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.Device;
import org.layerwise.engine.torch.model.Precision;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.train.Batch;
import org.layerwise.engine.torch.train.GradientStats;
import org.layerwise.engine.torch.train.Sgd;
import org.layerwise.engine.torch.train.TorchNetworkFactory;
import org.layerwise.engine.torch.train.TrainStep;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.TrainingListener;
import org.layerwise.train.schedule.ConstantSchedule;

/**
 * {@code layerwise bench resnet}: ms per training step (forward, backward, plain SGD update) of a
 * CIFAR ResNet (default ResNet-56, short and no-short, BatchNorm without affine parameters, option-A
 * shortcuts, batch 128 of 3x32x32 N(0,1) images, 10 classes) in layerwise and in Python PyTorch, side
 * by side with the same thread count, the same warm-up and the median of the same number of steps.
 *
 * <p>The layerwise side is what a study runs: the libtorch network of {@link TorchNetworkFactory}
 * driven by the core {@link ImageTrainer} loop (batches from a {@link BatchLoader}, per-tensor
 * statistics after backward and after the update), timed from the end of one step to the end of the
 * next. It is measured without and with an {@link ElrProbe} recording every step; their difference is
 * the probe's overhead, reported beside the time spent inside the probe's own hooks. A third, "bare"
 * libtorch loop (the same model, {@link TrainStep#forwardBackward} and {@link Sgd#step} without
 * statistics, on batches made once) times the phases of a step one by one, so that the difference
 * between layerwise and Python can be attributed: engine, batch conversion, statistics passes, loop.
 *
 * <p>The Python side ({@code resnet_peer.py}, a resource of this jar) builds the same architecture
 * with torch.nn and runs the same step; its parameter count is compared with layerwise's. It runs at
 * its best setting (see {@link PythonPeer#environment}); the command prints the BLAS core each side
 * uses. Peak resident memory: VmHWM of this JVM, ru_maxrss of each Python process.
 */
public final class ResNetBenchmark {
    private static final int CLASSES = 10;
    private static final int SIZE = 32;
    private static final double LR = 0.05;
    private static final long SEED = 1;
    /** Distinct batches of random images cycled through (as many as the Python peer makes). */
    private static final int POOL_BATCHES = 4;

    private ResNetBenchmark() {
    }

    /**
     * What to measure.
     *
     * @param threads  CPU threads of both sides
     * @param steps    timed steps (the median is reported)
     * @param warmup   untimed steps before them, the same on both sides
     * @param batch    images per step
     * @param depth    CIFAR ResNet depth (6n+2)
     * @param device   "cpu" or "cuda"
     * @param python   "auto", "none" or the interpreter to run the peer with
     * @param rssSteps length of the extra run that checks the resident memory stays flat (0 = none)
     */
    public record Settings(int threads, int steps, int warmup, int batch, int depth, String device, String python, int rssSteps) {
        /** Checks every field; a bad one is a one-line {@link ConfigException} naming the option. */
        public Settings {
            range("threads", threads, 1, 4096);
            range("steps", steps, 1, 1_000_000);
            range("warmup", warmup, 0, 1_000_000);
            range("batch", batch, 1, 1 << 16);
            range("rss-steps", rssSteps, 0, 10_000_000);
            try {
                ResNetSpec.cifar(depth, CLASSES);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("resnet: --depth: " + e.getMessage());
            }
            if (!device.equals("cpu") && !device.equals("cuda")) {
                throw new ConfigException("resnet: --device: unknown value '" + ConfigException.quote(device) + "'; allowed: cpu, cuda");
            }
            if (python == null || python.isBlank()) {
                throw new ConfigException("resnet: --python: empty; allowed: auto, none or the path of a Python interpreter");
            }
        }

        /** The defaults of the command: all cores, 10 steps after 3, batch 128, ResNet-56, CPU, Python found automatically. */
        public static Settings defaults() {
            return new Settings(Runtime.getRuntime().availableProcessors(), 10, 3, 128, 56, "cpu", "auto", 0);
        }

        /** Reads {@code --key value} options over the defaults. */
        public static Settings parse(List<String> args) {
            Map<String, String> v = new LinkedHashMap<>();
            Settings d = defaults();
            v.put("threads", Integer.toString(d.threads()));
            v.put("steps", Integer.toString(d.steps()));
            v.put("warmup", Integer.toString(d.warmup()));
            v.put("batch", Integer.toString(d.batch()));
            v.put("depth", Integer.toString(d.depth()));
            v.put("device", d.device());
            v.put("python", d.python());
            v.put("rss-steps", Integer.toString(d.rssSteps()));
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String key = a.startsWith("--") ? a.substring(2) : null;
                if (key == null || !v.containsKey(key)) {
                    throw new ConfigException("resnet: unknown option '" + ConfigException.quote(a) + "'; options: --"
                            + String.join(", --", v.keySet()));
                }
                if (i + 1 >= args.size()) {
                    throw new ConfigException("resnet: --" + key + " needs a value");
                }
                v.put(key, args.get(++i));
            }
            return new Settings(integer("threads", v.get("threads")), integer("steps", v.get("steps")), integer("warmup", v.get("warmup")),
                    integer("batch", v.get("batch")), integer("depth", v.get("depth")), v.get("device").trim().toLowerCase(Locale.ROOT),
                    v.get("python"), integer("rss-steps", v.get("rss-steps")));
        }

        private static int integer(String key, String raw) {
            try {
                return Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("resnet: --" + key + ": '" + ConfigException.quote(raw) + "' is not an integer");
            }
        }

        private static void range(String key, int value, int min, int max) {
            if (value < min || value > max) {
                throw new ConfigException("resnet: --" + key + ": " + value + " is outside " + min + ".." + max);
            }
        }
    }

    /** The usage text of {@code layerwise bench resnet}. */
    public static final String USAGE = """
            layerwise bench resnet [--threads N] [--steps N] [--warmup N] [--batch N] [--depth N] [--device cpu|cuda]
                                   [--python auto|none|PATH] [--rss-steps N]

            ms per training step (forward, backward, plain SGD) of CIFAR ResNet-<depth> (default 56) short and no-short,
            batch <batch> (default 128) of random 3x32x32 images, 10 classes: layerwise (the core training loop on libtorch,
            as studies run it) against Python PyTorch (the same network and step, run side by side with the same threads);
            prints their ratio, the ELR probe's overhead, the statistics passes' share and peak RSS. The sides alternate
            step by step (a shared machine's load hits both alike). --rss-steps N first runs the layerwise loop alone for
            N steps and reports its resident memory at step 100 and at the end (flat = nothing kept from step to step).
            --python: the interpreter of the peer (auto: $LAYERWISE_PYTHON, /usr/bin/python3, python3; none: no peer).""";

    /** Runs the benchmark and prints its figures to {@code out}. */
    public static void run(Settings s, PrintStream out) {
        Natives.load();
        Device device = device(s.device());
        torch.set_num_threads(s.threads());
        Map<String, String> env = System.getenv();
        out.printf(Locale.ROOT, "resnet benchmark: CIFAR ResNet-%d short and no-short, BN without affine, option-A shortcuts, batch %d of"
                + " random 3x%dx%d N(0,1) images, %d classes, plain SGD lr %s%n", s.depth(), s.batch(), SIZE, SIZE, CLASSES, LR);
        out.printf(Locale.ROOT, "%d thread(s) each side; median of %d steps after %d warm-up steps (the same for both sides); device %s%n",
                s.threads(), s.steps(), s.warmup(), s.device());
        out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage() + " at start");
        out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "); libtorch "
                + torchVersion() + " via JavaCPP, " + torch.get_num_threads() + " thread(s), CPU capability "
                + string(torch.get_cpu_capability()) + ", " + oneDnn() + "; " + javaBlas());
        // the allocator's setting decides the page faults reported below (./layerwise explains its choice)
        String tunables = env.get("GLIBC_TUNABLES");
        out.println("glibc malloc: GLIBC_TUNABLES=" + (tunables == null ? "unset (./layerwise sets it)" : tunables)
                + " (the Python peer inherits it)");
        Path work;
        try {
            work = Files.createTempDirectory("layerwise-bench-resnet");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary folder for the benchmark: " + e.getMessage(), e);
        }
        try {
            PythonPeer.Found found = PythonPeer.find(s.python(), work);
            if (found.peer() == null) {
                out.println(found.reason());
            } else {
                out.println(PythonPeer.describeEnvironment(env, s.threads()));
            }
            out.flush();
            long alonePeak = aloneRun(s, work, out);
            List<Row> rows = new ArrayList<>();
            for (boolean residual : new boolean[] {true, false}) {
                rows.add(measure(s, device, residual, found.peer(), work, out));
            }
            summary(rows, found, s.warmup(), alonePeak, out);
            out.println("load average " + Machine.loadAverage() + " at the end");
        } finally {
            deleteTree(work);
        }
    }

    private static Device device(String name) {
        try {
            return Device.parse(name).requireAvailable();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ConfigException("resnet: --device: " + e.getMessage());
        }
    }

    /** Everything measured for one architecture; times in ms over the timed rounds. */
    private record Row(String variant, long parameters, double[] loop, double[] probe, double[] probeHooks, BareStep bare, double[] peer,
            double[] loopCpu, double[] peerCpu, double[] loopFaults, double[] peerFaults, JsonNode peerResult, String peerProblem,
            long javaPeakKib) {
    }

    /** Median, minimum and maximum of a set of step times, in ms. */
    record Timing(double median, double min, double max) {
        static Timing of(double[] ms) {
            double[] s = ms.clone();
            Arrays.sort(s);
            int n = s.length;
            if (n == 0) {
                return new Timing(Double.NaN, Double.NaN, Double.NaN);
            }
            double median = n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
            return new Timing(median, s[0], s[n - 1]);
        }

        String range() {
            return Double.isNaN(median) ? "n/a" : String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", median, min, max);
        }
    }

    /**
     * One architecture, in rounds: a layerwise loop step, a bare libtorch step, a Python step, then
     * the next round. Alternating the three sides step by step gives them the same share of a shared
     * machine's load, which changes faster than whole runs take. After the warm-up the ELR probe sees
     * every other round only, so each pair of rounds holds a layerwise step without and one with it.
     */
    private static Row measure(Settings s, Device device, boolean residual, PythonPeer peer, Path work, PrintStream out) {
        String variant = residual ? "short" : "no-short";
        NetworkSpec spec = new NetworkSpec("cifar-resnet", s.depth(), CLASSES, 3, residual, false, "A", s.device(), s.threads(), 0, 0,
                false, SEED);
        long parameters = new TorchNetworkFactory().parameterCount(spec);
        int total = s.warmup() + 2 * s.steps();
        double[] peerMs = new double[total];
        double[] peerCpuMs = new double[total];
        double[] peerFaults = new double[total];
        Arrays.fill(peerMs, Double.NaN);
        Arrays.fill(peerCpuMs, Double.NaN);
        String[] problem = new String[1];
        PythonPeer.Session[] session = new PythonPeer.Session[1];
        JsonNode peerResult = null;
        RandomImages images = new RandomImages(POOL_BATCHES * s.batch(), 3, SIZE, CLASSES, SEED);
        if (peer != null) {
            try {
                session[0] = peer.start(s.depth(), residual, s.batch(), CLASSES, s.threads(), s.device(), LR);
            } catch (PythonPeer.PeerFailed e) {
                problem[0] = e.getMessage();
                out.println(problem[0]);
            }
        }
        ResNetSpec arch = ResNetSpec.cifar(s.depth(), CLASSES).withResidual(residual);
        Path elrDir = work.resolve("elr-" + variant);
        try (BareStep bare = new BareStep(arch, SEED, device, images, s.batch(), POOL_BATCHES, total, LR)) {
            ElrProbe probe = new ElrProbe(createDirectories(elrDir), 1);
            int w = s.warmup();
            // every warm-up step (the probe's first call opens its files and the JIT compiles it), then every other step
            TimedListener probeHooks = new TimedListener(probe, total, k -> k < w || (k - w) % 2 == 1);
            StepClock clock = new StepClock(total, 0, k -> {
                bare.run((int) k);
                if (session[0] != null) {
                    try {
                        double[] t = session[0].step();
                        peerMs[(int) k] = t[0];
                        peerCpuMs[(int) k] = t[1];
                        peerFaults[(int) k] = t[2];
                    } catch (PythonPeer.PeerFailed e) {
                        problem[0] = e.getMessage();
                        out.println(problem[0]);
                        session[0] = null;
                    }
                }
            });
            // the clock last: a step's time includes every other listener's work
            loop(s, spec, images, List.of(probeHooks, clock), total, probe);
            if (session[0] != null) {
                try {
                    peerResult = session[0].finish();
                } catch (PythonPeer.PeerFailed e) {
                    problem[0] = e.getMessage();
                    out.println(problem[0]);
                }
            }
            double[] steps = clock.stepMs();
            double[] cpu = clock.stepCpuMs();
            double[] faults = clock.stepFaults();
            double[] hooks = probeHooks.stepMs();
            double[] without = new double[s.steps()];
            double[] withoutCpu = new double[s.steps()];
            double[] withoutFaults = new double[s.steps()];
            double[] with = new double[s.steps()];
            double[] hookMs = new double[s.steps()];
            int a = 0;
            int b = 0;
            for (int k = w; k < total; k++) {
                if (probeHooks.active(k)) {
                    with[a] = steps[k];
                    hookMs[a++] = hooks[k];
                } else {
                    withoutCpu[b] = cpu[k];
                    withoutFaults[b] = faults[k];
                    without[b++] = steps[k];
                }
            }
            Row row = new Row(variant, parameters, without, with, hookMs, bare, tail(peerMs, w, peerResult != null), withoutCpu,
                    tail(peerCpuMs, w, peerResult != null), withoutFaults, tail(peerFaults, w, peerResult != null), peerResult, problem[0], ProcessMemory.peakRssKib());
            printRow(row, s.warmup(), out);
            return row;
        } finally {
            if (session[0] != null) {
                session[0].close();
            }
        }
    }

    private static double[] tail(double[] v, int skip, boolean keep) {
        return keep ? Arrays.copyOfRange(v, skip, v.length) : new double[0];
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The core loop for {@code total} steps on a fresh network from the factory, as a study runs it. */
    private static void loop(Settings s, NetworkSpec spec, RandomImages images, List<TrainingListener> listeners, int total,
            ElrProbe probe) {
        BatchLoader loader = BatchLoader.builder(images).batchSize(s.batch()).seed(SEED).build();
        try (TrainableNetwork net = new TorchNetworkFactory().create(spec)) {
            ImageTrainer.Result r = new ImageTrainer(new ImageTrainer.Settings(total, 0, 0), listeners, () -> false)
                    .train(net, loader, null, new ConstantSchedule(LR), Trainer.Checkpoints.none());
            if (r.diverged()) {
                throw new IllegalStateException("the benchmark run diverged at step " + r.divergedAt() + " (lr " + LR + ")");
            }
        } finally {
            if (probe != null) {
                probe.close();
            }
        }
    }

    private static double median(double[] v) {
        return Timing.of(v).median();
    }

    /** Median over pairs of (a[i] / b[i]). */
    private static double pairedRatio(double[] a, double[] b) {
        int n = Math.min(a.length, b.length);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = a[i] / b[i];
        }
        return median(r);
    }

    private static void printRow(Row r, int warmup, PrintStream out) {
        BareStep b = r.bare();
        out.printf(Locale.ROOT, "%s: layerwise %s ms | with ELR probe %s ms | libtorch bare %s ms | python %s ms  [median (min-max)]%n",
                r.variant(), Timing.of(r.loop()).range(), Timing.of(r.probe()).range(), Timing.of(tail(b.stepMs, warmup, true)).range(),
                Timing.of(r.peer()).range());
        out.printf(Locale.ROOT, "  %s phases (bare libtorch, medians): batch to tensor %.2f ms, forward+backward %.1f ms, SGD update %.2f ms;"
                + " statistics the loop adds: GradientStats %.2f ms, UpdateStats %.2f ms; ELR probe hooks %.3f ms%n", r.variant(),
                median(tail(b.toTensorMs, warmup, true)), median(tail(b.forwardBackwardMs, warmup, true)), median(tail(b.updateMs, warmup, true)),
                median(tail(b.gradientStatsMs, warmup, true)), median(tail(b.updateStatsMs, warmup, true)), median(r.probeHooks()));
        out.printf(Locale.ROOT, "  %s minor page faults per step (medians; memory mapped afresh): %s%n", r.variant(), faults(r, warmup));
        out.flush();
    }

    /** The median minor page faults per step of each side. */
    private static String faults(Row r, int warmup) {
        return String.format(Locale.ROOT, "layerwise %.0f, libtorch bare %.0f, python %s", median(r.loopFaults()),
                median(tail(r.bare().stepFaults, warmup, true)),
                r.peerFaults().length == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", median(r.peerFaults())));
    }

    private static void summary(List<Row> rows, PythonPeer.Found found, int warmup, long alonePeak, PrintStream out) {
        JsonNode first = rows.stream().map(Row::peerResult).filter(n -> n != null).findFirst().orElse(null);
        if (first != null) {
            out.println("python peer: " + PythonPeer.describe(first));
        }
        List<String> params = new ArrayList<>();
        List<String> ratios = new ArrayList<>();
        List<String> bareRatios = new ArrayList<>();
        List<String> overheads = new ArrayList<>();
        List<String> stats = new ArrayList<>();
        List<String> peerRss = new ArrayList<>();
        List<String> cpuRatios = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        for (Row r : rows) {
            faults.add(r.variant() + " " + faults(r, warmup));
            JsonNode p = r.peerResult();
            double loop = median(r.loop());
            double[] bare = tail(r.bare().stepMs, warmup, true);
            if (p != null) {
                long pp = p.get("parameters").asLong();
                params.add(String.format(Locale.ROOT, "%s layerwise %,d / python %,d (%s)", r.variant(), r.parameters(), pp,
                        pp == r.parameters() ? "equal" : "DIFFERENT: the architectures do not match"));
                double py = median(r.peer());
                // the timed rounds without the probe are 0, 2, 4, ...: pair each with the Python step of its own round
                double[] pyEven = new double[r.loop().length];
                for (int i = 0; i < pyEven.length; i++) {
                    pyEven[i] = r.peer()[2 * i];
                }
                ratios.add(String.format(Locale.ROOT, "%s %.3fx (medians %.1f / %.1f ms; median of same-round ratios %.3fx)", r.variant(),
                        loop / py, loop, py, pairedRatio(r.loop(), pyEven)));
                double[] pyCpuEven = new double[r.loopCpu().length];
                for (int i = 0; i < pyCpuEven.length; i++) {
                    pyCpuEven[i] = r.peerCpu()[2 * i];
                }
                double bareCpu = median(tail(r.bare().stepCpuMs, warmup, true));
                double pyCpu = median(r.peerCpu());
                cpuRatios.add(String.format(Locale.ROOT, "%s layerwise %.1f / python %.1f ms = %.3fx (libtorch bare %.1f ms = %.3fx)",
                        r.variant(), median(r.loopCpu()), median(pyCpuEven), median(r.loopCpu()) / median(pyCpuEven), bareCpu, bareCpu / pyCpu));
                bareRatios.add(String.format(Locale.ROOT, "%s %.3fx (same-round %.3fx)", r.variant(), median(bare) / py,
                        pairedRatio(bare, r.peer())));
                peerRss.add(r.variant() + " " + ProcessMemory.mib(p.get("ru_maxrss_kib").asLong()) + " (VmHWM "
                        + ProcessMemory.mib(p.get("vm_hwm_kib").asLong()) + ")");
            } else {
                params.add(String.format(Locale.ROOT, "%s layerwise %,d", r.variant(), r.parameters()));
            }
            overheads.add(String.format(Locale.ROOT, "%s %+.2f %% (medians of alternating steps with and without: %.1f vs %.1f ms;"
                    + " same-pair %+.2f %%), %.3f %% inside the probe's hooks", r.variant(), 100 * (median(r.probe()) / loop - 1),
                    median(r.probe()), loop, 100 * (pairedRatio(r.probe(), r.loop()) - 1), 100 * median(r.probeHooks()) / loop));
            double st = median(tail(r.bare().gradientStatsMs, warmup, true)) + median(tail(r.bare().updateStatsMs, warmup, true));
            stats.add(String.format(Locale.ROOT, "%s %.2f ms = %.2f %% of the layerwise step", r.variant(), st, 100 * st / loop));
        }
        out.println("parameters: " + String.join("; ", params));
        if (first != null) {
            out.println("ratio layerwise / python per step (goal <= 1.15): " + String.join("; ", ratios));
            out.println("ratio libtorch bare / python (the engines alone, no loop, no statistics): " + String.join("; ", bareRatios));
            if (rows.get(0).peerResult() != null && first.path("threads").asInt() == 1) {
                out.println("ratio of CPU time per step (training thread; with 1 thread all of the step's work, whatever the machine's load): "
                        + String.join("; ", cpuRatios));
            }
        } else {
            String why = found.peer() == null ? found.reason() : rows.get(0).peerProblem();
            out.println("ratio layerwise / python: n/a (" + why + ")");
        }
        out.println("minor page faults per step (medians, goal near 0; each is a page of memory mapped afresh): " + String.join("; ", faults));
        out.println("ELR probe overhead (goal <= 3 %): " + String.join("; ", overheads));
        out.println("statistics passes in every layerwise step (GradientStats + UpdateStats): " + String.join("; ", stats));
        out.println("peak RSS: layerwise " + ProcessMemory.mib(alonePeak) + " (VmHWM of the JVM after the loop alone, short);"
                + " whole JVM " + ProcessMemory.mib(rows.get(rows.size() - 1).javaPeakKib()) + " (VmHWM at the end: both variants, loop and"
                + " bare models)"
                + (peerRss.isEmpty() ? "" : "; python ru_maxrss " + String.join(", ", peerRss) + ", one process each"
                        + " (ru_maxrss includes the launching JVM's peak: Linux carries it across exec; VmHWM is the peer's own)"));
    }

    /**
     * The layerwise loop alone (short, ELR probe every step) before anything else runs in this JVM,
     * for max(warm-up + 2, rss-steps) steps: its peak RSS is layerwise's own (the side-by-side rounds
     * that follow also hold the bare model). With {@code --rss-steps N} it samples VmRSS every 100 steps
     * (every N/2 for shorter runs) and prints the value at step 100 and at the end: flat memory means
     * no native memory is kept from step to step. Returns VmHWM after the run, in KiB.
     */
    private static long aloneRun(Settings s, Path work, PrintStream out) {
        int total = Math.max(s.warmup() + 2, s.rssSteps());
        int every = s.rssSteps() > 0 ? Math.max(1, Math.min(100, total / 2)) : 0;
        NetworkSpec spec = new NetworkSpec("cifar-resnet", s.depth(), CLASSES, 3, true, false, "A", s.device(), s.threads(), 0, 0, false,
                SEED);
        long start = ProcessMemory.rssKib();
        StepClock clock = new StepClock(total, every, null);
        ElrProbe probe = new ElrProbe(createDirectories(work.resolve("elr-alone")), 1);
        loop(s, spec, new RandomImages(POOL_BATCHES * s.batch(), 3, SIZE, CLASSES, SEED), List.of(probe, clock), total, probe);
        long peak = ProcessMemory.peakRssKib();
        double[] ms = clock.stepMs();
        out.printf(Locale.ROOT, "layerwise loop alone (ResNet-%d short, ELR probe every step, %d steps, no other side running): median step"
                + " %.1f ms after %d, peak RSS %s%n", s.depth(), total, Timing.of(Arrays.copyOfRange(ms, Math.min(s.warmup(), total - 1), total))
                .median(), s.warmup(), ProcessMemory.mib(peak));
        if (every > 0) {
            long[] rss = clock.rssKib();
            long atFirst = rss[0];
            long atEnd = rss[rss.length - 1];
            List<String> trace = new ArrayList<>();
            for (int i = 0; i < rss.length; i++) {
                trace.add((i + 1) * every + ":" + Math.round(rss[i] / 1024.0));
            }
            out.printf(Locale.ROOT, "RSS over %d layerwise steps: %s before, %s at step %d, %s at step %d; difference %+.1f MiB"
                    + " (%+.1f KiB per step)%n", total, ProcessMemory.mib(start), ProcessMemory.mib(atFirst), every, ProcessMemory.mib(atEnd),
                    rss.length * every, (atEnd - atFirst) / 1024.0, (double) (atEnd - atFirst) / Math.max(1, (rss.length - 1) * every));
            out.println("RSS trace (step:MiB): " + String.join(" ", trace));
        }
        out.flush();
        return peak;
    }

    private static double min(JsonNode array) {
        double m = Double.POSITIVE_INFINITY;
        for (JsonNode n : array) {
            m = Math.min(m, n.asDouble());
        }
        return m;
    }

    private static double max(JsonNode array) {
        double m = Double.NEGATIVE_INFINITY;
        for (JsonNode n : array) {
            m = Math.max(m, n.asDouble());
        }
        return m;
    }

    static String torchVersion() {
        try {
            return string(torch.show_config()).lines().filter(l -> l.contains("TORCH_VERSION")).findFirst()
                    .map(l -> l.replaceAll(".*TORCH_VERSION=([^,]*).*", "$1")).orElse("2.10");
        } catch (RuntimeException e) {
            return "2.10";
        }
    }

    /** The oneDNN (MKL-DNN) version libtorch was built with: it runs the convolutions on CPU. */
    private static String oneDnn() {
        try {
            return string(torch.show_config()).lines().filter(l -> l.contains("MKL-DNN")).findFirst()
                    .map(l -> l.replaceAll(".*(MKL-DNN v[^ ]*).*", "$1")).orElse("no MKL-DNN");
        } catch (RuntimeException e) {
            return "MKL-DNN unknown";
        }
    }

    /** Which OpenBLAS core the JavaCPP libtorch's BLAS uses, and its thread count. */
    static String javaBlas() {
        try {
            return "BLAS: JavaCPP OpenBLAS, core " + string(org.bytedeco.openblas.global.openblas_full.openblas_get_corename()) + ", "
                    + org.bytedeco.openblas.global.openblas_full.openblas_get_num_threads() + " BLAS thread(s)";
        } catch (RuntimeException | LinkageError e) {
            return "BLAS: unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    static String string(BytePointer p) {
        return p == null ? "" : p.getString().trim();
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
