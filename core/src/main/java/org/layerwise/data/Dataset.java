package org.layerwise.data;

/**
 * A regression data set for R^d to R^d networks: n rows of inputs and targets, row-major float32
 * (as the reference code's tensors).
 */
public record Dataset(String name, int size, int dim, float[] x, float[] y) {
    public Dataset {
        if (x.length != (long) size * dim || y.length != (long) size * dim) {
            throw new IllegalArgumentException("dataset " + name + ": arrays do not hold " + size + " rows of " + dim);
        }
    }

    /** The first n rows (a view-free copy). */
    public Dataset head(int n) {
        if (n > size) {
            throw new IllegalArgumentException("dataset " + name + " has " + size + " rows, asked for " + n);
        }
        return new Dataset(name, n, dim, java.util.Arrays.copyOf(x, n * dim), java.util.Arrays.copyOf(y, n * dim));
    }
}
