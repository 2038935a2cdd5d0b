package org.layerwise.engine.torch.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.layerwise.engine.torch.Natives;
import org.junit.jupiter.api.Test;
import org.layerwise.util.Rng;

/** The libtorch ResNet: shapes, initialisation, shortcuts, scale invariance and autograd against finite differences. */
@SuppressWarnings("try") // PointerScope and NoGradGuard act by existing
class ResNetTest {
    @BeforeAll
    static void threads() {
        Natives.load(); // before any torch.* call: loads libtorch the safe way (see Natives)
        torch.set_num_threads(1); // tiny tensors: a second OpenMP thread only adds spin-waiting on a shared machine
    }

    /** Images with values N(0,1) from a fixed stream, N x C x H x W. */
    static Tensor images(int n, int channels, int height, int width, Precision precision) {
        Rng rng = new Rng(99);
        double[] v = new double[n * channels * height * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return Tensors.create(v, new long[] {n, channels, height, width}, Device.CPU, precision);
    }

    static Tensor labels(int n, int classes) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = (3L * i + 1) % classes;
        }
        return Tensor.create(y, n);
    }

    @Test
    void outputShapes() {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            try (ResNet net = ResNet.create(ResNetSpec.cifar(20, 10), 1)) {
                assertArrayEquals(new long[] {2, 10}, Tensors.shape(net.forward(images(2, 3, 32, 32, Precision.FLOAT32))));
                assertArrayEquals(new long[] {3, 10}, Tensors.shape(net.forward(images(3, 3, 8, 8, Precision.FLOAT32))));
            }
            try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 100).withInputChannels(1).withShortcut(Shortcut.B), 1)) {
                assertArrayEquals(new long[] {2, 100}, Tensors.shape(net.forward(images(2, 1, 12, 12, Precision.FLOAT32))));
            }
            try (ResNet net = ResNet.create(ResNetSpec.imagenet(18, 7).withAffineBatchNorm(true), 1)) {
                assertArrayEquals(new long[] {2, 7}, Tensors.shape(net.forward(images(2, 3, 64, 64, Precision.FLOAT32))));
                assertEquals(11_689_512 - 1000 * 513 + 7 * 513, net.parameterElements());
            }
            try (ResNet net = ResNet.create(ResNetSpec.imagenet(50, 5), 1)) {
                assertArrayEquals(new long[] {2, 5}, Tensors.shape(net.forward(images(2, 3, 32, 32, Precision.FLOAT32))));
                for (int i = 0; i < net.parameterCount(); i++) {
                    assertArrayEquals(net.parameterInfos().get(i).shape(), Tensors.shape(net.parameter(i)), net.parameterName(i));
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ResNet.create(ResNetSpec.cifar(8, 10), 1).forward(images(2, 1, 8, 8, Precision.FLOAT32)));
            assertTrue(e.getMessage().contains("N x 3 x H x W"), e.getMessage());
        }
    }

    @Test
    void aSeedGivesTheSameWeightsEveryTimeAndVariantsShareThem() {
        ResNetSpec spec = ResNetSpec.cifar(8, 10);
        try (ResNet a = ResNet.create(spec, 7); ResNet b = ResNet.create(spec, 7); ResNet c = ResNet.create(spec, 8);
                ResNet noShort = ResNet.create(spec.withResidual(false), 7);
                ResNet wide = ResNet.create(spec.withAffineBatchNorm(true).withShortcut(Shortcut.B), 7);
                PointerScope s = new PointerScope()) {
            for (int i = 0; i < a.parameterCount(); i++) {
                byte[] bytes = Tensors.toBytes(a.parameter(i));
                assertArrayEquals(bytes, Tensors.toBytes(b.parameter(i)), a.parameterName(i));
                assertArrayEquals(bytes, Tensors.toBytes(noShort.parameter(i)), a.parameterName(i));
                assertArrayEquals(bytes, Tensors.toBytes(wide.parameter(wide.parameterInfos().indexOf(a.parameterInfos().get(i)))));
                assertFalse(Arrays.equals(bytes, Tensors.toBytes(c.parameter(i))), a.parameterName(i));
            }
            // Golden values, reproduced by an independent Python re-implementation of Rng.derive +
            // Box-Muller: conv1.weight[0] = sqrt(2/(16*9)) * r * cos(phi) from the first two uniforms of
            // derive(7, "resnet-init/conv1.weight", 0); fc.bias[3] = (2u - 1)/8 with the fourth uniform of
            // derive(7, "resnet-init/fc.bias", 0). A changed initialisation would silently change every study.
            assertEquals(-0.059509672f, (float) Tensors.toDoubles(a.parameter(0))[0], 0f);
            assertEquals(-0.081074044f, (float) Tensors.toDoubles(a.parameter(a.parameterCount() - 1))[3], 0f);
        }
    }

    @Test
    void initialisationFollowsTorchvision() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10).withAffineBatchNorm(true), 3); PointerScope s = new PointerScope()) {
            for (int i = 0; i < net.parameterCount(); i++) {
                ParameterInfo info = net.parameterInfos().get(i);
                double[] v = Tensors.toDoubles(net.parameter(i));
                long[] shape = info.shape();
                switch (info.kind()) {
                    case CONV -> {
                        double std = Math.sqrt(2.0 / (shape[0] * shape[2] * shape[3]));
                        double mean = Arrays.stream(v).average().orElseThrow();
                        double sd = Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
                        // sampling error of a standard deviation: ~1/sqrt(2n); 5 of those
                        assertEquals(std, sd, std * 5 / Math.sqrt(2.0 * v.length), info.name());
                        assertEquals(0, mean, std * 5 / Math.sqrt(v.length), info.name());
                    }
                    case BN_WEIGHT -> assertTrue(Arrays.stream(v).allMatch(x -> x == 1.0), info.name());
                    case BN_BIAS -> assertTrue(Arrays.stream(v).allMatch(x -> x == 0.0), info.name());
                    case FC_WEIGHT, FC_BIAS -> {
                        double bound = 1 / Math.sqrt(64);
                        assertTrue(Arrays.stream(v).allMatch(x -> Math.abs(x) <= bound), info.name());
                        assertTrue(Arrays.stream(v).map(Math::abs).max().orElseThrow() > 0.8 * bound, info.name());
                    }
                    default -> throw new AssertionError(info.kind());
                }
            }
        }
    }

    @Test
    void optionAPadsSubsampledChannelsInTheMiddle() {
        try (PointerScope s = new PointerScope()) {
            double[] v = new double[2 * 4 * 4];
            for (int i = 0; i < v.length; i++) {
                v[i] = i + 1;
            }
            Tensor x = Tensors.create(v, new long[] {1, 2, 4, 4}, Device.CPU, Precision.FLOAT64);
            Tensor y = ResNet.optionA(x, 2, 6);
            assertArrayEquals(new long[] {1, 6, 2, 2}, Tensors.shape(y));
            // channels 0,1 and 4,5 are zero; channel 2 = x[0][::2, ::2], channel 3 = x[1][::2, ::2]
            assertArrayEquals(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 9, 11, 17, 19, 25, 27, 0, 0, 0, 0, 0, 0, 0, 0},
                    Tensors.toDoubles(y), 0);
        }
    }

    @Test
    void noShortAddsNoShortcut() {
        ResNetSpec spec = ResNetSpec.cifar(20, 10);
        try (ResNet shortNet = ResNet.create(spec, 5); ResNet noShort = ResNet.create(spec.withResidual(false), 5);
                PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = images(4, 3, 8, 8, Precision.FLOAT32);
            double[] a = Tensors.toDoubles(shortNet.forward(x));
            double[] b = Tensors.toDoubles(noShort.forward(x));
            assertTrue(maxAbsDiff(a, b) > 1e-3, "short and no-short gave the same logits on the same weights");

            // Zero every conv of the last block: BN of all zeros is zero, so without a shortcut nothing
            // reaches the classifier and every logit is its bias; with the identity the input passes.
            double[] bias = Tensors.toDoubles(noShort.parameter(noShort.parameterCount() - 1));
            for (ResNet net : List.of(shortNet, noShort)) {
                for (int i = 0; i < net.parameterCount(); i++) {
                    if (net.parameterName(i).startsWith("layer3.2.conv")) {
                        net.parameter(i).zero_();
                    }
                }
            }
            double[] zeroed = Tensors.toDoubles(noShort.forward(x));
            for (int row = 0; row < 4; row++) {
                assertArrayEquals(bias, Arrays.copyOfRange(zeroed, row * 10, row * 10 + 10), 1e-7);
            }
            double[] passed = Tensors.toDoubles(shortNet.forward(x));
            assertTrue(maxAbsDiff(passed, tile(bias, 4)) > 1e-3, "the identity shortcut did not carry the input");
        }
    }

    @Test
    void normalizedListHasEveryConvAndNotTheClassifier() {
        try (ResNet net = ResNet.create(ResNetSpec.imagenet(18, 10).withAffineBatchNorm(true), 1)) {
            int[] normalized = net.normalizedIndices();
            assertEquals(1 + 16 + 3, normalized.length); // stem, 8 blocks x 2 convs, 3 projections
            for (int i : normalized) {
                assertTrue(net.parameterName(i).matches("conv1\\.weight|layer\\d\\.\\d\\.(conv\\d|downsample\\.0)\\.weight"),
                        net.parameterName(i));
            }
            assertEquals(List.of("fc.weight", "fc.bias"),
                    Arrays.stream(net.classifierIndices()).mapToObj(net::parameterName).toList());
            assertEquals(net.parameterCount(), normalized.length + 2 + 2 * 20); // + classifier + affine BN pairs
        }
    }

    /**
     * Multiplying a normalized weight by 3 leaves the training-mode loss unchanged and divides its
     * gradient by 3 (float64, so only BN's eps = 1e-5 breaks the invariance).
     */
    @Test
    void normalizedWeightsAreScaleInvariant() {
        ResNetSpec spec = ResNetSpec.cifar(8, 10).withShortcut(Shortcut.B);
        try (ResNet net = ResNet.create(spec, 11, Device.CPU, Precision.FLOAT64); PointerScope s = new PointerScope()) {
            Tensor x = images(8, 3, 8, 8, Precision.FLOAT64);
            Tensor y = labels(8, 10);
            for (String name : List.of("conv1.weight", "layer1.0.conv2.weight", "layer2.0.downsample.0.weight", "layer3.0.conv1.weight")) {
                int i = net.parameterInfos().stream().map(ParameterInfo::name).toList().indexOf(name);
                assertTrue(net.parameterInfos().get(i).normalized());
                double loss = lossAndGrad(net, x, y);
                double[] grad = Tensors.toDoubles(net.parameter(i).grad());
                try (NoGradGuard g = new NoGradGuard()) {
                    net.parameter(i).mul_(new Scalar(3.0));
                }
                double scaledLoss = lossAndGrad(net, x, y);
                double[] scaledGrad = Tensors.toDoubles(net.parameter(i).grad());
                assertEquals(loss, scaledLoss, 1e-5 * Math.abs(loss), name);
                double[] times3 = Arrays.stream(scaledGrad).map(v -> 3 * v).toArray();
                assertTrue(maxAbsDiff(grad, times3) < 2e-5 * norm(grad), name + ": gradient not divided by 3");
                try (NoGradGuard g = new NoGradGuard()) {
                    net.parameter(i).div_(new Scalar(3.0));
                }
            }
            // the classifier is not scale-invariant: the same check fails there
            int fc = net.classifierIndices()[0];
            double loss = lossAndGrad(net, x, y);
            try (NoGradGuard g = new NoGradGuard()) {
                net.parameter(fc).mul_(new Scalar(3.0));
            }
            assertTrue(Math.abs(lossAndGrad(net, x, y) - loss) > 1e-3 * Math.abs(loss));
        }
    }

    /** Autograd against central finite differences in float64 on a tiny net in training mode. */
    @Test
    void autogradMatchesFiniteDifferences() {
        try (ResNet net = ResNet.create(ResNetSpec.cifar(8, 10), 21, Device.CPU, Precision.FLOAT64); PointerScope s = new PointerScope()) {
            Tensor x = images(4, 3, 4, 4, Precision.FLOAT64);
            Tensor y = labels(4, 10);
            for (String name : List.of("layer2.0.conv1.weight", "conv1.weight")) {
                int index = net.parameterInfos().stream().map(ParameterInfo::name).toList().indexOf(name);
                lossAndGrad(net, x, y);
                double[] grad = Tensors.toDoubles(net.parameter(index).grad());
                Tensor flat = net.parameter(index).view(-1);
                Rng pick = new Rng(4);
                double h = 1e-6;
                double errSq = 0;
                double refSq = 0;
                for (int k = 0; k < 48; k++) {
                    int e = pick.nextInt(grad.length);
                    double w0 = flat.select(0, e).item_double();
                    double plus = lossAt(net, flat, e, w0 + h, x, y);
                    double minus = lossAt(net, flat, e, w0 - h, x, y);
                    lossAt(net, flat, e, w0, x, y);
                    double fd = (plus - minus) / (2 * h);
                    errSq += (fd - grad[e]) * (fd - grad[e]);
                    refSq += grad[e] * grad[e];
                }
                double rel = Math.sqrt(errSq / refSq);
                assertTrue(refSq > 0 && rel < 1e-6, name + ": relative error " + rel);
            }
        }
    }

    private static double lossAt(ResNet net, Tensor flat, int element, double value, Tensor x, Tensor y) {
        try (PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            flat.select(0, element).fill_(new Scalar(value));
            return torch.cross_entropy_loss(net.forward(x), y).item_double();
        }
    }

    static double lossAndGrad(ResNet net, Tensor x, Tensor y) {
        try (PointerScope s = new PointerScope()) {
            net.train();
            net.zeroGrad();
            Tensor loss = torch.cross_entropy_loss(net.forward(x), y);
            loss.backward();
            return loss.item_double();
        }
    }

    static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static double norm(double[] a) {
        return Math.sqrt(Arrays.stream(a).map(v -> v * v).sum());
    }

    private static double[] tile(double[] row, int times) {
        double[] out = new double[row.length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(row, 0, out, t * row.length, row.length);
        }
        return out;
    }
}
