package org.layerwise.sweep;

import java.util.Comparator;
import java.util.Locale;
import org.layerwise.data.Dataset;
import org.layerwise.data.OdeDataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

/**
 * What a sweep will cost before it runs: the studies' cost model ({@link org.layerwise.study.RunSpec#cost()})
 * over a rate measured on this machine.
 *
 * <p>[derived] The scaling study's cost of a run is 6·B·d²·L FLOPs per update (forward 2·B·d²·L,
 * backward twice that) times its update budget Tmax: an upper bound, since runs that reach epsilon
 * stop early. The rate is measured, not assumed: {@link #calibrate} times the fused kernel on one
 * thread at the width and batch size of the costliest entry and depth 64 until its rate is steady
 * (about 2 s, mostly the JIT compiling it; at most 5 s, and then it says the machine is busy), counting
 * the same 6·B·d²·L per step. Runs in float64 use the slower reference kernel, so for them the
 * estimate is low. Other studies' costs are shown in their own units, without a time, unless a rate
 * is given ({@code --flops-per-second}).
 */
public final class CostModel {
    private static final int CALIBRATION_DEPTH = 64;

    private CostModel() {
    }

    /**
     * A measured or given rate.
     *
     * @param perThread cost units per second on one thread
     * @param how       where the rate comes from, in words
     */
    public record Rate(double perThread, String how) {
    }

    /** What a study's run cost counts. */
    public static String unit(String study) {
        return study.equals("scaling")
                ? "FLOPs (6·B·d²·L per update × max-updates; an upper bound, runs that reach epsilon stop early)"
                : "the study's relative cost units";
    }

    /** Measures the rate for the manifest's study on this machine; null where there is no calibration for it. */
    public static Rate calibrate(Manifest m) {
        if (!m.study().equals("scaling") || m.entries().isEmpty()) {
            return null;
        }
        Manifest.Entry costliest = m.entries().stream().max(Comparator.comparingDouble(Manifest.Entry::cost)).orElseThrow();
        Object w = costliest.settings().get("width");
        Object b = costliest.settings().get("batch-size");
        boolean synthetic = "synthetic".equals(costliest.settings().get("dataset"));
        int width = synthetic && w instanceof Number n ? n.intValue() : 25; // the MNIST embedding is 25-dimensional
        int batch = b instanceof Number n ? n.intValue() : 100;
        double[] r = measure(width, batch, CALIBRATION_DEPTH, 5);
        return new Rate(r[0], String.format(Locale.ROOT, "measured now: fused kernel, d=%d, B=%d, L=%d, 1 thread%s", width, batch, CALIBRATION_DEPTH,
                r[1] > 0 ? "" : "; not steady after 5 s, the machine is busy: the time is an upper bound"));
    }

    /**
     * FLOPs per second (6·B·d²·L per step) of the fused kernel on one thread, once the JIT has compiled
     * it: timed in slices of 0.1 s of this thread's CPU time until, past 1.5 s, the last five no longer
     * beat the best before them by more than 10 % (about 2 s on an idle machine, mostly compilation), at
     * most {@code maxSeconds}; the median of the last three.
     */
    public static double residualMlpRate(int width, int batch, int depth, double maxSeconds) {
        return measure(width, batch, depth, maxSeconds)[0];
    }

    /** The rate and whether it became steady (1) or the time ran out (0). */
    private static double[] measure(int width, int batch, int depth, double maxSeconds) {
        ResidualMlp net = new ResidualMlp(depth, width, Activation.TANH, DeltaMode.SHARED);
        double[] params = net.initialise(Init.XAVIER, 1.0, new Rng(1));
        Dataset data = OdeDataset.generate(batch, width, 1);
        int[] rows = new int[batch];
        for (int i = 0; i < batch; i++) {
            rows[i] = i;
        }
        double[] grad = new double[params.length];
        double perStep = 6.0 * batch * width * (double) width * depth;
        java.util.List<Double> slices = new java.util.ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (maxSeconds * 1e9);
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpuTime = cpu.isCurrentThreadCpuTimeSupported();
        try (FusedKernel k = new FusedKernel(net, 1, batch)) {
            while (true) {
                // rates per second of this thread's CPU time: other processes on a busy machine do not slow the measurement
                long t0 = System.nanoTime();
                long c0 = cpuTime ? cpu.getCurrentThreadCpuTime() : t0;
                long steps = 0;
                long now;
                long used;
                do {
                    k.lossAndGradient(params, data, rows, 0, batch, grad);
                    steps++;
                    now = System.nanoTime();
                    used = (cpuTime ? cpu.getCurrentThreadCpuTime() : now) - c0;
                } while (used < 100_000_000L && now - t0 < 500_000_000L);
                slices.add(perStep * steps / (Math.max(1, used) / 1e9));
                int n = slices.size();
                // steady: past 1.5 s (the interpreter and the first compiler have stable but low rates), and the
                // last five slices did not beat the best rate before them by more than 10 %
                boolean steady = now - start > 1.5e9 && n > 8
                        && max(slices, n - 5, n) <= 1.1 * max(slices, 0, n - 5);
                if (steady || now > deadline) {
                    double[] last = {slices.get(n - 3), slices.get(n - 2), slices.get(n - 1)};
                    java.util.Arrays.sort(last);
                    return new double[] {last[1], steady ? 1 : 0};
                }
            }
        }
    }

    private static double max(java.util.List<Double> v, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m = Math.max(m, v.get(i));
        }
        return m;
    }

    /** "1.2e+12" style for large counts. */
    public static String amount(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A duration in words: "45 s", "12.5 min", "3.2 h", "4.1 days". */
    public static String duration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 7200) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        if (seconds < 3 * 86400) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f days", seconds / 86400);
    }
}
