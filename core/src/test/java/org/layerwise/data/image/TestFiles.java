package org.layerwise.data.image;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.function.Executable;
import org.layerwise.data.DataException;

/** Writers for small files in the real formats, with pixels that encode their position. */
final class TestFiles {
    private TestFiles() {
    }

    /** Pixel byte {@code j} (0..3071) of CIFAR image {@code i}: distinct across images and positions. */
    static int cifarPixel(int i, int j) {
        return (i * 31 + j * 7 + j / 1024 * 101) % 256;
    }

    static int cifar10Label(int i) {
        return (i * 3 + 1) % 10;
    }

    static int cifar100Fine(int i) {
        return (i * 37 + 5) % 100;
    }

    static int cifar100Coarse(int i) {
        return (i * 7 + 2) % 20;
    }

    /** CIFAR-10 binary files, {@code records} per file; image i of the training set is in file i / records. */
    static void writeCifar10(Path dir, int records) throws IOException {
        Files.createDirectories(dir);
        for (int f = 0; f < 6; f++) {
            byte[] b = new byte[records * 3073];
            for (int r = 0; r < records; r++) {
                int i = f < 5 ? f * records + r : 1000 + r;
                b[r * 3073] = (byte) cifar10Label(i);
                for (int j = 0; j < 3072; j++) {
                    b[r * 3073 + 1 + j] = (byte) cifarPixel(i, j);
                }
            }
            Files.write(dir.resolve(f < 5 ? "data_batch_" + (f + 1) + ".bin" : "test_batch.bin"), b);
        }
    }

    /** CIFAR-100 train.bin ({@code train} records) and test.bin ({@code test}, images numbered from 1000). */
    static void writeCifar100(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        for (int f = 0; f < 2; f++) {
            int records = f == 0 ? train : test;
            byte[] b = new byte[records * 3074];
            for (int r = 0; r < records; r++) {
                int i = f == 0 ? r : 1000 + r;
                b[r * 3074] = (byte) cifar100Coarse(i);
                b[r * 3074 + 1] = (byte) cifar100Fine(i);
                for (int j = 0; j < 3072; j++) {
                    b[r * 3074 + 2 + j] = (byte) cifarPixel(i, j);
                }
            }
            Files.write(dir.resolve(f == 0 ? "train.bin" : "test.bin"), b);
        }
    }

    /** Asserts a one-line DataException whose message contains every part. */
    static DataException oneLine(Executable call, String... parts) {
        DataException e = assertThrows(DataException.class, call);
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), m);
        assertFalse(m.contains("null") || m.contains("For input string"), m);
        for (String p : parts) {
            assertTrue(m.contains(p), "expected '" + p + "' in: " + m);
        }
        return e;
    }
}
