package org.layerwise.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.layerwise.util.Rng;

/** Normalization and the CIFAR augmentation, checked against explicit padding/cropping written out here. */
class TransformTest {
    /** Two 2-channel 1x2 images: channel 0 holds 0, 51, 102, 153; channel 1 holds 255 everywhere. */
    private static ImageSet tiny() {
        byte[] px = {0, 51, (byte) 255, (byte) 255, 102, (byte) 153, (byte) 255, (byte) 255};
        return new ImageSet("tiny", 2, 2, 1, 2, 2, px, new int[] {0, 1});
    }

    @Test
    void computedNormalizationIsMeanAndPopulationStd() {
        Normalization n = Normalization.of(tiny());
        // channel 0: values 0, .2, .4, .6 -> mean .3, variance (.09 + .01 + .01 + .09) / 4 = .05
        assertEquals(0.3, n.mean()[0], 1e-12);
        assertEquals(Math.sqrt(0.05), n.std()[0], 1e-12);
        assertEquals(1.0, n.mean()[1], 1e-12);
        assertEquals(1.0, n.std()[1], 0, "a constant channel gets std 1, not a division by zero");
        assertEquals((float) ((0.6 - 0.3) / Math.sqrt(0.05)), n.applyByte(0, (byte) 153));
    }

    @Test
    void standardConstants() {
        assertArrayEquals(new double[] {0.49139968, 0.48215841, 0.44653091}, Normalization.CIFAR10.mean());
        assertArrayEquals(new double[] {0.24703223, 0.24348513, 0.26158784}, Normalization.CIFAR10.std());
        assertArrayEquals(new double[] {0.50707516, 0.48654887, 0.44091784}, Normalization.CIFAR100.mean());
        assertArrayEquals(new double[] {0.26733429, 0.25643846, 0.27615047}, Normalization.CIFAR100.std());
        assertArrayEquals(new double[] {0.485, 0.456, 0.406}, Normalization.IMAGENET.mean());
        assertArrayEquals(new double[] {0.229, 0.224, 0.225}, Normalization.IMAGENET.std());
        assertEquals((float) ((1 - 0.49139968) / 0.24703223), Normalization.CIFAR10.applyByte(0, (byte) 255));
        assertEquals((float) ((0 - 0.44091784) / 0.27615047), Normalization.CIFAR100.applyByte(2, (byte) 0));
        assertEquals((float) ((128 / 255.0 - 0.456) / 0.224), Normalization.IMAGENET.apply(1, 128.0));
        assertEquals((float) (128 / 255.0), Normalization.scaleOnly(3).applyByte(2, (byte) 128));
    }

    /** {@code count} images of 3 x 5 x 6 whose k-th stored byte is 1 + (7k mod 250): never 0, so padding shows. */
    static ImageSet pattern(int count) {
        int c = 3;
        int h = 5;
        int w = 6;
        byte[] px = new byte[count * c * h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (1 + (i * 7) % 250);
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 4;
        }
        return new ImageSet("pattern", count, c, h, w, 4, px, labels);
    }

    /** The augmented image written out explicitly: build the padded image, cut the window, mirror it. */
    private static float[] byHand(ImageSet s, int i, int top, int left, boolean flip, int pad, Normalization n) {
        int h = s.height();
        int w = s.width();
        int ph = h + 2 * pad;
        int pw = w + 2 * pad;
        float[] out = new float[s.imageSize()];
        for (int c = 0; c < s.channels(); c++) {
            int[][] padded = new int[ph][pw];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    padded[y + pad][x + pad] = s.pixel(i, c, y, x);
                }
            }
            int[][] window = new int[h][w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    window[y][x] = padded[top + y][left + x];
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = flip ? window[y][w - 1 - x] : window[y][x];
                    out[(c * h + y) * w + x] = n.applyByte(c, (byte) v);
                }
            }
        }
        return out;
    }

    @Test
    void cropOffsetAndFlipFollowTheDocumentedDraws() {
        ImageSet s = pattern(3);
        Normalization n = Normalization.of(s);
        ImageSetSource train = ImageSetSource.train(s, n);
        int covered = 0;
        for (int seed = 0; seed < 40; seed++) {
            // the documented draw order: top, left, flip
            Rng manual = new Rng(seed);
            int top = manual.nextInt(9);
            int left = manual.nextInt(9);
            boolean flip = manual.nextDouble() < 0.5;
            assertEquals(new CifarAugmentation.Draw(top, left, flip), CifarAugmentation.draw(new Rng(seed), 4));
            float[] out = new float[s.imageSize() + 2];
            train.write(seed % 3, new Rng(seed), out, 2);
            float[] expected = byHand(s, seed % 3, top, left, flip, 4, n);
            for (int k = 0; k < expected.length; k++) {
                assertEquals(expected[k], out[2 + k], "seed " + seed + " element " + k);
            }
            covered |= 1 << top;
        }
        assertTrue(covered > 0x1F0, "offsets spread over 0..8");
    }

    @Test
    void centredWindowIsTheImageAndAnOffsetOneShowsPaddingZeros() {
        ImageSet s = pattern(1);
        Normalization n = Normalization.CIFAR10;
        float[] out = new float[s.imageSize()];
        CifarAugmentation.write(s, 0, new CifarAugmentation.Draw(4, 4, false), 4, n, out, 0);
        float[] plain = new float[s.imageSize()];
        ImageSetSource.eval(s, n).write(0, null, plain, 0);
        assertEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(out));
        // top = 0, left = 8: the output's first 4 rows are padding; row 4 starts at source column 4
        CifarAugmentation.write(s, 0, new CifarAugmentation.Draw(0, 8, false), 4, n, out, 0);
        assertEquals(n.applyByte(0, (byte) 0), out[0]);
        assertEquals(n.applyByte(1, (byte) s.pixel(0, 1, 0, 4)), out[30 + 4 * 6]);
        assertEquals(n.applyByte(1, (byte) 0), out[30 + 4 * 6 + 2], "column 4 + 2 = 6 is in the right padding");
        // flip without offset: the mirror image
        CifarAugmentation.write(s, 0, new CifarAugmentation.Draw(4, 4, true), 4, n, out, 0);
        assertEquals(n.applyByte(2, (byte) s.pixel(0, 2, 3, 5)), out[60 + 3 * 6]);
    }

    @Test
    void flipIsAFairCoin() {
        int flips = 0;
        int draws = 4000;
        for (int p = 0; p < draws; p++) {
            if (CifarAugmentation.draw(BatchLoader.sampleRng(1, 0, p), 4).flip()) {
                flips++;
            }
        }
        // 6 standard deviations (sd = sqrt(4000)/2 = 32)
        assertEquals(draws / 2.0, flips, 190);
    }
}
