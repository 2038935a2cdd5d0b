package org.layerwise.model;

/** The nonlinearity sigma of a residual block, with its derivative for the hand-written backward pass. */
public enum Activation {
    TANH("tanh") {
        @Override public double apply(double z) { return Math.tanh(z); }
        @Override public double derivative(double z) { double t = Math.tanh(z); return 1.0 - t * t; }
    },
    RELU("relu") {
        @Override public double apply(double z) { return z > 0 ? z : 0.0; }
        // PyTorch's convention: relu'(0) = 0
        @Override public double derivative(double z) { return z > 0 ? 1.0 : 0.0; }
    },
    LINEAR("linear") {
        @Override public double apply(double z) { return z; }
        @Override public double derivative(double z) { return 1.0; }
    };

    private final String key;

    Activation(String key) {
        this.key = key;
    }

    public abstract double apply(double z);

    public abstract double derivative(double z);

    public String key() {
        return key;
    }

    public static Activation fromKey(String key) {
        for (Activation a : values()) {
            if (a.key.equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + key + "'");
    }
}
