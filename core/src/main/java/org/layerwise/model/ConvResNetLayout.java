package org.layerwise.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The block layout of Cohen, Cont, Rossier & Xu's convolutional ResNet for CIFAR-10 (ICML 2021; the
 * reference code's cifar_model.py, as ../shared/design/scaling-reference.md §1.2 records it), pure
 * Java so configs, cost models and the analysis know it without libtorch.
 *
 * <p>[code] kuangliu/pytorch-cifar's ResNet with every BatchNorm removed: a 3x3 stem (3 → w, stride 1)
 * and ReLU; four stages of BasicBlocks with w, 2w, 4w, 8w channels and strides 1, 2, 2, 2, each block
 * {@code out = ReLU(conv2(ReLU(conv1(x))) + shortcut(x))} with 3x3 convolutions without bias and a
 * 1x1 projection (no bias) where the stride or the width changes; avg-pool 4, linear 8w → classes with
 * bias. The depth L is the number of residual blocks; the 16 layouts are the reference's. w = 64 is the
 * paper's width; a smaller w is a reduced network [layerwise] and must be labelled so.
 *
 * <p>Parameter names follow the reference (so exported kernels read the same): {@code conv1.weight}
 * (stem), {@code layer{s}.{k}.conv1.weight} ("A_k"), {@code layer{s}.{k}.conv2.weight} ("Δ_k"),
 * {@code layer{s}.{k}.shortcut.weight} ("SC"), {@code linear.weight}, {@code linear.bias}.
 */
public final class ConvResNetLayout {
    /** The paper's width (channels of the first stage). */
    public static final int PAPER_WIDTH = 64;

    /** The 16 depths of the reference (cifar_model.py:136-197, cifar_run.py:39), with their blocks per stage. */
    private static final Map<Integer, int[]> LAYOUTS = new LinkedHashMap<>();

    static {
        int[][] rows = {{8, 2, 2, 2, 2}, {11, 2, 3, 4, 2}, {12, 2, 3, 5, 2}, {14, 3, 3, 5, 3}, {16, 3, 4, 6, 3}, {18, 3, 4, 8, 3},
            {20, 3, 4, 10, 3}, {24, 3, 4, 14, 3}, {28, 3, 4, 18, 3}, {33, 3, 4, 23, 3}, {42, 3, 8, 28, 3}, {50, 3, 8, 36, 3},
            {65, 3, 8, 51, 3}, {80, 4, 12, 60, 4}, {100, 4, 18, 74, 4}, {121, 4, 31, 82, 4}};
        for (int[] r : rows) {
            LAYOUTS.put(r[0], new int[] {r[1], r[2], r[3], r[4]});
        }
    }

    /** The paper's depths, ascending. */
    public static final List<Integer> PAPER_DEPTHS = List.copyOf(LAYOUTS.keySet());

    private static final int[] STRIDES = {1, 2, 2, 2};

    private ConvResNetLayout() {
    }

    /** Why a depth has no layout, or null when it has one. */
    public static String depthProblem(int depth) {
        return LAYOUTS.containsKey(depth) ? null
                : "the conv ResNet of Cohen et al. has one of the reference's 16 block layouts, L = " + PAPER_DEPTHS + ": " + depth + " is not one";
    }

    /** Blocks per stage for depth L (a copy). */
    public static int[] blocksPerStage(int depth) {
        String p = depthProblem(depth);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
        return LAYOUTS.get(depth).clone();
    }

    /**
     * One residual block.
     *
     * @param index        position in the flat block list (0 .. L-1)
     * @param stage        1 .. 4
     * @param indexInStage 0-based
     * @param prefix       "layer{stage}.{indexInStage}"
     * @param inChannels   channels of the block's input
     * @param outChannels  channels of its output (= planes)
     * @param stride       of conv1 and the shortcut
     * @param inputSize    spatial size n of the block input (what conv1 and the shortcut see)
     * @param outputSize   spatial size after conv1 (what conv2 sees)
     * @param projection   whether the shortcut is a 1x1 convolution (stride or width changes); identity otherwise
     */
    public record Block(int index, int stage, int indexInStage, String prefix, int inChannels, int outChannels, int stride,
                        int inputSize, int outputSize, boolean projection) {
        public String conv1() {
            return prefix + ".conv1.weight";
        }

        public String conv2() {
            return prefix + ".conv2.weight";
        }

        /** The shortcut kernel's name; only where {@link #projection()}. */
        public String shortcut() {
            return prefix + ".shortcut.weight";
        }
    }

    /** The blocks of depth L at first-stage width {@code width} on {@code imageSize}² inputs (32 for CIFAR-10). */
    public static List<Block> blocks(int depth, int width, int imageSize) {
        if (width < 1) {
            throw new IllegalArgumentException("conv ResNet width must be at least 1: got " + width);
        }
        int[] per = blocksPerStage(depth);
        List<Block> out = new ArrayList<>();
        int in = width;
        int size = imageSize;
        for (int s = 0; s < 4; s++) {
            int planes = width << s;
            for (int k = 0; k < per[s]; k++) {
                int stride = k == 0 ? STRIDES[s] : 1;
                int outSize = (size - 1) / stride + 1; // 3x3, padding 1 (and the 1x1 shortcut, padding 0): ceil(n / stride)
                out.add(new Block(out.size(), s + 1, k, "layer" + (s + 1) + "." + k, in, planes, stride, size, outSize,
                        stride != 1 || in != planes));
                in = planes;
                size = outSize;
            }
        }
        return out;
    }

    /** Trainable scalars: stem, blocks, classifier (weight and bias). */
    public static long parameterCount(int depth, int width, int classes, int inputChannels) {
        long n = 9L * inputChannels * width;
        for (Block b : blocks(depth, width, 32)) {
            n += 9L * b.inChannels() * b.outChannels() + 9L * b.outChannels() * b.outChannels();
            if (b.projection()) {
                n += (long) b.inChannels() * b.outChannels();
            }
        }
        return n + 8L * width * classes + classes;
    }
}
