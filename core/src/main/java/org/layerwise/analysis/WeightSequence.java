package org.layerwise.analysis;

/**
 * A sequence W_0..W_{L-1} of equally shaped weights along depth (matrices rows x cols, vectors with
 * cols = 1, scalars 1 x 1), flattened: entry e of W_k is {@code values[k * size + e]}.
 */
public record WeightSequence(String name, int length, int rows, int cols, double[] values) {
    public WeightSequence {
        if (values.length != (long) length * rows * cols) {
            throw new IllegalArgumentException(name + ": " + values.length + " values do not make " + length + " of " + rows + "x" + cols);
        }
    }

    public int size() {
        return rows * cols;
    }

    public double get(int k, int e) {
        return values[k * size() + e];
    }

    /** Each W_k multiplied by a per-layer scalar, e.g. |delta_k| A_k. */
    public WeightSequence scaledBy(String newName, double[] perLayer) {
        double[] v = new double[values.length];
        int s = size();
        for (int k = 0; k < length; k++) {
            for (int e = 0; e < s; e++) {
                v[k * s + e] = perLayer[k] * values[k * s + e];
            }
        }
        return new WeightSequence(newName, length, rows, cols, v);
    }
}
