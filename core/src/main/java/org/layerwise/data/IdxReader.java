package org.layerwise.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * MNIST-format IDX files (images: magic 0x803, labels: 0x801), plain or gzipped, e.g. Debian's
 * dataset-fashion-mnist under /usr/share/datasets/fashion-mnist/.
 *
 * <p>Headers are checked before anything is allocated: a wrong magic number, a negative or zero
 * size, or a count larger than the file holds stops with one line naming the file. For a plain file
 * the size is compared with the header before reading; a gzipped file is read in chunks, so a
 * header that claims far more images than the file holds never triggers a huge allocation. Bytes
 * after the announced data are an error too: they mean the header does not describe the file.
 */
public final class IdxReader {
    private static final int IMAGE_MAGIC = 0x803;
    private static final int LABEL_MAGIC = 0x801;
    /** The largest Java array, with the headroom the JVM keeps. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private IdxReader() {
    }

    /**
     * Images and labels as read, uint8 pixels row-major (count x rows x cols), with the files they
     * came from (for messages about their content).
     */
    public record Raw(int count, int rows, int cols, byte[] pixels, int[] labels, Path imagesFile, Path labelsFile) {
    }

    /** Reads {@code <dir>/<prefix>-images-idx3-ubyte[.gz]} and the matching labels file. */
    public static LabelledImages read(Path dir, String prefix) {
        Raw raw = readRaw(dir, prefix);
        float[] px = new float[raw.pixels().length];
        for (int i = 0; i < px.length; i++) {
            px[i] = raw.pixels()[i] & 0xFF;
        }
        return new LabelledImages(raw.count(), raw.rows(), raw.cols(), px, raw.labels());
    }

    /** As {@link #read}, keeping the pixels as bytes (a quarter of the memory). */
    public static Raw readRaw(Path dir, String prefix) {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        byte[] lraw = readFile(labels, LABEL_MAGIC, 1, "label");
        int n = lraw.length;
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            lab[i] = lraw[i] & 0xFF;
        }
        int[] shape = new int[3];
        byte[] pixels = readImages(images, shape);
        if (shape[0] != n) {
            throw new DataException(images + " holds " + shape[0] + " images but " + labels + " holds " + n + " labels");
        }
        return new Raw(n, shape[1], shape[2], pixels, lab, images, labels);
    }

    /** Whether {@code dir} holds both files of {@code prefix}, plain or gzipped. */
    public static boolean present(Path dir, String prefix) {
        return locate(dir, prefix + "-images-idx3-ubyte") != null && locate(dir, prefix + "-labels-idx1-ubyte") != null;
    }

    private static byte[] readImages(Path file, int[] shape) {
        return readFile(file, IMAGE_MAGIC, 3, "image", shape);
    }

    private static byte[] readFile(Path file, int magic, int dims, String kind) {
        return readFile(file, magic, dims, kind, new int[dims]);
    }

    /**
     * Reads one IDX file whose magic must be {@code magic} (unsigned bytes, {@code dims} dimensions),
     * fills {@code shape} from the header and returns the data, checked to be exactly what the
     * header announces.
     */
    private static byte[] readFile(Path file, int magic, int dims, String kind, int[] shape) {
        try (InputStream in = open(file)) {
            byte[] header = in.readNBytes(4 + 4 * dims);
            if (header.length < 4) {
                throw new DataException(file + ": not an IDX " + kind + " file (" + header.length + " bytes, shorter than the 4-byte magic number)");
            }
            int found = intAt(header, 0);
            if (found != magic) {
                throw new DataException(file + ": not an IDX " + kind + " file (magic number 0x" + hex(found) + ", expected 0x" + hex(magic) + ")");
            }
            if (header.length < 4 + 4 * dims) {
                throw new DataException(file + ": truncated IDX header (" + header.length + " bytes, expected " + (4 + 4 * dims) + ")");
            }
            long total = 1;
            String[] names = dims == 1 ? new String[] {"count"} : new String[] {"count", "rows", "columns"};
            for (int d = 0; d < dims; d++) {
                shape[d] = intAt(header, 4 + 4 * d);
            }
            for (int d = 0; d < dims; d++) {
                if (shape[d] <= 0) {
                    throw new DataException(file + ": IDX header gives " + names[d] + " " + shape[d] + ", expected a positive number");
                }
                total *= shape[d];
                if (total > MAX_ARRAY) {
                    throw new DataException(file + ": IDX header announces " + describe(shape, dims) + " = more than " + MAX_ARRAY
                            + " bytes, too many to be a real data set (damaged header?)");
                }
            }
            if (!file.toString().endsWith(".gz")) {
                long have = Files.size(file) - header.length;
                if (have != total) {
                    throw new DataException(file + ": IDX header announces " + describe(shape, dims) + " = " + total
                            + " bytes of data, but the file holds " + have + " (" + (have < total ? "truncated" : "extra bytes, wrong header") + ")");
                }
            }
            // readNBytes grows its buffer as data arrives, so a lying header costs no memory up front
            byte[] data;
            try {
                data = in.readNBytes((int) total);
            } catch (EOFException e) {
                throw new DataException(file + ": truncated: IDX header announces " + describe(shape, dims) + " = " + total
                        + " bytes of data, the compressed stream ends before", e);
            }
            if (data.length < total) {
                throw new DataException(file + ": truncated: IDX header announces " + describe(shape, dims) + " = " + total
                        + " bytes of data, the file holds only " + data.length);
            }
            if (in.read() != -1) {
                throw new DataException(file + ": holds more data than its IDX header announces (" + describe(shape, dims) + "): wrong header");
            }
            return data;
        } catch (EOFException e) {
            throw new DataException(file + ": truncated (the compressed stream ends inside the IDX header)", e);
        } catch (ZipException e) {
            throw new DataException(file + ": damaged gzip data (" + oneLine(e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new DataException("could not read " + file + ": " + oneLine(e.getMessage()), e);
        }
    }

    private static String describe(int[] shape, int dims) {
        return dims == 1 ? shape[0] + " labels" : shape[0] + " images of " + shape[1] + "x" + shape[2];
    }

    private static int intAt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }

    static String oneLine(String message) {
        return message == null ? "no details" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static Path locate(Path dir, String stem) {
        for (String name : new String[] {stem, stem + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path find(Path dir, String stem) {
        Path p = locate(dir, stem);
        if (p == null) {
            throw new DataException("data file missing: " + dir.resolve(stem) + "[.gz]"
                    + " (for Fashion-MNIST: apt-get install dataset-fashion-mnist)");
        }
        return p;
    }

    private static InputStream open(Path p) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 1 << 16);
        if (p.toString().endsWith(".gz")) {
            try {
                in = new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                in.close();
                throw e;
            }
        }
        return in;
    }
}
