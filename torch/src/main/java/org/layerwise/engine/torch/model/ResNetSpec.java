package org.layerwise.engine.torch.model;

import java.util.List;

/**
 * The architecture of a ResNet v1 (He et al. 2016), independent of device and precision.
 *
 * <p>CIFAR family (§4.2 of the ResNet paper): depth 6n+2; a 3x3 stem convolution with 16 channels,
 * BN, ReLU; three stages of n basic blocks with 16, 32, 64 channels, the second and third starting
 * with stride 2; global average pooling; a linear classifier with bias. ImageNet family: depth 18 or
 * 34 (basic blocks, [2,2,2,2] and [3,4,6,3]), 50, 101, 152 (bottleneck blocks with expansion 4,
 * [3,4,6,3], [3,4,23,3], [3,8,36,3]); a 7x7 stride-2 stem with 64 channels, BN, ReLU and a 3x3
 * stride-2 max-pool; four stages of 64, 128, 256, 512 (bottleneck width) channels.
 *
 * <p>Bottleneck blocks put the stride on the 3x3 convolution (torchvision's "v1.5"), not on the
 * first 1x1 as the original Caffe model: a strided 1x1 throws away three quarters of its input
 * positions; torchvision's published weights, parameter counts and most PyTorch reproductions use
 * the 3x3 placement; the parameter count is the same either way. [derived choice]
 *
 * @param family          CIFAR or ImageNet layout
 * @param depth           number of weight layers (convolutions and the classifier)
 * @param classes         classifier outputs
 * @param residual        true: residual connections ("short"); false: the same blocks without any
 *                        shortcut added ("no-short" [paper])
 * @param affineBatchNorm true: BatchNorm with learnable scale and shift; false (default for both
 *                        families, as in the paper): normalisation only
 * @param shortcut        how shape-changing blocks add their input (ignored when {@code residual} is false)
 * @param inputChannels   channels of the input images (3 for RGB)
 */
public record ResNetSpec(Family family, int depth, int classes, boolean residual, boolean affineBatchNorm,
        Shortcut shortcut, int inputChannels) {

    /** The two layouts of the ResNet paper. */
    public enum Family {
        /** 32x32 inputs, depth 6n+2, 16/32/64 channels, option-A shortcuts by default. */
        CIFAR,
        /** 224x224 inputs, depth 18/34/50/101/152, projection shortcuts by default. */
        IMAGENET
    }

    /** Validates every field; each bad value gets one line naming it and what is allowed. */
    public ResNetSpec {
        if (family == null) {
            throw new IllegalArgumentException("ResNet family must be CIFAR or IMAGENET, not null");
        }
        if (shortcut == null) {
            throw new IllegalArgumentException("ResNet shortcut must be A or B, not null");
        }
        String problem = org.layerwise.train.NetworkSpec.depthProblem(family == Family.CIFAR ? "cifar-resnet" : "imagenet-resnet", depth);
        if (problem != null) {
            throw new IllegalArgumentException(problem); // the rule lives in core, so configs check it without libtorch
        }
        if (classes < 1) {
            throw new IllegalArgumentException("ResNet classes must be at least 1: got " + classes);
        }
        if (inputChannels < 1) {
            throw new IllegalArgumentException("ResNet input channels must be at least 1: got " + inputChannels);
        }
    }

    /** CIFAR ResNet of the given depth (6n+2): residual, BN without affine parameters, option-A shortcuts, RGB input. */
    public static ResNetSpec cifar(int depth, int classes) {
        return new ResNetSpec(Family.CIFAR, depth, classes, true, false, Shortcut.A, 3);
    }

    /** ImageNet ResNet (18, 34, 50, 101, 152): residual, BN without affine parameters, projection shortcuts, RGB input. */
    public static ResNetSpec imagenet(int depth, int classes) {
        return new ResNetSpec(Family.IMAGENET, depth, classes, true, false, Shortcut.B, 3);
    }

    /** The same architecture with residual connections on ("short") or off ("no-short"). */
    public ResNetSpec withResidual(boolean on) {
        return new ResNetSpec(family, depth, classes, on, affineBatchNorm, shortcut, inputChannels);
    }

    /** The same architecture with or without the BatchNorm scale and shift parameters. */
    public ResNetSpec withAffineBatchNorm(boolean on) {
        return new ResNetSpec(family, depth, classes, residual, on, shortcut, inputChannels);
    }

    /** The same architecture with the other shortcut option. */
    public ResNetSpec withShortcut(Shortcut option) {
        return new ResNetSpec(family, depth, classes, residual, affineBatchNorm, option, inputChannels);
    }

    /** The same architecture for inputs with this many channels (e.g. 1 for grey images). */
    public ResNetSpec withInputChannels(int channels) {
        return new ResNetSpec(family, depth, classes, residual, affineBatchNorm, shortcut, channels);
    }

    /** Blocks per stage: n,n,n for CIFAR, the torchvision table for ImageNet. */
    public int[] blocksPerStage() {
        if (family == Family.CIFAR) {
            int n = (depth - 2) / 6;
            return new int[] {n, n, n};
        }
        return imagenetBlocks(depth).clone();
    }

    /** True for ImageNet depths of 50 and more (three-layer bottleneck blocks). */
    public boolean bottleneck() {
        return family == Family.IMAGENET && depth >= 50;
    }

    /** Every trainable tensor in the stable order ({@link ResNet} materialises exactly these). */
    public List<ParameterInfo> parameters() {
        return Plan.of(this).parameters;
    }

    /** Number of trainable scalars. */
    public long parameterElements() {
        long n = 0;
        for (ParameterInfo p : parameters()) {
            n += p.elements();
        }
        return n;
    }

    /** A short label, e.g. {@code cifar-resnet56-noshort} or {@code imagenet-resnet50-short-affine-B}. */
    public String label() {
        return family.name().toLowerCase(java.util.Locale.ROOT) + "-resnet" + depth + (residual ? "-short" : "-noshort")
                + (affineBatchNorm ? "-affine" : "") + (residual ? "-" + shortcut : "") + "-c" + classes
                + (inputChannels == 3 ? "" : "-in" + inputChannels);
    }

    private static int[] imagenetBlocks(int depth) {
        switch (depth) {
            case 18: return new int[] {2, 2, 2, 2};
            case 34: case 50: return new int[] {3, 4, 6, 3};
            case 101: return new int[] {3, 4, 23, 3};
            case 152: return new int[] {3, 8, 36, 3};
            default: return null;
        }
    }
}
