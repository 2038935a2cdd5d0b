package org.layerwise.engine.torch;

import java.io.PrintStream;
import java.util.Arrays;
import org.bytedeco.pytorch.Tensor;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.train.Sgd;
import org.layerwise.util.Rng;

/**
 * {@code layerwise bench scaling-kernel}: one SGD training step (forward, backward, update) of the
 * fused kernel and of libtorch eager on the same network, data and thread count, side by side in
 * one process; median ms per step, their ratio, and the fused kernel's memory against the
 * activations' size.
 */
public final class KernelBenchmark {
    private KernelBenchmark() {
    }

    private static final int[][] POINTS = {{10, 1000, 500}, {10, 10000, 500}, {25, 1000, 500}};

    public static void run(int threads, int steps, PrintStream out) {
        Natives.load();
        TorchResidualMlp.setThreads(threads);
        out.printf("scaling-kernel benchmark: tanh, shared delta, SGD lr 0.05; %d thread(s) each; median of %d steps after the same warm-up (>= 3 steps, up to 4 s)%n",
                threads, steps);
        out.printf("java %s (%s), vector species %s%n", System.getProperty("java.version"), System.getProperty("java.vm.name"),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        out.printf("%-18s %12s %14s %8s %14s %14s %8s%n", "(d, L, B)", "fused ms", "libtorch ms", "ratio", "fused MiB", "activ. MiB", "mem/act");
        for (int[] p : POINTS) {
            int d = p[0];
            int depth = p[1];
            int batch = p[2];
            ResidualMlp net = new ResidualMlp(depth, d, Activation.TANH, DeltaMode.SHARED);
            Rng rng = new Rng(42);
            float[] x = new float[batch * d];
            float[] y = new float[batch * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.uniform(-1, 1);
                y[i] = (float) rng.uniform(-1, 1);
            }
            Dataset data = new Dataset("bench", batch, d, x, y);
            int[] rows = new int[batch];
            Arrays.setAll(rows, i -> i);
            double[] params = net.initialise(Init.XAVIER, 1.0, rng);

            double fusedMs;
            long fusedBytes;
            double[] pf = params.clone();
            try (FusedKernel k = new FusedKernel(net, threads, batch)) {
                Sgd sgd = new Sgd(0.05, 0, 0, 0, false);
                double[] grad = new double[pf.length];
                double[] t = new double[steps];
                Runnable step = () -> {
                    k.lossAndGradient(pf, data, rows, 0, batch, grad);
                    sgd.step(pf, grad);
                };
                warmUp(step);
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    step.run();
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
                fusedMs = median(t);
                // the whole step's memory: kernel workspace plus parameters, gradient (float64 each)
                fusedBytes = k.workspaceBytes() + 16L * pf.length;
            }
            double torchMs;
            try (TorchResidualMlp tm = new TorchResidualMlp(net, params, false)) {
                Tensor[] b = tm.batch(data, rows, 0, batch);
                double[] t = new double[steps];
                warmUp(() -> tm.sgdStep(b[0], b[1], 0.05));
                for (int i = 0; i < steps; i++) {
                    long t0 = System.nanoTime();
                    tm.sgdStep(b[0], b[1], 0.05);
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
                torchMs = median(t);
                b[0].close();
                b[1].close();
            }
            long act = FusedKernel.activationBytes(net, batch);
            out.printf("%-18s %12.1f %14.1f %7.1fx %14.1f %14.1f %7.2fx%n", "(" + d + ", " + depth + ", " + batch + ")", fusedMs, torchMs,
                    torchMs / fusedMs, fusedBytes / 1048576.0, act / 1048576.0, (double) fusedBytes / act);
        }
        out.println("ratio = libtorch ms / fused ms (goal >= 10x); mem/act = fused step memory / activations h_0..h_L (goal <= 2x)");
    }

    /** The same warm-up for both engines: at least 3 steps, then until 4 s or 40 steps (lets the JIT finish). */
    private static void warmUp(Runnable step) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 40 && (i < 3 || System.nanoTime() - t0 < 4_000_000_000L); i++) {
            step.run();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
