package org.layerwise.engine.torch.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.layerwise.engine.torch.Natives;

/** Device names, and the one-line advice when CUDA is asked for where it cannot run. */
class DeviceTest {
    static {
        Natives.load(); // before any torch.* call: loads libtorch the safe way (see Natives)
    }

    @Test
    void parsesNames() {
        assertSame(Device.CPU, Device.parse("cpu"));
        assertSame(Device.CUDA, Device.parse(" CUDA "));
        assertSame(Device.CUDA, Device.parse("gpu"));
        assertEquals("cuda", Device.CUDA.key());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertEquals("device must be cpu or cuda: got 'tpu'", e.getMessage());
        assertSame(Device.CPU, Device.CPU.requireAvailable());
    }

    @Test
    void cudaWithoutCudaSaysHowToEnableIt() {
        Assumptions.assumeFalse(torch.cuda_is_available(), "CUDA is available here: covered by cudaRunsWhereAvailable");
        IllegalStateException e = assertThrows(IllegalStateException.class, Device.CUDA::requireAvailable);
        assertFalse(e.getMessage().contains("\n"));
        if (Device.gpuNativesOnClassPath()) {
            assertTrue(e.getMessage().contains("no usable CUDA device"), e.getMessage());
        } else {
            assertTrue(e.getMessage().contains("Maven profile 'cuda'") && e.getMessage().contains("-Pcuda"), e.getMessage());
        }
        IllegalStateException create = assertThrows(IllegalStateException.class,
                () -> ResNet.create(ResNetSpec.cifar(8, 10), 1, Device.CUDA, Precision.FLOAT32));
        assertEquals(e.getMessage(), create.getMessage());
    }

    /** Where a GPU and the cuda profile are present: the same weights and nearly the same logits as on the CPU. */
    @Test
    @SuppressWarnings("try")
    void cudaRunsWhereAvailable() {
        Assumptions.assumeTrue(torch.cuda_is_available(), "no CUDA device here");
        try (ResNet cpu = ResNet.create(ResNetSpec.cifar(8, 10), 1, Device.CPU, Precision.FLOAT64);
                ResNet gpu = ResNet.create(ResNetSpec.cifar(8, 10), 1, Device.CUDA, Precision.FLOAT64);
                PointerScope s = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            for (int i = 0; i < cpu.parameterCount(); i++) {
                assertEquals(Tensors.toDoubles(cpu.parameter(i))[0], Tensors.toDoubles(gpu.parameter(i))[0], 0.0);
            }
            double[] a = Tensors.toDoubles(cpu.forward(ResNetTest.images(4, 3, 8, 8, Precision.FLOAT64)));
            double[] b = Tensors.toDoubles(gpu.forward(ResNetTest.images(4, 3, 8, 8, Precision.FLOAT64)));
            assertTrue(ResNetTest.maxAbsDiff(a, b) < 1e-9);
        }
    }
}
