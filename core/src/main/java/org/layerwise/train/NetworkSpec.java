package org.layerwise.train;

/**
 * A convolutional network and its optimizer, as a study asks an engine for them (no native types).
 *
 * @param family          "cifar-resnet" (ResNet v1 for 32x32 inputs, depth 6n+2) or "imagenet-resnet" (18, 34, 50 ...)
 * @param depth           number of weight layers
 * @param classes         outputs of the classifier
 * @param inputChannels   3 for RGB
 * @param residual        true: identity/projection shortcuts ("short"); false: the same blocks without them ("no-short")
 * @param affineBatchNorm BatchNorm with learned scale and shift (off in the paper's setting)
 * @param shortcut        "A" (parameter-free) or "B" (1x1 conv + BN projection)
 * @param device          "cpu" or "cuda"
 * @param threads         CPU threads for the engine's operators
 * @param momentum        SGD momentum (0 in the paper's setting)
 * @param weightDecay     L2 added to the gradient, as torch.optim.SGD (0 in the paper's setting)
 * @param nesterov        Nesterov momentum
 * @param seed            initialisation seed
 * @param width           channels of the first stage where the family has a width setting ("cohen-resnet"); 0 = the family's default
 */
public record NetworkSpec(String family, int depth, int classes, int inputChannels, boolean residual, boolean affineBatchNorm,
                          String shortcut, String device, int threads, double momentum, double weightDecay, boolean nesterov, long seed,
                          int width) {
    /** The family of Cohen, Cont, Rossier & Xu's CIFAR conv ResNet without BatchNorm ({@link org.layerwise.model.ConvResNetLayout}). */
    public static final String COHEN_RESNET = "cohen-resnet";

    /** A spec of a family without a width setting. */
    public NetworkSpec(String family, int depth, int classes, int inputChannels, boolean residual, boolean affineBatchNorm,
                       String shortcut, String device, int threads, double momentum, double weightDecay, boolean nesterov, long seed) {
        this(family, depth, classes, inputChannels, residual, affineBatchNorm, shortcut, device, threads, momentum, weightDecay, nesterov, seed, 0);
    }

    /** Cohen et al.'s conv ResNet at depth L (residual blocks) and first-stage width w, SGD with momentum and weight decay, RGB input. */
    public static NetworkSpec cohenConvResNet(int depth, int width, int classes, String device, int threads, double momentum,
                                              double weightDecay, long seed) {
        return new NetworkSpec(COHEN_RESNET, depth, classes, 3, true, false, "B", device, threads, momentum, weightDecay, false, seed, width);
    }

    /** The ImageNet ResNet depths of He et al. (2016), Table 1. */
    public static final java.util.List<Integer> IMAGENET_DEPTHS = java.util.List.of(18, 34, 50, 101, 152);

    /**
     * Why a depth does not exist in a family, or null when it does: CIFAR ResNets have 6n+2 layers
     * (n >= 1), ImageNet ResNets one of {@link #IMAGENET_DEPTHS}. One rule for the engine and the configs.
     */
    public static String depthProblem(String family, int depth) {
        if (family.equals("cifar-resnet") && (depth < 8 || (depth - 2) % 6 != 0)) {
            return "a CIFAR ResNet has 6n+2 layers with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...): " + depth + " is not one";
        }
        if (family.equals(COHEN_RESNET)) {
            return org.layerwise.model.ConvResNetLayout.depthProblem(depth);
        }
        if (family.equals("imagenet-resnet") && !IMAGENET_DEPTHS.contains(depth)) {
            return "an ImageNet ResNet has 18, 34, 50, 101 or 152 layers: " + depth + " is not one";
        }
        return null;
    }

    /** "ResNet-20 (no-short)" */
    public String label() {
        if (family.equals(COHEN_RESNET)) {
            return "conv ResNet of Cohen et al., L = " + depth + " blocks, width " + width;
        }
        return "ResNet-" + depth + " (" + (residual ? "short" : "no-short") + ")";
    }
}
