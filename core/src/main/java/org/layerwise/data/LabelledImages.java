package org.layerwise.data;

/** Grey images (n x rows x cols, raw 0..255 scale, row-major) with integer labels. */
public record LabelledImages(int count, int rows, int cols, float[] pixels, int[] labels) {
}
