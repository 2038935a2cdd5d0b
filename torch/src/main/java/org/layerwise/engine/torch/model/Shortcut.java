package org.layerwise.engine.torch.model;

/**
 * How a residual block adds its input when the block changes the shape (He et al. 2016, §3.3).
 * Where the shape does not change, both options add the plain identity. Ignored by networks without
 * residual connections ("no-short"), which have no shortcut at all.
 */
public enum Shortcut {
    /**
     * Option A, parameter-free: subsample the input with the block's stride (every s-th row and
     * column) and pad the new channels with zeros, half before and half after the old ones (as the
     * widely used CIFAR reimplementations do). The CIFAR default.
     */
    A,
    /** Option B: a 1x1 convolution with the block's stride followed by BatchNorm (a "projection"). The ImageNet default. */
    B
}
