package org.layerwise.engine.torch.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.ConvKernels;
import org.layerwise.engine.torch.model.Device;
import org.layerwise.engine.torch.model.Precision;
import org.layerwise.engine.torch.model.Tensors;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.model.ConvResNetLayout.Block;
import org.layerwise.util.Rng;

/**
 * Cohen, Cont, Rossier & Xu's convolutional ResNet for CIFAR-10 on libtorch (CPU, or CUDA with the -Pcuda build), as a
 * {@link CustomNetwork} so the core's image loop trains it: [REPO cifar_model.py] a 3x3 stem and ReLU,
 * BasicBlocks without BatchNorm {@code out = ReLU(conv2(ReLU(conv1(x))) + shortcut(x))} (3x3 convs
 * without bias, padding 1; a 1x1 projection without bias where the stride or the width changes), four
 * stages, avg_pool2d(4), a linear classifier with bias; the layout of {@link ConvResNetLayout}.
 *
 * <p>Initialisation: PyTorch's defaults, because the reference never calls its own init [REPO]: every
 * conv and linear weight U(−b, b) with b = 1/√fan_in (kaiming_uniform with a = √5 gives exactly that),
 * the linear bias U(±1/√fan_in) with the classifier's fan_in. The values are drawn in Java from
 * {@link Rng} with one stream per parameter name, so a seed gives the same weights on every run and
 * thread count [layerwise].
 */
public final class ConvScalingNet {
    static {
        Natives.load();
    }

    private ConvScalingNet() {
    }

    /** Parameter names and shapes in the network's stable order: stem, then per block conv1, conv2, shortcut, then the classifier. */
    public static Map<String, long[]> shapes(int depth, int width, int classes, int inputChannels) {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("conv1.weight", new long[] {width, inputChannels, 3, 3});
        for (Block b : ConvResNetLayout.blocks(depth, width, 32)) {
            m.put(b.conv1(), new long[] {b.outChannels(), b.inChannels(), 3, 3});
            m.put(b.conv2(), new long[] {b.outChannels(), b.outChannels(), 3, 3});
            if (b.projection()) {
                m.put(b.shortcut(), new long[] {b.outChannels(), b.inChannels(), 1, 1});
            }
        }
        m.put("linear.weight", new long[] {classes, 8L * width});
        m.put("linear.bias", new long[] {classes});
        return m;
    }

    /** The initial values of one parameter for a seed (PyTorch's default distributions; see the class comment). */
    public static double[] initialValues(String name, long[] shape, long seed, long classifierFanIn) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        long fanIn = name.equals("linear.bias") ? classifierFanIn : n / shape[0];
        double bound = 1.0 / Math.sqrt(fanIn);
        Rng rng = Rng.derive(seed, "conv-scaling-init/" + name, 0);
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = bound * (2 * rng.nextDouble() - 1);
        }
        return v;
    }

    /** A new network with SGD (momentum, weight decay as torch.optim.SGD) on the CPU. */
    public static CustomNetwork create(int depth, int width, int classes, int inputChannels, long seed, double momentum, double weightDecay,
                                       int threads) {
        return create(depth, width, classes, inputChannels, seed, momentum, weightDecay, threads, Device.CPU);
    }

    /**
     * The same on a device: the initial values are drawn in Java as on the CPU and copied there, so a seed
     * starts from the same weights on every device (cuDNN's kernels then differ from the CPU's in rounding).
     */
    public static CustomNetwork create(int depth, int width, int classes, int inputChannels, long seed, double momentum, double weightDecay,
                                       int threads, Device device) {
        Map<String, long[]> shapes = shapes(depth, width, classes, inputChannels);
        Map<String, Tensor> p = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Tensor t = Tensors.create(initialValues(e.getKey(), e.getValue(), seed, 8L * width), e.getValue(), device, Precision.FLOAT32);
            t.set_requires_grad(true);
            t.retainReference();
            p.put(e.getKey(), t);
        }
        List<Block> blocks = new ArrayList<>(ConvResNetLayout.blocks(depth, width, 32));
        CustomNetwork.Forward forward = (x, training) -> {
            Tensor h = torch.relu(conv(x, p.get("conv1.weight"), 1, 1, device));
            for (Block b : blocks) {
                Tensor out = torch.relu(conv(h, p.get(b.conv1()), b.stride(), 1, device));
                out = conv(out, p.get(b.conv2()), 1, 1, device);
                out = out.add(b.projection() ? conv(h, p.get(b.shortcut()), b.stride(), 0, device) : h);
                h = torch.relu(out);
            }
            h = torch.adaptive_avg_pool2d(h, 1, 1).flatten(1, -1); // = the reference's avg_pool2d(4) on the 4x4 maps of 32x32 inputs
            return torch.linear(h, p.get("linear.weight"), new TensorOptional(p.get("linear.bias")));
        };
        CustomNetwork.Builder b = CustomNetwork.builder(forward).sgd(momentum, weightDecay).threads(threads).device(device);
        p.forEach((name, t) -> b.parameter(name, t, false)); // no BatchNorm: nothing is scale-invariant
        return b.build();
    }

    /** Through {@link ConvKernels}: channel counts where libtorch's oneDNN gave wrong float32 input gradients are padded to trusted ones. */
    private static Tensor conv(Tensor x, Tensor w, int stride, int padding, Device device) {
        return ConvKernels.conv2d(x, w, stride, padding, device, Precision.FLOAT32);
    }
}
