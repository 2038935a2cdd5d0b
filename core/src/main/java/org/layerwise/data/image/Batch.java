package org.layerwise.data.image;

/**
 * One batch as a training loop consumes it: {@code size} samples of {@code channels x height x width}
 * floats in NCHW order ({@code images}), their labels, and for provenance the epoch, the batch's
 * position in it and the data set indices of its samples.
 */
public record Batch(int epoch, int index, int size, int channels, int height, int width,
                    float[] images, int[] labels, int[] samples) {
    public Batch {
        if (images.length != (long) size * channels * height * width || labels.length != size || samples.length != size) {
            throw new IllegalArgumentException("batch arrays do not hold " + size + " samples of " + channels + "x" + height + "x" + width);
        }
    }
}
