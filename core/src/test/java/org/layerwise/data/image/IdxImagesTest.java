package org.layerwise.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerwise.data.image.TestFiles.oneLine;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.IdxReader;
import org.layerwise.data.LabelledImages;

class IdxImagesTest {
    static int grey(int i, int y, int x) {
        return (i * 13 + y * 28 + x * 3 + 1) % 256;
    }

    static void writeIdx(Path dir, String prefix, int n, int maxLabel) throws Exception {
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
            o.writeInt(0x803);
            o.writeInt(n);
            o.writeInt(28);
            o.writeInt(28);
            for (int i = 0; i < n; i++) {
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        o.writeByte(grey(i, y, x));
                    }
                }
            }
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            o.writeInt(0x801);
            o.writeInt(n);
            for (int i = 0; i < n; i++) {
                o.writeByte(i % (maxLabel + 1));
            }
        }
    }

    @Test
    void paddedToThirtyTwoWithTwoZeroPixelsAndThreeEqualChannels(@TempDir Path tmp) throws Exception {
        writeIdx(tmp, "t10k", 4, 9);
        ImageSet s = IdxImages.read(tmp, Split.TEST, "mnist");
        assertEquals("mnist-test", s.name());
        assertEquals(4, s.count());
        assertEquals(3, s.channels());
        assertEquals(32, s.height());
        assertEquals(32, s.width());
        assertEquals(10, s.numClasses());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, s.labels()[i]);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        boolean inside = y >= 2 && y < 30 && x >= 2 && x < 30;
                        assertEquals(inside ? grey(i, y - 2, x - 2) : 0, s.pixel(i, c, y, x), "image " + i + " c" + c + " y" + y + " x" + x);
                    }
                }
            }
        }
    }

    @Test
    void labelsBeyondNineAndMissingFilesAreOneLine(@TempDir Path tmp) throws Exception {
        writeIdx(tmp, "train", 12, 11);
        oneLine(() -> IdxImages.read(tmp, Split.TRAIN, "x"), tmp.resolve("train-labels-idx1-ubyte").toString(), "label 10 of image 10, expected 0..9");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        oneLine(() -> IdxImages.fashionMnist(empty, Split.TRAIN), "Fashion-MNIST not found in " + empty
                + ": apt-get install dataset-fashion-mnist (Debian; it installs the IDX files in /usr/share/datasets/fashion-mnist)",
                "train-images-idx3-ubyte.gz");
        Files.delete(tmp.resolve("train-labels-idx1-ubyte"));
        oneLine(() -> IdxImages.fashionMnist(tmp, Split.TRAIN), "data file missing: " + tmp.resolve("train-labels-idx1-ubyte"));
    }

    @Test
    void realFashionMnistWhenInstalled() {
        Path p = IdxImages.FASHION_MNIST_DEBIAN;
        Assumptions.assumeTrue(Files.isDirectory(p), "dataset-fashion-mnist not installed");
        ImageSet test = IdxImages.fashionMnist(p, Split.TEST);
        assertEquals(10_000, test.count());
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            perClass[l]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(1000, perClass[c], "Fashion-MNIST's test set has 1000 images per class");
        }
        LabelledImages grey = IdxReader.read(p, "t10k");
        for (int i : new int[] {0, 4321, 9999}) {
            for (int k = 0; k < 784; k += 37) {
                assertEquals(grey.pixels()[i * 784 + k], test.pixel(i, 2, 2 + k / 28, 2 + k % 28));
            }
        }
        // statistics of the 28x28 test images diluted by the zero border: 784/1024 of the mean
        Normalization n = Normalization.of(test);
        double mean28 = 0;
        for (float v : grey.pixels()) {
            mean28 += v;
        }
        mean28 /= grey.pixels().length * 255.0;
        assertEquals(mean28 * 784 / 1024, n.mean()[0], 1e-9);
        assertEquals(0.2868, mean28, 0.001); // the published Fashion-MNIST test mean
        ImageSet train = IdxImages.fashionMnist(p, Split.TRAIN);
        assertEquals(60_000, train.count());
        try (BatchStream s = BatchLoader.builder(ImageSetSource.train(train, Normalization.of(train))).batchSize(256).seed(3).threads(2).build()
                .stream(0, 0)) {
            Batch b = s.next();
            assertEquals(256 * 3 * 32 * 32, b.images().length);
        }
    }
}
