package org.layerwise.engine.torch.model;

/** The floating-point type of a model's parameters, buffers and activations. */
public enum Precision {
    /** float32: training. */
    FLOAT32,
    /** float64: gradient checks against finite differences. */
    FLOAT64
}
