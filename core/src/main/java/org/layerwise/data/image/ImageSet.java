package org.layerwise.data.image;

import java.util.Arrays;

/**
 * Labelled images held in memory: {@code count} images of {@code channels x height x width} uint8
 * pixels (stored as Java bytes, read with {@code & 0xFF}) in NCHW order, channel-planar within an
 * image, and one label in [0, numClasses) per image.
 */
public record ImageSet(String name, int count, int channels, int height, int width, int numClasses, byte[] pixels, int[] labels) {
    public ImageSet {
        if (count < 0 || channels < 1 || height < 1 || width < 1 || numClasses < 1) {
            throw new IllegalArgumentException("image set " + name + ": bad shape " + count + "x" + channels + "x" + height + "x" + width
                    + " with " + numClasses + " classes");
        }
        if (pixels.length != (long) count * channels * height * width || labels.length != count) {
            throw new IllegalArgumentException("image set " + name + ": arrays do not hold " + count + " images of "
                    + channels + "x" + height + "x" + width + " and their labels");
        }
        for (int i = 0; i < count; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("image set " + name + ": label " + labels[i] + " of image " + i
                        + " is outside [0, " + numClasses + ")");
            }
        }
    }

    /** Bytes per image: channels x height x width. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Pixel value 0..255 of image {@code i}, channel {@code c}, row {@code y}, column {@code x}. */
    public int pixel(int i, int c, int y, int x) {
        return pixels[((i * channels + c) * height + y) * width + x] & 0xFF;
    }

    /** The first {@code n} images (copied). */
    public ImageSet head(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("image set " + name + " has " + count + " images, asked for " + n);
        }
        return new ImageSet(name, n, channels, height, width, numClasses,
                Arrays.copyOf(pixels, n * imageSize()), Arrays.copyOf(labels, n));
    }
}
