package org.layerwise.engine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.engine.ReferenceKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

/** Both hand-derived backward passes against libtorch autograd on the same weights, for every variant. */
class TorchGradientTest {
    static Stream<Arguments> variants() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activation act : Activation.values()) {
            for (DeltaMode mode : DeltaMode.values()) {
                b.add(Arguments.of(act, mode));
            }
        }
        return b.build();
    }

    private static Dataset data(int n, int d) {
        Rng rng = new Rng(17);
        float[] x = new float[n * d];
        float[] y = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.uniform(-1, 1);
            y[i] = (float) rng.uniform(-1, 1);
        }
        return new Dataset("r", n, d, x, y);
    }

    private static double[] params(ResidualMlp net) {
        double[] p = net.initialise(Init.GLOROT, 1, new Rng(5));
        Rng rng = new Rng(6);
        for (int k = 0; k < net.depth(); k++) {
            for (int i = 0; i < net.width(); i++) {
                p[net.offsetB(k) + i] = 0.2 * rng.nextGaussian();
            }
        }
        if (net.deltaMode() == DeltaMode.SHARED) {
            p[net.offsetDelta()] = -0.3;
        } else if (net.deltaMode() == DeltaMode.PER_LAYER) {
            for (int k = 0; k < net.depth(); k++) {
                p[net.offsetDelta() + k] = 0.4 * rng.nextGaussian();
            }
        }
        return p;
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("variants")
    void float64ReferenceMatchesAutograd(Activation act, DeltaMode mode) {
        ResidualMlp net = new ResidualMlp(12, 5, act, mode);
        Dataset d = data(9, 5);
        double[] p = params(net);
        int[] rows = {8, 0, 3, 1, 7, 2, 6, 4, 5};
        double[] gJava = new double[p.length];
        double[] gTorch = new double[p.length];
        double lJava = new ReferenceKernel(net).lossAndGradient(p, d, rows, 0, 9, gJava);
        double lTorch;
        try (TorchResidualMlp t = new TorchResidualMlp(net, p, true)) {
            lTorch = t.lossAndGradient(d, rows, 0, 9, gTorch);
        }
        assertEquals(lTorch, lJava, 1e-12 * Math.abs(lTorch));
        for (int i = 0; i < p.length; i++) {
            assertEquals(gTorch[i], gJava[i], 1e-10 * (1 + Math.abs(gTorch[i])), "parameter " + i);
        }
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("variants")
    void float32FusedMatchesAutograd(Activation act, DeltaMode mode) {
        ResidualMlp net = new ResidualMlp(40, 10, act, mode);
        Dataset d = data(53, 10);
        double[] p = params(net);
        for (int i = 0; i < net.offsetDelta(); i++) {
            p[i] *= 0.5;
        }
        int[] rows = new int[53];
        java.util.Arrays.setAll(rows, i -> 52 - i);
        double[] gJava = new double[p.length];
        double[] gTorch = new double[p.length];
        double lJava;
        try (FusedKernel k = new FusedKernel(net, 2, 64)) {
            lJava = k.lossAndGradient(p, d, rows, 0, 53, gJava);
        }
        double lTorch;
        try (TorchResidualMlp t = new TorchResidualMlp(net, p, false)) {
            lTorch = t.lossAndGradient(d, rows, 0, 53, gTorch);
        }
        assertEquals(lTorch, lJava, 1e-5 * Math.abs(lTorch));
        double scale = 0;
        for (double g : gTorch) {
            scale = Math.max(scale, Math.abs(g));
        }
        for (int i = 0; i < p.length; i++) {
            assertEquals(gTorch[i], gJava[i], 2e-4 * scale, "parameter " + i);
        }
    }
}
