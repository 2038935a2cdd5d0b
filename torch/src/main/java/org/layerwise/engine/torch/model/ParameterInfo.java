package org.layerwise.engine.torch.model;

import java.util.Arrays;

/**
 * One trainable tensor of a {@link ResNet}: its torchvision-style name, its shape and what it is.
 *
 * @param name  e.g. {@code conv1.weight}, {@code layer2.0.downsample.0.weight}, {@code fc.bias}
 * @param shape the tensor's shape (a copy is kept and handed out)
 * @param kind  what the tensor is; {@link #normalized()} follows from it
 */
public record ParameterInfo(String name, long[] shape, Kind kind) {
    /** What a parameter is; decides whether its output goes straight into a BatchNorm. */
    public enum Kind {
        /** A convolution weight (stem, block or projection); every one is followed by BatchNorm. */
        CONV,
        /** The BatchNorm scale (gamma), present only with affine BatchNorm. */
        BN_WEIGHT,
        /** The BatchNorm shift (beta), present only with affine BatchNorm. */
        BN_BIAS,
        /** The classifier's weight. */
        FC_WEIGHT,
        /** The classifier's bias. */
        FC_BIAS
    }

    public ParameterInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of scalars in the tensor. */
    public long elements() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /**
     * True when the tensor's output goes straight into a BatchNorm, so the loss is invariant to its
     * scale [paper, §1 of elr-model.md]: every convolution weight; not the classifier, not affine BN
     * parameters.
     */
    public boolean normalized() {
        return kind == Kind.CONV;
    }

    /** True for the classifier's weight and bias (reported apart from the normalized tensors). */
    public boolean classifier() {
        return kind == Kind.FC_WEIGHT || kind == Kind.FC_BIAS;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterInfo p && p.name.equals(name) && Arrays.equals(p.shape, shape) && p.kind == kind;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + kind;
    }
}
