package org.layerwise.engine.torch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.layerwise.engine.torch.Natives;

/**
 * {@link ConvKernels} in float32 agrees with float64 (forward, input and weight gradients) on shapes
 * where libtorch's oneDNN was measured wrong here (the first four and the last) and right (the rest),
 * at two batch sizes and thread counts; it prints what was padded. Measured: at most 1.2e-6.
 */
@SuppressWarnings("try") // scopes act by existing
class ConvKernelsTest {
    @BeforeAll
    static void natives() {
        Natives.load();
    }

    @ParameterizedTest(name = "{0}x{0}/{1} {2}->{3} on {4}x{4}, batch {5}, {6} thread(s)")
    @CsvSource({"3, 1, 8, 8, 16, 8, 1", "3, 1, 8, 8, 16, 128, 2", "3, 1, 4, 4, 32, 8, 2", "3, 2, 48, 96, 16, 8, 2",
        "3, 1, 16, 16, 16, 8, 2", "3, 2, 16, 32, 16, 8, 1", "1, 2, 8, 16, 16, 8, 2", "3, 1, 64, 64, 8, 32, 2", "3, 2, 128, 256, 8, 16, 2",
        "3, 1, 3, 8, 32, 4, 2"})
    void float32AgreesWithFloat64(int k, int stride, int in, int out, int size, int batch, int threads) {
        int before = torch.get_num_threads();
        torch.set_num_threads(threads);
        try (PointerScope s = new PointerScope()) {
            double[][][] r = new double[2][][];
            for (int q = 0; q < 2; q++) {
                Precision p = q == 0 ? Precision.FLOAT32 : Precision.FLOAT64;
                Tensor x = ResNetTest.images(batch, in, size, size, p);
                Tensor w = ResNetTest.images(out, in, k, k, p).mul(new org.bytedeco.pytorch.Scalar(0.1));
                x.set_requires_grad(true);
                w = w.detach();
                w.set_requires_grad(true);
                Tensor y = ConvKernels.conv2d(x, w, stride, k / 2, Device.CPU, p);
                Tensor gy = ResNetTest.images(batch, out, (int) y.size(2), (int) y.size(3), p);
                y.mul(gy).sum().backward();
                r[q] = new double[][] {Tensors.toDoubles(y), Tensors.toDoubles(x.grad()), Tensors.toDoubles(w.grad())};
            }
            String[] what = {"output", "input gradient", "weight gradient"};
            double worst = 0;
            for (int i = 0; i < 3; i++) {
                double rel = ResNetTest.maxAbsDiff(r[0][i], r[1][i]) / Arrays.stream(r[1][i]).map(Math::abs).max().orElseThrow();
                worst = Math.max(worst, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel);
                assertTrue(rel <= 1e-5, what[i] + " of the float32 convolution off by " + rel);
            }
            System.out.printf(Locale.ROOT, "ConvKernels %dx%d/%d %d->%d on %dx%d, batch %d, %d thread(s): %.1e; padded so far: %s%n", k, k, stride, in, out,
                    size, size, batch, threads, worst, ConvKernels.padded());
        } finally {
            torch.set_num_threads(before);
        }
    }

    @Test
    void trustsOneDnnOnlyForSixteenTimesAPowerOfTwo() {
        assertTrue(ConvKernels.trustsOneDnn(Device.CPU, Precision.FLOAT32, 64, 128, true));
        assertTrue(ConvKernels.trustsOneDnn(Device.CPU, Precision.FLOAT32, 3, 64, false), "the stem: no input gradient");
        assertFalse(ConvKernels.trustsOneDnn(Device.CPU, Precision.FLOAT32, 3, 8, false));
        assertFalse(ConvKernels.trustsOneDnn(Device.CPU, Precision.FLOAT32, 48, 96, true));
        assertFalse(ConvKernels.trustsOneDnn(Device.CPU, Precision.FLOAT32, 8, 16, true));
        assertTrue(ConvKernels.trustsOneDnn(Device.CPU, Precision.FLOAT64, 8, 8, true));
        assertTrue(ConvKernels.trustsOneDnn(Device.CUDA, Precision.FLOAT32, 8, 8, true));
        assertEquals(16, ConvKernels.trustedAtLeast(3));
        assertEquals(64, ConvKernels.trustedAtLeast(48));
        assertEquals(128, ConvKernels.trustedAtLeast(128));
    }
}
