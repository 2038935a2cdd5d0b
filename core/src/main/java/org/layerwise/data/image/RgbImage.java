package org.layerwise.data.image;

/**
 * A decoded colour image: {@code width x height} pixels, 8-bit R, G, B stored channel-planar
 * (all red rows, then green, then blue), the layout of a CIFAR record.
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width < 1 || height < 1 || pixels.length != 3L * width * height) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs " + 3L * width * height
                    + " bytes, got " + pixels.length);
        }
    }

    /** Value 0..255 of channel {@code c} (0 red, 1 green, 2 blue) at row {@code y}, column {@code x}. */
    public int get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xFF;
    }
}
