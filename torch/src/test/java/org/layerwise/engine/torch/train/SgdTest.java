package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.layerwise.engine.torch.Natives;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.model.Tensors;

/** SGD against a plain-Java transcription of torch.optim.SGD (dampening 0), per-tensor rates, and the update statistics. */
@SuppressWarnings("try") // scopes act by existing
class SgdTest {
    @BeforeAll
    static void threads() {
        Natives.load(); // before any torch.* call: loads libtorch the safe way (see Natives)
        torch.set_num_threads(1);
    }

    /** A different rate for every tensor, so a swapped index shows. */
    private static double[] rates(ResNet net, double base, int step) {
        double[] lrs = new double[net.parameterCount()];
        for (int i = 0; i < lrs.length; i++) {
            lrs[i] = base * (1 + 0.1 * ((i * 7 + step) % 5));
        }
        return lrs;
    }

    @ParameterizedTest(name = "momentum {0}, weight decay {1}, nesterov {2}")
    @CsvSource({"0, 0, false", "0.9, 0.0005, false", "0.9, 0, true", "0.5, 0.01, true"})
    void matchesTorchOptimSgd(double momentum, double weightDecay, boolean nesterov) {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10).withAffineBatchNorm(true), 3);
                Sgd sgd = new Sgd(net, momentum, weightDecay, nesterov); PointerScope s = new PointerScope()) {
            int count = net.parameterCount();
            double[][] buffers = new double[count][];
            for (int step = 0; step < 4; step++) {
                TrainStep.forwardBackward(net, TestData.batch(net, 8, 8, step));
                double[] lrs = rates(net, 0.05, step);
                double[][] expected = new double[count][];
                for (int i = 0; i < count; i++) {
                    double[] p = Tensors.toDoubles(net.parameter(i));
                    double[] d = Tensors.toDoubles(net.parameter(i).grad());
                    // torch.optim.SGD, single-tensor path, dampening 0:
                    for (int k = 0; k < d.length; k++) {
                        d[k] += weightDecay * p[k];
                    }
                    if (momentum != 0) {
                        if (buffers[i] == null) {
                            buffers[i] = d.clone();
                        } else {
                            for (int k = 0; k < d.length; k++) {
                                buffers[i][k] = momentum * buffers[i][k] + d[k];
                            }
                        }
                        for (int k = 0; k < d.length; k++) {
                            d[k] = nesterov ? d[k] + momentum * buffers[i][k] : buffers[i][k];
                        }
                    }
                    expected[i] = new double[p.length];
                    for (int k = 0; k < p.length; k++) {
                        expected[i][k] = p[k] - lrs[i] * d[k];
                    }
                }
                sgd.step(lrs);
                for (int i = 0; i < count; i++) {
                    double scale = Arrays.stream(expected[i]).map(Math::abs).max().orElseThrow();
                    assertArrayEquals(expected[i], Tensors.toDoubles(net.parameter(i)), 1e-6 * scale,
                            "step " + step + ", " + net.parameterName(i));
                }
            }
        }
    }

    @Test
    void eachTensorTakesItsOwnRate() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 4); Sgd sgd = Sgd.vanilla(net); PointerScope s = new PointerScope()) {
            TrainStep.forwardBackward(net, TestData.batch(net, 8, 8, 0));
            int frozen = net.normalizedIndices()[2];
            byte[] before = Tensors.toBytes(net.parameter(frozen));
            double[] p = Tensors.toDoubles(net.parameter(1));
            double[] g = Tensors.toDoubles(net.parameter(1).grad());
            double[] lrs = Sgd.uniformRates(net, 0.1);
            lrs[frozen] = 0;
            lrs[1] = 0.3;
            sgd.step(lrs);
            assertArrayEquals(before, Tensors.toBytes(net.parameter(frozen)));
            double[] after = Tensors.toDoubles(net.parameter(1));
            for (int k = 0; k < p.length; k++) {
                assertEquals(p[k] - 0.3 * g[k], after[k], 1e-6 * Math.abs(p[k]) + 1e-9);
            }
        }
    }

    @Test
    void rejectsBadSettingsInOneLine() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 4)) {
            Sgd sgd = Sgd.vanilla(net);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.step(new double[3]));
            assertTrue(e.getMessage().contains("one learning rate per parameter tensor (" + net.parameterCount() + "): got 3"), e.getMessage());
            double[] lrs = Sgd.uniformRates(net, 0.1);
            lrs[4] = Double.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> sgd.step(lrs));
            assertTrue(e.getMessage().contains(net.parameterName(4)) && e.getMessage().contains("NaN"), e.getMessage());
            lrs[4] = -0.1;
            assertThrows(IllegalArgumentException.class, () -> sgd.step(lrs));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0, 0, true));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 1.0, 0, false));
            assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0.9, -1, false));
            IllegalStateException noGrad = assertThrows(IllegalStateException.class, () -> sgd.step(Sgd.uniformRates(net, 0.1)));
            assertTrue(noGrad.getMessage().contains("forwardBackward"), noGrad.getMessage());
        }
    }

    /** Angles and norms from UpdateStats against the weights before and after, copied to Java. */
    @ParameterizedTest(name = "momentum {0}")
    @CsvSource({"0", "0.9"})
    void updateStatsMatchTheWeightsBeforeAndAfter(double momentum) {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 8); Sgd sgd = new Sgd(net, momentum, 0, false);
                PointerScope s = new PointerScope()) {
            for (int step = 0; step < 2; step++) {
                TrainStep.forwardBackward(net, TestData.batch(net, 8, 8, step));
                double[][] before = new double[net.parameterCount()][];
                for (int i = 0; i < before.length; i++) {
                    before[i] = Tensors.toDoubles(net.parameter(i));
                }
                UpdateStats u = sgd.step(rates(net, 0.2, step), true);
                for (int i = 0; i < before.length; i++) {
                    double[] w = before[i];
                    double[] v = Tensors.toDoubles(net.parameter(i));
                    double ww = dot(w, w);
                    double vv = dot(v, v);
                    // Kahan's stable angle: 2 atan2(|u - v|, |u + v|) for unit vectors u, v
                    double nw = Math.sqrt(ww);
                    double nv = Math.sqrt(vv);
                    double diff = 0;
                    double sum = 0;
                    for (int k = 0; k < w.length; k++) {
                        double a = w[k] / nw;
                        double b = v[k] / nv;
                        diff += (a - b) * (a - b);
                        sum += (a + b) * (a + b);
                    }
                    double angle = 2 * Math.atan2(Math.sqrt(diff), Math.sqrt(sum));
                    String name = net.parameterName(i);
                    assertEquals(ww, u.weightSqBefore(i), 1e-6 * ww, name);
                    assertEquals(vv, u.weightSqAfter(i), 1e-6 * vv, name);
                    assertEquals(angle, u.angle(i), 1e-4 * angle + 1e-6, name);
                    assertEquals(dot(w, v) / (nw * nv), u.cosine(i), 1e-7, name); // float32 rounding of w'
                    assertTrue(u.angle(i) > 1e-4, name + " did not move");
                }
            }
            assertEquals(null, sgd.step(Sgd.uniformRates(net, 0.1), false));
        }
    }

    /**
     * Plain SGD's statistics taken from the backward pass's GradientStats are those a second pass
     * measures, bit for bit; with momentum or weight decay (the direction is not the gradient) the
     * given statistics are not used.
     */
    @ParameterizedTest(name = "momentum {0}, weight decay {1}")
    @CsvSource({"0, 0", "0.9, 0", "0, 0.01"})
    void updateStatsReuseTheGradientStatsOnlyForPlainSgd(double momentum, double weightDecay) {
        try (ResNet a = ResNet.create(ResNetSpec.cifar(8, 10), 8); ResNet b = ResNet.create(ResNetSpec.cifar(8, 10), 8);
                Sgd measuring = new Sgd(a, momentum, weightDecay, false); Sgd reusing = new Sgd(b, momentum, weightDecay, false);
                PointerScope s = new PointerScope()) {
            for (int step = 0; step < 2; step++) { // the second step has a momentum buffer
                TrainStep.forwardBackward(a, TestData.batch(a, 8, 8, step));
                TrainStep.forwardBackward(b, TestData.batch(b, 8, 8, step));
                UpdateStats expected = measuring.step(rates(a, 0.2, step), true);
                UpdateStats reused = reusing.step(rates(b, 0.2, step), GradientStats.measure(b));
                for (int i = 0; i < a.parameterCount(); i++) {
                    String name = a.parameterName(i);
                    assertEquals(expected.weightSqBefore(i), reused.weightSqBefore(i), 0, name);
                    assertEquals(expected.stepDot(i), reused.stepDot(i), 0, name);
                    assertEquals(expected.stepSq(i), reused.stepSq(i), 0, name);
                    assertEquals(expected.lr(i), reused.lr(i), 0, name);
                    assertArrayEquals(Tensors.toDoubles(a.parameter(i)), Tensors.toDoubles(b.parameter(i)), 0, name);
                }
            }
        }
    }

    /**
     * Plain SGD on a normalized tensor: <w,g> = 0, so ||w'||^2 = ||w||^2 (1 + e^2) with e = lr ||g|| / ||w||
     * (elr-model.md §3, [derived]); measured on the real weights after the step.
     */
    @Test
    void plainSgdGrowsNormalizedWeightsAsScaleInvarianceSays() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10).withResidual(false), 9); Sgd sgd = Sgd.vanilla(net);
                PointerScope s = new PointerScope()) {
            TrainStep.forwardBackward(net, TestData.batch(net, 16, 8, 0));
            GradientStats g = GradientStats.measure(net);
            double lr = 0.5;
            sgd.step(Sgd.uniformRates(net, lr));
            boolean anyLarge = false;
            for (int i : net.normalizedIndices()) {
                double e = lr * g.gradNorm(i) / g.weightNorm(i);
                double[] v = Tensors.toDoubles(net.parameter(i));
                double predicted = g.weightSq()[i] * (1 + e * e);
                assertEquals(predicted, dot(v, v), 1e-5 * predicted, net.parameterName(i) + ", e = " + e);
                anyLarge |= e * e > 1e-3;
            }
            assertTrue(anyLarge, "no layer took a step large enough to tell the model from no growth");
            int fc = net.classifierIndices()[0];
            assertFalse(Math.abs(g.cosine(fc)) < 1e-3, "the classifier is not scale-invariant");
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
