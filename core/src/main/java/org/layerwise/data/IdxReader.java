package org.layerwise.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * MNIST-format IDX files (images: magic 0x803, labels: 0x801), plain or gzipped, e.g. Debian's
 * dataset-fashion-mnist under /usr/share/datasets/fashion-mnist/.
 */
public final class IdxReader {
    private IdxReader() {
    }

    /** Reads {@code <dir>/<prefix>-images-idx3-ubyte[.gz]} and the matching labels file. */
    public static LabelledImages read(Path dir, String prefix) {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        try (DataInputStream im = open(images); DataInputStream lb = open(labels)) {
            int magic = im.readInt();
            if (magic != 0x803) {
                throw new DataException(images + " is not an IDX image file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = im.readInt();
            int rows = im.readInt();
            int cols = im.readInt();
            if (lb.readInt() != 0x801) {
                throw new DataException(labels + " is not an IDX label file");
            }
            int nl = lb.readInt();
            if (nl != n) {
                throw new DataException(images + " holds " + n + " images but " + labels + " holds " + nl + " labels");
            }
            byte[] raw = new byte[n * rows * cols];
            im.readFully(raw);
            float[] px = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                px[i] = raw[i] & 0xFF;
            }
            byte[] lraw = new byte[n];
            lb.readFully(lraw);
            int[] lab = new int[n];
            for (int i = 0; i < n; i++) {
                lab[i] = lraw[i] & 0xFF;
            }
            return new LabelledImages(n, rows, cols, px, lab);
        } catch (IOException e) {
            throw new DataException("could not read IDX data in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Path find(Path dir, String stem) {
        for (String name : new String[] {stem, stem + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataException("data file missing: " + dir.resolve(stem) + "[.gz]"
                + " (for Fashion-MNIST: apt-get install dataset-fashion-mnist)");
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        if (p.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(in);
    }
}
