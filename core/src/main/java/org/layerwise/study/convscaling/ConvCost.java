package org.layerwise.study.convscaling;

import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.RunCost;

/**
 * What a run of the conv scaling study costs, before it starts [derived, scaling-reference.md §8.3]:
 * a BasicBlock's two 3x3 convolutions cost 2 · n² · C² · 9 multiply-adds per image, and n · C is the
 * same in every stage (n halves where C doubles), so every block costs 18 · (32 w)² MACs forward
 * (75.5 M at the paper's width 64); a training step is about 3 forward passes, 2 FLOPs per MAC.
 */
final class ConvCost implements RunCost {
    static final ConvCost INSTANCE = new ConvCost();

    private ConvCost() {
    }

    /** No measured rate: timing libtorch would load native code into a sweep's planning; a sweep prints the compute without a time. */
    @Override
    public String unit() {
        return "FLOPs (3 x 2 x 18 (32 w)^2 x L x B per update x max-updates; an upper bound, runs that reach epsilon stop early)";
    }

    /** FLOPs of one update of a depth-L network. */
    static double flopsPerUpdate(ConvScalingConfig c, int depth) {
        double macsPerBlock = 18.0 * Math.pow(ConvRun.IMAGE_SIZE * (double) c.width(), 2);
        return 3 * 2 * macsPerBlock * depth * c.batchSize();
    }

    /** FLOPs of a whole run at its update budget (the scheduler's relative cost). */
    static double flops(ConvScalingConfig c, int depth) {
        return flopsPerUpdate(c, depth) * c.maxUpdates();
    }

    /** Java heap of a run: a few batches of float images in flight (the network lives in libtorch's memory). */
    static long heapBytes(ConvScalingConfig c) {
        return (long) c.batchSize() * 3 * ConvRun.IMAGE_SIZE * ConvRun.IMAGE_SIZE * 4 * 4 + (64L << 20);
    }

    /** Disk of a run: the checkpoint (weights and momentum, float32, with headroom), the kernels when saved, small files. */
    static long diskBytes(ConvScalingConfig c, long params) {
        return 12L * params + (c.saveKernels() ? 4L * params : 0) + (1L << 20);
    }

    /** libtorch's memory for a step, roughly: the parameters with gradient and momentum, and the activations autograd keeps. */
    static long nativeBytes(ConvScalingConfig c, int depth) {
        long params = ConvResNetLayout.parameterCount(depth, c.width(), 10, 3);
        long perImage = 0;
        for (ConvResNetLayout.Block b : ConvResNetLayout.blocks(depth, c.width(), ConvRun.IMAGE_SIZE)) {
            perImage += 5L * b.outChannels() * b.outputSize() * b.outputSize(); // conv1, relu, conv2, sum, relu outputs
        }
        return 4L * (3 * params + (long) c.batchSize() * perImage);
    }
}
