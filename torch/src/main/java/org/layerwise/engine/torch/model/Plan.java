package org.layerwise.engine.torch.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.layerwise.engine.torch.model.ParameterInfo.Kind;

/**
 * The layer graph of a {@link ResNetSpec} in plain Java: parameter and buffer names and shapes in
 * the stable order, and the operations that {@link ResNet#forward} runs, as indices into those
 * lists. No libtorch here, so architectures can be counted and checked without loading natives.
 *
 * <p>The order and names are torchvision's ({@code conv1, bn1, layer1.0.conv1, layer1.0.bn1, ...,
 * layer1.0.downsample.0/1, fc}), so a torchvision state dict lines up name for name.
 */
final class Plan {
    /** A convolution without bias: weight index into the parameters, stride, zero padding. */
    record Conv(int weight, int stride, int padding) {
    }

    /** A BatchNorm: its scale and shift parameter indices (-1 without affine) and its running-mean buffer index (running var is the next one). */
    record Norm(int weight, int bias, int runningMean) {
        int runningVar() {
            return runningMean + 1;
        }
    }

    /** What a block adds to its output. */
    enum Join {
        /** no-short: nothing. */
        NONE,
        /** The input itself (same shape). */
        IDENTITY,
        /** Option A: subsample by the stride and zero-pad channels. */
        PAD,
        /** Option B: 1x1 conv + BN. */
        PROJECTION
    }

    /** A basic (2 convs) or bottleneck (3 convs) block; a ReLU follows every BN but the last, and the sum. */
    record Block(List<Conv> convs, List<Norm> norms, Join join, int stride, int inChannels, int outChannels,
            Conv projection, Norm projectionNorm) {
    }

    final ResNetSpec spec;
    final List<ParameterInfo> parameters;
    final List<String> bufferNames;
    final List<Long> bufferSizes;
    final Conv stem;
    final Norm stemNorm;
    final boolean maxPool;
    final List<Block> blocks;
    final int fcWeight;
    final int fcBias;

    private final List<ParameterInfo> params = new ArrayList<>();
    private final List<String> bufNames = new ArrayList<>();
    private final List<Long> bufSizes = new ArrayList<>();

    private Plan(ResNetSpec spec) {
        this.spec = spec;
        boolean cifar = spec.family() == ResNetSpec.Family.CIFAR;
        int stemChannels = cifar ? 16 : 64;
        int stemKernel = cifar ? 3 : 7;
        stem = conv("conv1", spec.inputChannels(), stemChannels, stemKernel, cifar ? 1 : 2);
        stemNorm = norm("bn1", stemChannels);
        maxPool = !cifar;
        List<Block> bs = new ArrayList<>();
        int channels = stemChannels;
        int[] perStage = spec.blocksPerStage();
        for (int s = 0; s < perStage.length; s++) {
            int width = stemChannels << s;
            for (int b = 0; b < perStage[s]; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String prefix = "layer" + (s + 1) + "." + b + ".";
                Block block = spec.bottleneck() ? bottleneck(prefix, channels, width, stride) : basic(prefix, channels, width, stride);
                bs.add(block);
                channels = block.outChannels;
            }
        }
        blocks = Collections.unmodifiableList(bs);
        fcWeight = param("fc.weight", Kind.FC_WEIGHT, spec.classes(), channels);
        fcBias = param("fc.bias", Kind.FC_BIAS, spec.classes());
        parameters = Collections.unmodifiableList(params);
        bufferNames = Collections.unmodifiableList(bufNames);
        bufferSizes = Collections.unmodifiableList(bufSizes);
    }

    static Plan of(ResNetSpec spec) {
        return new Plan(spec);
    }

    private Block basic(String prefix, int in, int width, int stride) {
        Conv c1 = conv(prefix + "conv1", in, width, 3, stride);
        Norm n1 = norm(prefix + "bn1", width);
        Conv c2 = conv(prefix + "conv2", width, width, 3, 1);
        Norm n2 = norm(prefix + "bn2", width);
        return withShortcut(prefix, List.of(c1, c2), List.of(n1, n2), in, width, stride);
    }

    private Block bottleneck(String prefix, int in, int width, int stride) {
        Conv c1 = conv(prefix + "conv1", in, width, 1, 1);
        Norm n1 = norm(prefix + "bn1", width);
        Conv c2 = conv(prefix + "conv2", width, width, 3, stride); // stride on the 3x3: see ResNetSpec
        Norm n2 = norm(prefix + "bn2", width);
        Conv c3 = conv(prefix + "conv3", width, 4 * width, 1, 1);
        Norm n3 = norm(prefix + "bn3", 4 * width);
        return withShortcut(prefix, List.of(c1, c2, c3), List.of(n1, n2, n3), in, 4 * width, stride);
    }

    /** Decides what the block adds to its output; a projection's parameters come after the block's own. */
    private Block withShortcut(String prefix, List<Conv> convs, List<Norm> norms, int in, int out, int stride) {
        boolean reshapes = stride != 1 || in != out;
        Join join;
        Conv projection = null;
        Norm projectionNorm = null;
        if (!spec.residual()) {
            join = Join.NONE;
        } else if (!reshapes) {
            join = Join.IDENTITY;
        } else if (spec.shortcut() == Shortcut.A) {
            join = Join.PAD;
        } else {
            join = Join.PROJECTION;
            projection = conv(prefix + "downsample.0", in, out, 1, stride);
            projectionNorm = norm(prefix + "downsample.1", out);
        }
        return new Block(convs, norms, join, stride, in, out, projection, projectionNorm);
    }

    private Conv conv(String name, int in, int out, int kernel, int stride) {
        int w = param(name + ".weight", Kind.CONV, out, in, kernel, kernel);
        return new Conv(w, stride, kernel / 2);
    }

    private Norm norm(String name, int channels) {
        int w = -1;
        int b = -1;
        if (spec.affineBatchNorm()) {
            w = param(name + ".weight", Kind.BN_WEIGHT, channels);
            b = param(name + ".bias", Kind.BN_BIAS, channels);
        }
        bufNames.add(name + ".running_mean");
        bufSizes.add((long) channels);
        bufNames.add(name + ".running_var");
        bufSizes.add((long) channels);
        return new Norm(w, b, bufNames.size() - 2);
    }

    private int param(String name, Kind kind, long... shape) {
        params.add(new ParameterInfo(name, shape, kind));
        return params.size() - 1;
    }
}
