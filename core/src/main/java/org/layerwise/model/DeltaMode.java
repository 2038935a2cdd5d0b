package org.layerwise.model;

/**
 * How the residual branch is scaled: h_{k+1} = h_k + delta_k * sigma(A_k h_k + b_k).
 * As in the reference code (scaling_model.py): SHARED enters through |delta|, PER_LAYER is signed.
 */
public enum DeltaMode {
    /** delta = 1, not trained: all depth scaling must live in A and b. */
    NONE("none"),
    /** One trainable scalar; the forward pass uses |delta|; initialised to exactly 1/L. */
    SHARED("shared"),
    /** One trainable signed scalar per layer, initialised i.i.d. N(0, std = 1/L). */
    PER_LAYER("per-layer");

    private final String key;

    DeltaMode(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Number of trainable delta parameters for a network of the given depth. */
    public int count(int depth) {
        return switch (this) {
            case NONE -> 0;
            case SHARED -> 1;
            case PER_LAYER -> depth;
        };
    }
}
