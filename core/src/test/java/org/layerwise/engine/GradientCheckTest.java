package org.layerwise.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerwise.data.Dataset;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

/** The hand-derived backward passes against central finite differences and against each other. */
class GradientCheckTest {

    static Stream<Arguments> variants() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activation act : Activation.values()) {
            for (DeltaMode mode : DeltaMode.values()) {
                b.add(Arguments.of(act, mode));
            }
        }
        return b.build();
    }

    /** Every activation and delta mode in each of the fused kernel's two layouts. */
    static Stream<Arguments> layoutVariants() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (FusedKernel.Layout layout : FusedKernel.Layout.values()) {
            for (Activation act : Activation.values()) {
                for (DeltaMode mode : DeltaMode.values()) {
                    b.add(Arguments.of(layout, act, mode));
                }
            }
        }
        return b.build();
    }

    static Dataset randomData(int n, int d, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * d];
        float[] y = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.uniform(-1, 1);
            y[i] = (float) rng.uniform(-1, 1);
        }
        return new Dataset("random", n, d, x, y);
    }

    static double[] params(ResidualMlp net, long seed) {
        // large enough weights that every layer is nonlinear and relu kinks are exercised
        double[] p = net.initialise(Init.GLOROT, 1.0, new Rng(seed));
        Rng rng = new Rng(seed + 1);
        for (int k = 0; k < net.depth(); k++) {
            for (int i = 0; i < net.width(); i++) {
                p[net.offsetB(k) + i] = 0.3 * rng.nextGaussian();
            }
        }
        if (net.deltaMode() == DeltaMode.SHARED) {
            p[net.offsetDelta()] = -0.4; // negative: exercises d|delta|/d delta = sign(delta)
        }
        if (net.deltaMode() == DeltaMode.PER_LAYER) {
            for (int k = 0; k < net.depth(); k++) {
                p[net.offsetDelta() + k] = 0.5 * rng.nextGaussian();
            }
        }
        return p;
    }

    static int[] identity(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = n - 1 - i; // reversed: proves rows are gathered through the index array
        }
        return r;
    }

    /**
     * The loss-only pass streams (no layer kept: the whole training set at depth 10,000 would need 16 GB)
     * and gives the loss of the forward pass that training uses, on 1 and 3 threads alike.
     */
    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("variants")
    void lossOnlyPassMatchesTheTrainingForwardAndKeepsNoLayers(Activation act, DeltaMode mode) {
        ResidualMlp net = new ResidualMlp(6, 4, act, mode);
        Dataset data = randomData(700, 4, 5); // 700 rows: two full chunks of 256 and a partial one
        double[] p = params(net, 9);
        int[] rows = identity(700);
        double trained = new ReferenceKernel(net).lossAndGradient(p, data, rows, 0, 700, new double[p.length]);
        for (int threads : new int[] {1, 3}) {
            ReferenceKernel k = new ReferenceKernel(net, threads);
            double streamed = k.loss(p, data, rows, 0, 700);
            assertEquals(trained, streamed, 1e-13 * Math.abs(trained), threads + " thread(s)");
            assertEquals(0, k.workspaceBytes(), "the loss-only pass kept layer activations");
            assertEquals(Double.doubleToLongBits(streamed), Double.doubleToLongBits(new ReferenceKernel(net, 1).loss(p, data, rows, 0, 700)),
                    "the figure depends on the thread count");
        }
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("variants")
    void referenceMatchesCentralFiniteDifferences(Activation act, DeltaMode mode) {
        ResidualMlp net = new ResidualMlp(5, 4, act, mode);
        Dataset data = randomData(7, 4, 11);
        double[] p = params(net, 3);
        int[] rows = identity(7);
        ReferenceKernel k = new ReferenceKernel(net);
        double[] grad = new double[p.length];
        k.lossAndGradient(p, data, rows, 0, 7, grad);
        double eps = 1e-6;
        double worst = 0;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + eps;
            double up = k.loss(p, data, rows, 0, 7);
            p[i] = keep - eps;
            double down = k.loss(p, data, rows, 0, 7);
            p[i] = keep;
            double fd = (up - down) / (2 * eps);
            double err = Math.abs(fd - grad[i]) / Math.max(1e-4, Math.abs(fd) + Math.abs(grad[i]));
            worst = Math.max(worst, err);
        }
        assertTrue(worst < 1e-5, "worst relative gradient error " + worst);
    }

    @ParameterizedTest(name = "{0} / {1} / {2}")
    @MethodSource("layoutVariants")
    void fusedMatchesReference(FusedKernel.Layout layout, Activation act, DeltaMode mode) {
        // 37 rows: not a multiple of any vector length or micro-tile, so padded rows are exercised;
        // widths 21 and 40: not multiples of the vector length either (padded lanes in the feature layout)
        for (int width : new int[] {6, 21, 40}) { // 40: an odd number of vectors (a pair panel and a single one)
            ResidualMlp net = new ResidualMlp(30, width, act, mode);
            Dataset data = randomData(37, width, 5);
            double[] p = params(net, 9);
            for (int i = 0; i < net.offsetDelta(); i++) {
                p[i] *= 0.5; // keep 30 layers from blowing up
            }
            int[] rows = identity(37);
            double[] gRef = new double[p.length];
            double[] gFused = new double[p.length];
            double lossRef = new ReferenceKernel(net).lossAndGradient(p, data, rows, 0, 37, gRef);
            try (FusedKernel fused = new FusedKernel(net, 2, 64, layout)) {
                double lossFused = fused.lossAndGradient(p, data, rows, 0, 37, gFused);
                assertEquals(lossRef, lossFused, 1e-5 * Math.abs(lossRef));
                assertEquals(lossRef, fused.loss(p, data, rows, 0, 37), 1e-5 * Math.abs(lossRef));
            }
            double scale = 0;
            for (double g : gRef) {
                scale = Math.max(scale, Math.abs(g));
            }
            for (int i = 0; i < p.length; i++) {
                assertEquals(gRef[i], gFused[i], 1e-4 * scale, "width " + width + ", parameter " + i);
            }
        }
    }

    /**
     * Keeping sigma(z) from the forward pass gives the backward pass the same floats as recomputing z
     * there: loss and every gradient entry bit-identical, in both layouts, for every activation and delta
     * mode, with padded rows and lanes (37 rows; widths 21 and 40) and two chunks (300 rows).
     */
    @ParameterizedTest(name = "{0} / {1} / {2}")
    @MethodSource("layoutVariants")
    void keptActivationsGiveTheRecomputedBits(FusedKernel.Layout layout, Activation act, DeltaMode mode) {
        for (int width : new int[] {21, 40}) {
            ResidualMlp net = new ResidualMlp(9, width, act, mode);
            for (int n : new int[] {37, 300}) {
                Dataset data = randomData(n, width, 4);
                double[] p = params(net, 7);
                int[] rows = identity(n);
                double[] kept = new double[p.length];
                double[] recomputed = new double[p.length];
                try (FusedKernel a = new FusedKernel(net, 2, n, layout, true); FusedKernel b = new FusedKernel(net, 2, n, layout, false)) {
                    assertTrue(a.workspaceBytes() > b.workspaceBytes(), "the keeping kernel holds sigma(z)");
                    double la = a.lossAndGradient(p, data, rows, 0, n, kept);
                    double lb = b.lossAndGradient(p, data, rows, 0, n, recomputed);
                    assertEquals(Double.doubleToLongBits(lb), Double.doubleToLongBits(la), "loss, width " + width + ", " + n + " rows");
                }
                for (int i = 0; i < p.length; i++) {
                    assertEquals(Double.doubleToLongBits(recomputed[i]), Double.doubleToLongBits(kept[i]),
                            "width " + width + ", " + n + " rows, parameter " + i);
                }
            }
        }
    }

    /**
     * The batch is reduced over fixed chunks in a fixed order: 1, 2, 3 and 4 threads give the same
     * bits (600 rows: three chunks, the last one short), in both layouts, for the loss-only pass too.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(FusedKernel.Layout.class)
    void resultsDoNotDependOnTheThreadCount(FusedKernel.Layout layout) {
        ResidualMlp net = new ResidualMlp(12, 20, Activation.TANH, DeltaMode.PER_LAYER);
        int n = 600;
        Dataset data = randomData(n, 20, 11);
        double[] p = params(net, 3);
        for (int i = 0; i < net.offsetDelta(); i++) {
            p[i] *= 0.5;
        }
        int[] rows = identity(n);
        double[] g1 = new double[p.length];
        double loss1;
        double lossOnly1;
        try (FusedKernel one = new FusedKernel(net, 1, n, layout)) {
            loss1 = one.lossAndGradient(p, data, rows, 0, n, g1);
            lossOnly1 = one.loss(p, data, rows, 0, n);
        }
        for (int threads = 2; threads <= 4; threads++) {
            double[] gt = new double[p.length];
            try (FusedKernel k = new FusedKernel(net, threads, n, layout)) {
                assertEquals(Math.min(threads, 3), k.threads());
                assertEquals(Double.doubleToLongBits(loss1), Double.doubleToLongBits(k.lossAndGradient(p, data, rows, 0, n, gt)), threads + " threads");
                assertEquals(Double.doubleToLongBits(lossOnly1), Double.doubleToLongBits(k.loss(p, data, rows, 0, n)), threads + " threads");
            }
            for (int i = 0; i < p.length; i++) {
                assertEquals(Double.doubleToLongBits(g1[i]), Double.doubleToLongBits(gt[i]), threads + " threads, parameter " + i);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void fusedIsDeterministicForAThreadCount() {
        ResidualMlp net = new ResidualMlp(50, 10, Activation.TANH, DeltaMode.SHARED);
        Dataset data = randomData(200, 10, 1);
        double[] p = net.initialise(Init.XAVIER, 1.0, new Rng(2));
        int[] rows = identity(200);
        double[] g1 = new double[p.length];
        double[] g2 = new double[p.length];
        try (FusedKernel a = new FusedKernel(net, 2, 200); FusedKernel b = new FusedKernel(net, 2, 200)) {
            assertEquals(a.lossAndGradient(p, data, rows, 0, 200, g1), b.lossAndGradient(p, data, rows, 0, 200, g2));
        }
        for (int i = 0; i < p.length; i++) {
            assertEquals(Double.doubleToLongBits(g1[i]), Double.doubleToLongBits(g2[i]));
        }
    }

    @org.junit.jupiter.api.Test
    void extremeShapesWideAndDepthOne() {
        for (int[] shape : new int[][] {{2, 256, 5}, {1, 2, 3}, {1, 256, 40}}) {
            ResidualMlp net = new ResidualMlp(shape[0], shape[1], Activation.TANH, DeltaMode.PER_LAYER);
            Dataset data = randomData(shape[2], shape[1], 3);
            double[] p = params(net, 4);
            int[] rows = identity(shape[2]);
            double[] gRef = new double[p.length];
            double[] gFused = new double[p.length];
            double lossRef = new ReferenceKernel(net).lossAndGradient(p, data, rows, 0, shape[2], gRef);
            try (FusedKernel fused = new FusedKernel(net, 2, shape[2])) {
                assertEquals(lossRef, fused.lossAndGradient(p, data, rows, 0, shape[2], gFused), 1e-5 * lossRef);
            }
            double scale = 0;
            for (double g : gRef) {
                scale = Math.max(scale, Math.abs(g));
            }
            for (int i = 0; i < p.length; i++) {
                assertEquals(gRef[i], gFused[i], 1e-4 * scale, "shape " + java.util.Arrays.toString(shape) + " parameter " + i);
            }
        }
    }
}
