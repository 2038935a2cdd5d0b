package org.layerwise.engine.torch.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.layerwise.engine.FusedKernel;
import org.layerwise.engine.FusedKernel.Layout;
import org.layerwise.train.Sgd;

/**
 * The part of {@code bench scaling-kernel} that measures where the fused kernel's two layouts cross:
 * at each point, one SGD step with lanes across samples and one with lanes across features, timed in
 * alternation on the same weights and data, and the smallest width from which the feature layout is
 * faster at every larger width measured. The kernel's built-in crossover
 * ({@link Layout#DEFAULT_CROSSOVER}) was set from this table on the machine of BENCHMARKS.md; another
 * machine may move it with {@code -Dlayerwise.kernel.feature-lanes-from=N}.
 */
final class LayoutCrossover {
    private LayoutCrossover() {
    }

    /** One point's times (ms, medians) in each layout. */
    record Row(KernelBenchmark.Point point, double sampleMs, double featureMs) {
        Layout faster() {
            return featureMs < sampleMs ? Layout.FEATURE_LANES : Layout.SAMPLE_LANES;
        }
    }

    static List<Row> run(List<KernelBenchmark.Point> points, int threads, int steps, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "fused kernel layouts (%d thread(s), median of %d alternating steps each): lanes across samples vs across features;"
                + " the kernel uses features from d >= %d (%s)%n", threads, steps, crossover(),
                Integer.getInteger("layerwise.kernel.feature-lanes-from") == null ? "built in" : "-Dlayerwise.kernel.feature-lanes-from");
        out.printf("%-20s %12s %13s %9s  %s%n", "(d, L, B)", "samples ms", "features ms", "ratio", "faster");
        List<Row> rows = new ArrayList<>();
        for (KernelBenchmark.Point p : points) {
            Row r = measure(p, threads, steps);
            rows.add(r);
            out.printf(Locale.ROOT, "%-20s %12.2f %13.2f %8.2fx  %s%n", p.label(), r.sampleMs(), r.featureMs(), r.sampleMs() / r.featureMs(),
                    r.faster() == Layout.FEATURE_LANES ? "features" : "samples");
            out.flush();
        }
        Integer measured = measuredCrossover(rows);
        out.println("ratio = samples ms / features ms; measured crossover: " + (measured == null ? "none (samples faster at the widest point)"
                : "features faster from d = " + measured + " on, at every wider point measured"));
        return rows;
    }

    private static int crossover() {
        return Integer.getInteger("layerwise.kernel.feature-lanes-from", Layout.DEFAULT_CROSSOVER);
    }

    /** The smallest width from which the feature layout is faster at that and every wider point; null if none. */
    static Integer measuredCrossover(List<Row> rows) {
        List<Row> byWidth = new ArrayList<>(rows);
        byWidth.sort((a, b) -> Integer.compare(a.point().width(), b.point().width()));
        Integer from = null;
        for (int i = byWidth.size() - 1; i >= 0; i--) {
            if (byWidth.get(i).faster() != Layout.FEATURE_LANES) {
                break;
            }
            from = byWidth.get(i).point().width();
        }
        return from;
    }

    private static Row measure(KernelBenchmark.Point p, int threads, int steps) {
        KernelBenchmark.Problem pr = KernelBenchmark.problem(p);
        int batch = p.batch();
        double[] a = pr.params().clone();
        double[] b = pr.params().clone();
        double[] grad = new double[a.length];
        double[] sample = new double[steps];
        double[] feature = new double[steps];
        try (FusedKernel ks = new FusedKernel(pr.net(), threads, batch, Layout.SAMPLE_LANES);
             FusedKernel kf = new FusedKernel(pr.net(), threads, batch, Layout.FEATURE_LANES)) {
            Sgd sgdA = new Sgd(KernelBenchmark.LR, 0, 0, 0, false);
            Sgd sgdB = new Sgd(KernelBenchmark.LR, 0, 0, 0, false);
            Runnable stepS = () -> {
                ks.lossAndGradient(a, pr.data(), pr.rows(), 0, batch, grad);
                sgdA.step(a, grad);
            };
            Runnable stepF = () -> {
                kf.lossAndGradient(b, pr.data(), pr.rows(), 0, batch, grad);
                sgdB.step(b, grad);
            };
            KernelBenchmark.warmUp(stepS);
            KernelBenchmark.warmUp(stepF);
            for (int i = 0; i < steps; i++) {
                sample[i] = KernelBenchmark.timed(stepS);
                feature[i] = KernelBenchmark.timed(stepF);
            }
        }
        return new Row(p, KernelBenchmark.median(sample), KernelBenchmark.median(feature));
    }
}
