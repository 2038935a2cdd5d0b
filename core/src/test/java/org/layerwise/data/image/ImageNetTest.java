package org.layerwise.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.layerwise.data.image.TestFiles.oneLine;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.util.Rng;

class ImageNetTest {
    /** Channel c at (y, x) of the test images. */
    static int value(int seed, int c, int y, int x) {
        return (seed * 41 + c * 80 + y * 17 + x * 5) % 256;
    }

    static RgbImage image(int seed, int width, int height) {
        byte[] px = new byte[3 * width * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    px[(c * height + y) * width + x] = (byte) value(seed, c, y, x);
                }
            }
        }
        return new RgbImage(width, height, px);
    }

    static void writePng(Path file, int seed, int width, int height) throws Exception {
        BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                im.setRGB(x, y, value(seed, 0, y, x) << 16 | value(seed, 1, y, x) << 8 | value(seed, 2, y, x));
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(im, "png", file.toFile());
    }

    // ---- resampling: closed forms and a slow 2-D reference ----

    private static RgbImage row(int... values) {
        byte[] px = new byte[3 * values.length];
        for (int c = 0; c < 3; c++) {
            for (int x = 0; x < values.length; x++) {
                px[c * values.length + x] = (byte) values[x];
            }
        }
        return new RgbImage(values.length, 1, px);
    }

    @Test
    void halvingAveragesWithPilsBilinearKernel() {
        int[] a = {5, 15, 25, 45, 85, 105, 165, 255};
        float[] out = Resampler.resize(row(a), 0, 0, 8, 1, 4, 1, 0, 0, 4, 1);
        // interior: weights 1/8, 3/8, 3/8, 1/8 (triangle widened to support 2); edge: cut and renormalized
        assertEquals((0.75 * a[0] + 0.75 * a[1] + 0.25 * a[2]) / 1.75, out[0], 1e-4);
        assertEquals(0.125 * a[1] + 0.375 * a[2] + 0.375 * a[3] + 0.125 * a[4], out[1], 1e-4);
        assertEquals((0.25 * a[5] + 0.75 * a[6] + 0.75 * a[7]) / 1.75, out[3], 1e-4);
    }

    @Test
    void doublingInterpolatesBetweenPixelCentres() {
        float[] out = Resampler.resize(row(40, 200), 0, 0, 2, 1, 4, 1, 0, 0, 4, 1);
        assertEquals(40, out[0], 1e-5);
        assertEquals(0.75 * 40 + 0.25 * 200, out[1], 1e-4);
        assertEquals(0.25 * 40 + 0.75 * 200, out[2], 1e-4);
        assertEquals(200, out[3], 1e-5);
        RgbImage im = image(3, 5, 4);
        float[] same = Resampler.resize(im, 0, 0, 5, 4, 5, 4, 0, 0, 5, 4);
        for (int k = 0; k < same.length; k++) {
            assertEquals(im.pixels()[k] & 0xFF, same[k], 0, "same size is the identity");
        }
    }

    /** Output (c, y, x) as the normalized triangle-weighted sum over every pixel of the box: the definition, term by term. */
    static double slowResize(RgbImage im, int bx, int by, int bw, int bh, int ow, int oh, int c, int y, int x) {
        double sx = (double) bw / ow;
        double sy = (double) bh / oh;
        double fx = Math.max(sx, 1);
        double fy = Math.max(sy, 1);
        double cx = (x + 0.5) * sx;
        double cy = (y + 0.5) * sy;
        double sum = 0;
        double norm = 0;
        for (int i = 0; i < bh; i++) {
            for (int j = 0; j < bw; j++) {
                double wy = Math.max(0, 1 - Math.abs((i + 0.5 - cy) / fy));
                double wx = Math.max(0, 1 - Math.abs((j + 0.5 - cx) / fx));
                sum += wy * wx * im.get(c, by + i, bx + j);
                norm += wy * wx;
            }
        }
        return sum / norm;
    }

    @Test
    void resizeMatchesTheSlowDefinitionForBoxesAndWindows() {
        RgbImage im = image(7, 23, 17);
        int[][] cases = {{0, 0, 23, 17, 7, 5}, {3, 2, 11, 13, 9, 4}, {5, 1, 4, 3, 11, 10}, {2, 6, 17, 9, 8, 8}};
        for (int[] k : cases) {
            int ow = k[4];
            int oh = k[5];
            float[] full = Resampler.resize(im, k[0], k[1], k[2], k[3], ow, oh, 0, 0, ow, oh);
            float[] window = Resampler.resize(im, k[0], k[1], k[2], k[3], ow, oh, 1, 2, ow - 2, oh - 3);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double ref = slowResize(im, k[0], k[1], k[2], k[3], ow, oh, c, y, x);
                        assertEquals(ref, full[(c * oh + y) * ow + x], 1e-3, Arrays.toString(k) + " c" + c + " y" + y + " x" + x);
                        if (x >= 1 && x < ow - 1 && y >= 2 && y < oh - 1) {
                            assertEquals(full[(c * oh + y) * ow + x], window[(c * (oh - 3) + y - 2) * (ow - 2) + x - 1], 1e-4);
                        }
                    }
                }
            }
        }
    }

    // ---- transforms ----

    @Test
    void randomResizedCropFollowsTheDocumentedDrawsAndBounds() {
        double lo = Math.log(3.0 / 4);
        double hi = Math.log(4.0 / 3);
        int fits = 0;
        for (int seed = 0; seed < 300; seed++) {
            int width = 20 + seed % 17;
            int height = 15 + seed % 11;
            ImageNetTransform.Box box = ImageNetTransform.randomResizedCropBox(height, width, new Rng(seed), 0.08, 1, 0.75, 4.0 / 3);
            assertTrue(box.top() >= 0 && box.left() >= 0 && box.top() + box.height() <= height && box.left() + box.width() <= width, box.toString());
            // replay the first attempt by hand: scale, log-ratio, sides rounded half-to-even, then top and left
            Rng r = new Rng(seed);
            double area = height * width * r.uniform(0.08, 1);
            double ratio = Math.exp(r.uniform(lo, hi));
            int w = (int) Math.rint(Math.sqrt(area * ratio));
            int h = (int) Math.rint(Math.sqrt(area / ratio));
            if (w <= width && h <= height) {
                fits++;
                assertEquals(new ImageNetTransform.Box(r.nextInt(height - h + 1), r.nextInt(width - w + 1), h, w), box, "seed " + seed);
                double frac = (double) box.height() * box.width() / (height * width);
                assertTrue(frac > 0.05 && frac <= 1, "area fraction " + frac);
            }
        }
        assertTrue(fits > 200, "most first attempts fit: " + fits);
    }

    @Test
    void randomResizedCropFallsBackToTheCentralCropWithClampedRatio() {
        // scale 2..3 of the area never fits: a 10 wide, 40 tall image (ratio 1/4 < 3/4) gets w = 10, h = round(10 / 0.75) = 13
        ImageNetTransform.Box box = ImageNetTransform.randomResizedCropBox(40, 10, new Rng(1), 2, 3, 0.75, 4.0 / 3);
        assertEquals(new ImageNetTransform.Box(13, 0, 13, 10), box);
        // 11 / 0.75 = 14.67 rounds to 15
        assertEquals(new ImageNetTransform.Box(12, 0, 15, 11), ImageNetTransform.randomResizedCropBox(40, 11, new Rng(1), 2, 3, 0.75, 4.0 / 3));
        assertEquals(new ImageNetTransform.Box(0, 7, 10, 13), ImageNetTransform.randomResizedCropBox(10, 27, new Rng(1), 2, 3, 0.75, 4.0 / 3));
        assertEquals(new ImageNetTransform.Box(0, 0, 10, 12), ImageNetTransform.randomResizedCropBox(10, 12, new Rng(1), 2, 3, 0.75, 4.0 / 3));
    }

    @Test
    void trainTransformIsCropResizeFlipNormalize() {
        RgbImage im = image(5, 12, 10);
        Normalization n = Normalization.IMAGENET;
        ImageNetTransform t = ImageNetTransform.train(6);
        boolean sawFlip = false;
        boolean sawPlain = false;
        for (int seed = 0; seed < 12; seed++) {
            Rng replay = new Rng(seed);
            ImageNetTransform.Box b = ImageNetTransform.randomResizedCropBox(10, 12, replay, 0.08, 1, 0.75, 4.0 / 3);
            boolean flip = replay.nextDouble() < 0.5;
            sawFlip |= flip;
            sawPlain |= !flip;
            float[] out = new float[3 * 36];
            t.apply(im, new Rng(seed), n, out, 0);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 6; y++) {
                    for (int x = 0; x < 6; x++) {
                        double v = slowResize(im, b.left(), b.top(), b.width(), b.height(), 6, 6, c, y, flip ? 5 - x : x);
                        assertEquals(n.apply(c, v), out[(c * 6 + y) * 6 + x], 1e-4, "seed " + seed);
                    }
                }
            }
        }
        assertTrue(sawFlip && sawPlain);
    }

    @Test
    void evalTransformResizesTheShorterSideAndCropsTheCentre() {
        ImageNetTransform t = ImageNetTransform.eval(4, 4);
        // 14 wide, 6 tall: resized to 4 tall, int(4 * 14 / 6) = 9 wide; left = round(2.5) = 2 (half to even), top 0
        assertEquals(List.of(4, 9), Arrays.stream(t.resizedSize(6, 14)).boxed().toList());
        assertEquals(List.of(9, 4), Arrays.stream(t.resizedSize(14, 6)).boxed().toList());
        RgbImage im = image(2, 14, 6);
        float[] out = new float[3 * 16];
        t.apply(im, null, Normalization.IMAGENET, out, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    double v = slowResize(im, 0, 0, 14, 6, 9, 4, c, y, x + 2);
                    assertEquals(Normalization.IMAGENET.apply(c, v), out[(c * 4 + y) * 4 + x], 1e-4);
                }
            }
        }
    }

    // ---- the folder tree ----

    private static Path tree(Path root) throws Exception {
        for (String split : new String[] {"train", "val"}) {
            writePng(root.resolve(split + "/n02_dog/b.png"), 1, 4, 4);
            writePng(root.resolve(split + "/n02_dog/a.PNG"), 2, 4, 4);
            writePng(root.resolve(split + "/n01_cat/z.png"), 3, 4, 4);
            Files.writeString(root.resolve(split + "/n01_cat/notes.txt"), "not an image");
        }
        return root;
    }

    @Test
    void classFoldersSortedFilesSortedPixelsExact(@TempDir Path tmp) throws Exception {
        Path root = tree(tmp);
        ImageNetFolder f = ImageNetFolder.open(root, Split.TRAIN);
        assertEquals(List.of("n01_cat", "n02_dog"), f.classes());
        assertEquals(3, f.size());
        assertEquals(root.resolve("train/n01_cat/z.png"), f.file(0));
        assertEquals(root.resolve("train/n02_dog/a.PNG"), f.file(1));
        assertEquals(1, f.label(2));
        ImageNetSource eval = new ImageNetSource(ImageNetFolder.open(root, Split.TEST), ImageNetTransform.eval(4, 4), Normalization.IMAGENET);
        assertEquals("imagenet-val", eval.name());
        assertEquals(2, eval.numClasses());
        float[] out = new float[48];
        eval.write(1, null, out, 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(Normalization.IMAGENET.apply(c, (double) value(2, c, y, x)), out[(c * 4 + y) * 4 + x]);
                }
            }
        }
    }

    @Test
    void greyPngKeepsItsValuesAndJpegDecodesClose(@TempDir Path tmp) throws Exception {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 1, 0, 128);
        Path g = tmp.resolve("grey.png");
        ImageIO.write(grey, "png", g.toFile());
        RgbImage gi = ImageDecoder.decode(g);
        for (int c = 0; c < 3; c++) {
            assertEquals(128, gi.get(c, 1, 1), "Java's grey-to-sRGB conversion would give 188");
            assertEquals(0, gi.get(c, 0, 0));
        }
        BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb.setRGB(x, y, 200 << 16 | 100 << 8 | 50);
            }
        }
        Path j = tmp.resolve("val/n0/x.JPEG");
        Files.createDirectories(j.getParent());
        ImageIO.write(rgb, "jpeg", j.toFile());
        RgbImage ji = ImageDecoder.decode(j);
        assertEquals(16, ji.width());
        int[] expected = {200, 100, 50};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    assertEquals(expected[c], ji.get(c, y, x), 4);
                }
            }
        }
        assertEquals(1, ImageNetFolder.open(tmp, Split.TEST).size());
    }

    @Test
    void undecodableFilesAreNamed(@TempDir Path tmp) throws Exception {
        Path root = tree(tmp);
        Path broken = root.resolve("train/n01_cat/broken.JPEG");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        ImageNetSource src = new ImageNetSource(ImageNetFolder.open(root, Split.TRAIN), ImageNetTransform.train(4), Normalization.IMAGENET);
        assertEquals(broken, src.folder().file(0));
        oneLine(() -> src.write(0, new Rng(1), new float[48], 0), broken.toString(), "not an image javax.imageio can read");
        BufferedImage rgb = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                rgb.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 100);
            }
        }
        Path whole = tmp.resolve("whole.jpg");
        ImageIO.write(rgb, "jpeg", whole.toFile());
        byte[] b = Files.readAllBytes(whole);
        // cut inside the scan data: javax.imageio decodes it "successfully" with a grey bottom and a warning
        Files.write(broken, Arrays.copyOf(b, b.length * 9 / 10));
        oneLine(() -> src.write(0, new Rng(1), new float[48], 0), broken.toString(), "damaged image");
        // cut before the scan: javax.imageio fails by itself
        Files.write(broken, Arrays.copyOf(b, b.length / 2));
        oneLine(() -> src.write(0, new Rng(1), new float[48], 0), broken.toString(), "cannot decode image");
        Files.delete(broken);
        oneLine(() -> src.write(0, new Rng(1), new float[48], 0), broken.toString(), "cannot open");
    }

    @Test
    void missingOrMismatchedTreesSayWhatIsWrong(@TempDir Path tmp) throws Exception {
        oneLine(() -> ImageNetFolder.open(tmp, Split.TRAIN), "ImageNet not found in " + tmp
                + ": put the ILSVRC 2012 images there as train/<class>/*.JPEG and val/<class>/*.JPEG");
        Path root = tree(tmp.resolve("r"));
        Files.createDirectories(root.resolve("val/n03_owl"));
        oneLine(() -> ImageNetFolder.open(root, Split.TRAIN), "train/ and val/ hold different class folders (n03_owl is in val/ only)");
        oneLine(() -> ImageNetFolder.open(root, Split.TEST), "n03_owl is in val/ only");
        Files.createDirectories(root.resolve("train/n03_owl"));
        oneLine(() -> ImageNetFolder.open(root, Split.TEST), root.resolve("val/n03_owl").toString(), "holds no .JPEG/.jpg/.png files");
    }
}
