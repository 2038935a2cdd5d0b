package org.layerwise.data.image;

import org.layerwise.util.Rng;

/**
 * The standard CIFAR augmentation, torchvision's {@code RandomCrop(32, padding=4)} followed by
 * {@code RandomHorizontalFlip(0.5)}: the image is padded with 4 zero (black) pixels on every side,
 * a window of the original size is cut at a uniformly random offset (0..8 in each direction), and
 * the window is mirrored left-right with probability 1/2. Padding happens on the raw pixels, before
 * normalization, so the padded border becomes {@code -mean/std} as in torchvision. [derived: the
 * usual CIFAR pipeline of He et al. 2016; the paper's text is not available to confirm it.]
 *
 * <p>Draw order (part of the reproducibility contract): {@code top = rng.nextInt(2p+1)}, then
 * {@code left = rng.nextInt(2p+1)}, then {@code flip = rng.nextDouble() < 0.5}.
 */
public final class CifarAugmentation {
    /** The standard padding in pixels. */
    public static final int PADDING = 4;

    private CifarAugmentation() {
    }

    /**
     * One draw: the window's offset in the padded image ({@code top}, {@code left} in 0..2p) and
     * whether it is mirrored.
     */
    public record Draw(int top, int left, boolean flip) {
    }

    /** Draws the crop offset and flip for one sample. */
    public static Draw draw(Rng rng, int padding) {
        int top = rng.nextInt(2 * padding + 1);
        int left = rng.nextInt(2 * padding + 1);
        boolean flip = rng.nextDouble() < 0.5;
        return new Draw(top, left, flip);
    }

    /**
     * Writes image {@code index} of {@code set}, cropped from its zero-padded version at
     * {@code draw}'s offset and mirrored if asked, normalized, into {@code out} from {@code offset}.
     * Output pixel (c, y, x) is padded pixel (c, y + top, x' + left) with x' = W-1-x when mirrored, else x.
     */
    public static void write(ImageSet set, int index, Draw draw, int padding, Normalization norm, float[] out, int offset) {
        int channels = set.channels();
        int h = set.height();
        int w = set.width();
        byte[] px = set.pixels();
        int base = index * set.imageSize();
        byte zero = 0;
        for (int c = 0; c < channels; c++) {
            float padValue = norm.applyByte(c, zero);
            int plane = base + c * h * w;
            int o = offset + c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + draw.top() - padding;
                boolean rowInside = sy >= 0 && sy < h;
                for (int x = 0; x < w; x++) {
                    int sx = (draw.flip() ? w - 1 - x : x) + draw.left() - padding;
                    out[o + y * w + x] = rowInside && sx >= 0 && sx < w ? norm.applyByte(c, px[plane + sy * w + sx]) : padValue;
                }
            }
        }
    }

    /** Writes image {@code index} unchanged, normalized (the evaluation transform for CIFAR-sized sets). */
    public static void writePlain(ImageSet set, int index, Normalization norm, float[] out, int offset) {
        int plane = set.height() * set.width();
        byte[] px = set.pixels();
        int base = index * set.imageSize();
        for (int c = 0; c < set.channels(); c++) {
            for (int k = 0; k < plane; k++) {
                out[offset + c * plane + k] = norm.applyByte(c, px[base + c * plane + k]);
            }
        }
    }
}
