package org.layerwise.study.scaling;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.layerwise.data.Dataset;
import org.layerwise.data.OdeDataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.study.RunCost;
import org.layerwise.study.StudyConfig;
import org.layerwise.util.Rng;

/**
 * What a scaling run costs, and how fast this machine trains it.
 *
 * <p>[derived] The cost of a run ({@link ScalingStudy#plan}) is 6·B·d²·L FLOPs per update (forward
 * 2·B·d²·L, backward twice that) times its update budget Tmax: an upper bound, since runs that reach
 * epsilon stop early. The rate is measured, not assumed: {@link #measure} times the fused kernel on one
 * thread at the width and batch size of the costliest entry and depth 64 until its rate is steady
 * (about 2 s, mostly the JIT compiling it; at most 5 s, and then it says the machine is busy), counting
 * the same 6·B·d²·L per step. Runs in float64 use the slower reference kernel, so for them the
 * estimate is low.
 */
final class ScalingCost implements RunCost {
    static final ScalingCost INSTANCE = new ScalingCost();
    private static final int CALIBRATION_DEPTH = 64;

    private ScalingCost() {
    }

    /** The cost of one run: 6·B·d²·L FLOPs per update times the update budget. */
    static double flops(ScalingConfig c, int depth) {
        return 6.0 * c.batchSize() * c.width() * c.width() * depth * c.maxUpdates();
    }

    @Override
    public String unit() {
        return "FLOPs (6·B·d²·L per update × max-updates; an upper bound, runs that reach epsilon stop early)";
    }

    @Override
    public Rate measure(StudyConfig costliest) {
        ScalingConfig c = (ScalingConfig) costliest;
        int width = c.width(); // the MNIST embedding is 25-dimensional whatever the width setting
        int batch = c.batchSize();
        double[] r = measure(width, batch, CALIBRATION_DEPTH, 5);
        return new Rate(r[0], String.format(Locale.ROOT, "measured now: fused kernel, d=%d, B=%d, L=%d, 1 thread%s", width, batch, CALIBRATION_DEPTH,
                r[1] > 0 ? "" : "; not steady after 5 s, the machine is busy: the time is an upper bound"));
    }

    /**
     * FLOPs per second (6·B·d²·L per step) of the fused kernel on one thread, once the JIT has compiled
     * it: timed in slices of 0.1 s of this thread's CPU time until, past 1.5 s, the last five no longer
     * beat the best before them by more than 10 % (about 2 s on an idle machine, mostly compilation), at
     * most {@code maxSeconds}; the median of the last three, and whether it became steady (1) or the time
     * ran out (0).
     */
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
        List<Double> slices = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (maxSeconds * 1e9);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
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
                    Arrays.sort(last);
                    return new double[] {last[1], steady ? 1 : 0};
                }
            }
        }
    }

    private static double max(List<Double> v, int from, int to) {
        double m = 0;
        for (int i = from; i < to; i++) {
            m = Math.max(m, v.get(i));
        }
        return m;
    }
}
