package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.layerwise.engine.torch.Natives;
import org.junit.jupiter.api.Test;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.model.Shortcut;
import org.layerwise.engine.torch.model.Tensors;

/** Per-tensor statistics against the same sums over the tensors copied to Java. */
@SuppressWarnings("try") // scopes act by existing
class GradientStatsTest {
    @BeforeAll
    static void threads() {
        Natives.load(); // before any torch.* call: loads libtorch the safe way (see Natives)
        torch.set_num_threads(1);
    }

    @Test
    void matchesSumsOverTheCopiedTensors() {
        ResNetSpec spec = ResNetSpec.cifar(8, 10).withAffineBatchNorm(true).withShortcut(Shortcut.B);
        try (ResNet net = ResNet.create(spec, 5); PointerScope s = new PointerScope()) {
            TrainStep.forwardBackward(net, TestData.batch(net, 8, 8, 0));
            GradientStats stats = GradientStats.measure(net);
            assertEquals(net.parameterCount(), stats.size());
            for (int i = 0; i < net.parameterCount(); i++) {
                double[] w = Tensors.toDoubles(net.parameter(i));
                double[] g = Tensors.toDoubles(net.parameter(i).grad());
                double ww = 0;
                double gg = 0;
                double wg = 0;
                for (int k = 0; k < w.length; k++) {
                    ww += w[k] * w[k];
                    gg += g[k] * g[k];
                    wg += w[k] * g[k];
                }
                String name = net.parameterName(i);
                assertEquals(ww, stats.weightSq()[i], 1e-6 * ww, name);
                assertEquals(gg, stats.gradSq()[i], 1e-6 * gg, name);
                assertEquals(wg, stats.dot()[i], 1e-6 * Math.sqrt(ww * gg), name);
                assertEquals(Math.sqrt(ww), stats.weightNorm(i), 1e-6 * Math.sqrt(ww), name);
                assertEquals(Math.sqrt(gg), stats.gradNorm(i), 1e-6 * Math.sqrt(gg), name);
            }
        }
    }

    /** Scale invariance makes the gradient of a normalized tensor orthogonal to it; the classifier's is not. */
    @Test
    void normalizedGradientsAreOrthogonalToTheirWeights() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(14, 10), 6); PointerScope s = new PointerScope()) {
            TrainStep.forwardBackward(net, TestData.batch(net, 16, 8, 1));
            GradientStats stats = GradientStats.measure(net);
            for (int i : net.normalizedIndices()) {
                assertTrue(Math.abs(stats.cosine(i)) < 1e-3, net.parameterName(i) + ": cos " + stats.cosine(i));
            }
            int fcWeight = net.classifierIndices()[0];
            assertTrue(Math.abs(stats.cosine(fcWeight)) > 1e-3, "classifier cos " + stats.cosine(fcWeight));
        }
    }

    @Test
    void refusesWithoutABackwardPass() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 7)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> GradientStats.measure(net));
            assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("forwardBackward"), e.getMessage());
        }
    }
}
