package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.layerwise.engine.torch.Natives;
import org.junit.jupiter.api.Test;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.model.Tensors;

/** Forward/backward and evaluation against an independent cross-entropy in Java; native memory over many steps. */
@SuppressWarnings("try") // scopes and guards act by existing
class TrainStepTest {
    @BeforeAll
    static void threads() {
        Natives.load(); // before any torch.* call: loads libtorch the safe way (see Natives)
        torch.set_num_threads(1); // tiny tensors: a second OpenMP thread only adds spin-waiting on a shared machine
    }

    /** Mean cross-entropy and accuracy of logits (rows of {@code classes}) in plain Java. */
    static double[] crossEntropy(double[] logits, long[] labels, int classes) {
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < labels.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int c = 0; c < classes; c++) {
                if (logits[r * classes + c] > max) {
                    max = logits[r * classes + c];
                    arg = c;
                }
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[r * classes + c] - max);
            }
            loss += max + Math.log(sum) - logits[r * classes + (int) labels[r]];
            correct += arg == labels[r] ? 1 : 0;
        }
        return new double[] {loss / labels.length, (double) correct / labels.length};
    }

    private static long[] labels(Batch b) {
        return java.util.Arrays.stream(Tensors.toDoubles(b.labels().to(torch.ScalarType.Double))).mapToLong(v -> (long) v).toArray();
    }

    @Test
    void lossAndAccuracyAreTheBatchMeans() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 1); PointerScope s = new PointerScope()) {
            Batch batch = TestData.batch(net, 16, 8, 0);
            double[] logits;
            try (NoGradGuard g = new NoGradGuard()) {
                logits = Tensors.toDoubles(net.forward(batch.images())); // training mode: batch statistics
            }
            double[] expected = crossEntropy(logits, labels(batch), 10);
            TrainStep.Result r = TrainStep.forwardBackward(net, batch);
            assertEquals(expected[0], r.loss(), 1e-5 * expected[0]);
            assertEquals(expected[1], r.accuracy(), 1e-12);
            assertEquals(16, r.examples());
        }
    }

    @Test
    void gradientsAreThoseOfThisBatchOnly() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 1); PointerScope s = new PointerScope()) {
            Batch batch = TestData.batch(net, 8, 8, 0);
            TrainStep.forwardBackward(net, batch);
            double[][] first = new double[net.parameterCount()][];
            for (int i = 0; i < net.parameterCount(); i++) {
                first[i] = Tensors.toDoubles(net.parameter(i).grad());
                assertTrue(java.util.Arrays.stream(first[i]).anyMatch(v -> v != 0), net.parameterName(i));
            }
            TrainStep.forwardBackward(net, batch); // same batch again: same gradient, not twice it
            for (int i = 0; i < net.parameterCount(); i++) {
                assertArrayEquals(first[i], Tensors.toDoubles(net.parameter(i).grad()), 1e-6, net.parameterName(i));
            }
        }
    }

    @Test
    void evaluationUsesRunningStatisticsWeighsBatchesAndRestoresTheMode() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 2); PointerScope s = new PointerScope()) {
            Sgd sgd = Sgd.vanilla(net);
            for (int step = 0; step < 5; step++) {
                TrainStep.forwardBackward(net, TestData.batch(net, 8, 8, step));
                sgd.step(Sgd.uniformRates(net, 0.05));
            }
            Batch a = TestData.batch(net, 3, 8, 100);
            Batch b = TestData.batch(net, 5, 8, 101);
            net.eval();
            double[] ea;
            double[] eb;
            try (NoGradGuard g = new NoGradGuard()) {
                ea = crossEntropy(Tensors.toDoubles(net.forward(a.images())), labels(a), 10);
                eb = crossEntropy(Tensors.toDoubles(net.forward(b.images())), labels(b), 10);
            }
            net.train();
            byte[] runningMean = Tensors.toBytes(net.buffer(0));
            TrainStep.Result r = TrainStep.evaluate(net, List.of(a, b));
            assertEquals((3 * ea[0] + 5 * eb[0]) / 8, r.loss(), 1e-5 * r.loss());
            assertEquals((3 * ea[1] + 5 * eb[1]) / 8, r.accuracy(), 1e-12);
            assertEquals(8, r.examples());
            assertTrue(net.isTraining());
            assertArrayEquals(runningMean, Tensors.toBytes(net.buffer(0)), "evaluation changed the running statistics");
            assertThrows(IllegalArgumentException.class, () -> TrainStep.evaluate(net, List.of()));
        }
    }

    @Test
    void trainingMovesWeightsAndLowersTheLoss() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10).withResidual(false), 3); PointerScope s = new PointerScope()) {
            Sgd sgd = Sgd.vanilla(net);
            Batch batch = TestData.batch(net, 16, 8, 0);
            double first = TrainStep.forwardBackward(net, batch).loss();
            sgd.step(Sgd.uniformRates(net, 0.1));
            double last = first;
            for (int step = 0; step < 30; step++) {
                last = TrainStep.forwardBackward(net, batch).loss();
                sgd.step(Sgd.uniformRates(net, 0.1));
            }
            assertTrue(last < 0.5 * first, "loss went from " + first + " to " + last);
        }
    }

    /** 200 small steps (forward, backward, statistics, update) leave native memory where it was after warm-up. */
    @Test
    void nativeMemoryStaysFlat() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 4); Sgd sgd = new Sgd(net, 0.9, 0, false);
                Batch batch = TestData.batch(net, 16, 12, 0)) {
            double[] lrs = Sgd.uniformRates(net, 0.01);
            long afterWarmUp = 0;
            for (int step = 0; step < 220; step++) {
                TrainStep.forwardBackward(net, batch);
                GradientStats.measure(net);
                sgd.step(lrs, true);
                if (step == 19) {
                    afterWarmUp = Pointer.physicalBytes();
                }
            }
            long growth = Pointer.physicalBytes() - afterWarmUp;
            // one step's saved activations here are ~4 MB: leaking them would add ~800 MB
            assertTrue(growth < 48L << 20, "resident memory grew by " + (growth >> 20) + " MB over 200 steps");
        }
    }
}
