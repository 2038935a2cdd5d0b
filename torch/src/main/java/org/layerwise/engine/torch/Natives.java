package org.layerwise.engine.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.bytedeco.javacpp.Loader;

/**
 * Loads libtorch the same way every time, whatever else is installed.
 *
 * <p>JavaCPP extracts native libraries into its cache one at a time, as it loads them. On a fresh cache
 * the dynamic linker resolves libtorch.so's dependency on libtorch_cpu.so before JavaCPP has extracted
 * its own copy, so it falls back to the system search path; where Debian's python3-torch is installed
 * it finds /usr/lib/x86_64-linux-gnu/libtorch_cpu.so (1.13), two libtorch versions end up in one
 * process and the first call crashes (SIGSEGV in pthread_mutex_lock). Extracting every native folder
 * of the presets before the first load makes the linker find JavaCPP's copies beside each other.
 */
public final class Natives {
    /** The JavaCPP preset packages whose native folders must be complete before libtorch loads. */
    private static final String[] PRESETS = {"javacpp", "openblas", "pytorch", "cuda"};

    private static volatile boolean loaded;

    private Natives() {
    }

    /** Extracts the presets' native folders, then loads libtorch; idempotent and thread-safe. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String platform = Loader.getPlatform();
        for (String preset : PRESETS) {
            for (String suffix : new String[] {"", "-gpu"}) {
                String folder = "/org/bytedeco/" + preset + "/" + platform + suffix + "/";
                if (Natives.class.getResource(folder) == null) {
                    continue; // not on the class path (cuda without the GPU profile)
                }
                try {
                    Loader.cacheResources(Natives.class, folder);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not extract the native libraries of " + preset + " into the JavaCPP cache"
                            + " (set -Dorg.bytedeco.javacpp.cachedir to a writable folder): " + e.getMessage(), e);
                }
            }
        }
        Loader.load(org.bytedeco.pytorch.global.torch.class);
        if ("false".equals(System.getProperty("layerwise.mkldnn"))) {
            // oneDNN's float32 convolution input gradients in this libtorch (2.10, JavaCPP 1.5.13) were wrong on the 2-core AVX-512
            // EPYC where layerwise is developed for channel counts other than 16*2^k (ConvKernels, which keeps clear of them);
            // -Dlayerwise.mkldnn=false uses libtorch's native kernels everywhere instead: right, but 12x slower on the conv
            // scaling quick preset (BENCHMARKS.md)
            org.bytedeco.pytorch.global.torch.globalContext().setUserEnabledMkldnn(false);
        }
        // without oneDNN, libtorch tries NNPACK for every convolution and, on CPUs it does not support, prints
        // "Could not initialize NNPACK! Reason: Unsupported hardware." once per thread per call site: dozens of lines per run
        org.bytedeco.pytorch.global.torch.globalContext().setUserEnabledNNPACK(false);
        loaded = true;
    }
}
