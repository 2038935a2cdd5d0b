package org.layerwise.engine.torch.model;

import java.util.Locale;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;

/**
 * Where a model's tensors live. CPU is the default; CUDA needs the GPU build of libtorch, which only
 * the Maven profile {@code cuda} puts on the class path, and a machine with an NVIDIA driver and the
 * CUDA 13.1 / cuDNN 9.19 libraries.
 */
public enum Device {
    /** Host memory, libtorch's CPU kernels. */
    CPU,
    /** The first CUDA device (cuda:0). */
    CUDA;

    static {
        Natives.load();
    }

    /** Parses {@code cpu} or {@code cuda} (any case; {@code gpu} is taken as cuda). */
    public static Device parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "cpu": return CPU;
            case "cuda": case "gpu": case "cuda:0": return CUDA;
            default: throw new IllegalArgumentException("device must be cpu or cuda: got '" + name + "'");
        }
    }

    /**
     * Throws one line saying how to enable this device when it cannot be used here; returns this.
     * CPU is always available.
     */
    public Device requireAvailable() {
        if (this == CUDA && !torch.cuda_is_available()) {
            if (!gpuNativesOnClassPath()) {
                throw new IllegalStateException("device cuda requested, but this build has the CPU-only libtorch:"
                        + " build with the Maven profile 'cuda' (mvn -Pcuda ...), which adds the linux-x86_64-gpu libtorch;"
                        + " the machine needs an NVIDIA driver and the CUDA 13.1 and cuDNN 9.19 libraries; or use device cpu");
            }
            throw new IllegalStateException("device cuda requested, but libtorch finds no usable CUDA device"
                    + " (torch.cuda_is_available() is false): check the NVIDIA driver (nvidia-smi) and that the CUDA 13.1"
                    + " and cuDNN 9.19 libraries are on LD_LIBRARY_PATH, or use device cpu");
        }
        return this;
    }

    /** True when the GPU build of libtorch is on the class path (the Maven profile {@code cuda}). */
    public static boolean gpuNativesOnClassPath() {
        return Device.class.getResource("/org/bytedeco/pytorch/" + Loader.getPlatform() + "-gpu/") != null;
    }

    /** The libtorch device; checks availability first. The caller closes the returned object (or lets a PointerScope do it). */
    public org.bytedeco.pytorch.Device toTorch() {
        requireAvailable();
        return new org.bytedeco.pytorch.Device(this == CPU ? "cpu" : "cuda:0");
    }

    /** The lower-case name that {@link #parse} reads. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
