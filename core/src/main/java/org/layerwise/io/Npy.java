package org.layerwise.io;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy .npy files (format version 1.0, little-endian float32 or float64, C order), so weights load in
 * Python with {@code numpy.load} and no Java.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {
    }

    /** An n-dimensional array read back from a .npy file, always widened to double. */
    public record Array(int[] shape, double[] data) {
        public int size() {
            return data.length;
        }
    }

    public static void writeFloat32(Path path, double[] data, int... shape) {
        write(path, data, shape, "<f4", 4);
    }

    public static void writeFloat64(Path path, double[] data, int... shape) {
        write(path, data, shape, "<f8", 8);
    }

    private static void write(Path path, double[] data, int[] shape, String descr, int width) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + data.length);
        }
        StringBuilder dims = new StringBuilder();
        for (int s : shape) {
            dims.append(s).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(path, out -> {
            out.write(MAGIC);
            out.write(1);
            out.write(0);
            out.write(headerBytes.length & 0xFF);
            out.write((headerBytes.length >>> 8) & 0xFF);
            out.write(headerBytes);
            ByteBuffer buf = ByteBuffer.allocate(8192 * width).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : data) {
                if (width == 4) {
                    buf.putFloat((float) v);
                } else {
                    buf.putDouble(v);
                }
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
            out.write(buf.array(), 0, buf.position());
        });
    }

    /**
     * From a float32 array of shape (R, E, L), the (R, L) slab of index {@code e} on the middle axis,
     * read row by row (the file may be far larger than memory).
     */
    public static double[][] readMiddleSlab(Path path, int e) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(pre, 0);
            if (pre.position() < 10 || !Arrays.equals(Arrays.copyOf(pre.array(), 6), MAGIC)) {
                throw new IOException("not a .npy file");
            }
            int major = pre.get(6);
            if (major != 1) {
                throw new IOException("unsupported .npy version " + major);
            }
            int headerLen = pre.getShort(8) & 0xFFFF;
            ByteBuffer hb = ByteBuffer.allocate(headerLen);
            ch.read(hb, 10);
            String header = new String(hb.array(), StandardCharsets.US_ASCII);
            Matcher s = SHAPE.matcher(header);
            if (!header.contains("'<f4'") || !s.find()) {
                throw new IOException("expected a float32 array, found header " + header.trim());
            }
            long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty()).mapToLong(Long::parseLong).toArray();
            if (shape.length != 3 || e < 0 || e >= shape[1]) {
                throw new IOException("expected shape (rows, entries, layers) with entry " + e + ", found " + Arrays.toString(shape));
            }
            int rows = (int) shape[0];
            int layers = (int) shape[2];
            long data = 10 + headerLen;
            if (ch.size() < data + 4L * rows * shape[1] * layers) {
                throw new IOException("truncated: " + ch.size() + " bytes for shape " + Arrays.toString(shape));
            }
            double[][] out = new double[rows][layers];
            ByteBuffer b = ByteBuffer.allocate(4 * layers).order(ByteOrder.LITTLE_ENDIAN);
            for (int r = 0; r < rows; r++) {
                b.clear();
                long pos = data + 4L * ((long) r * shape[1] + e) * layers;
                while (b.hasRemaining()) {
                    if (ch.read(b, pos + b.position()) < 0) {
                        throw new IOException("truncated");
                    }
                }
                b.flip();
                for (int k = 0; k < layers; k++) {
                    out[r][k] = b.getFloat();
                }
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException("could not read " + path + ": " + ex.getMessage(), ex);
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|]?)([fi])(\\d)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");

    public static Array read(Path path) {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(path))) {
            DataInputStream din = new DataInputStream(in);
            byte[] magic = new byte[6];
            din.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a .npy file");
            }
            int major = din.readUnsignedByte();
            din.readUnsignedByte();
            int headerLen;
            if (major == 1) {
                headerLen = din.readUnsignedByte() | (din.readUnsignedByte() << 8);
            } else {
                byte[] b = new byte[4];
                din.readFully(b);
                headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
            }
            byte[] hb = new byte[headerLen];
            din.readFully(hb);
            String header = new String(hb, StandardCharsets.US_ASCII);
            Matcher d = DESCR.matcher(header);
            Matcher s = SHAPE.matcher(header);
            Matcher f = FORTRAN.matcher(header);
            if (!d.find() || !s.find() || !f.find()) {
                throw new IOException("unreadable .npy header: " + header.trim());
            }
            if (f.group(1).equals("True")) {
                throw new IOException("Fortran-ordered arrays are not supported");
            }
            ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            char kind = d.group(2).charAt(0);
            int width = Integer.parseInt(d.group(3));
            int[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(t -> !t.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            int n = 1;
            for (int v : shape) {
                n *= v;
            }
            byte[] raw = din.readNBytes(n * width);
            if (raw.length != n * width) {
                throw new IOException("truncated .npy data: expected " + n * width + " bytes, found " + raw.length);
            }
            ByteBuffer buf = ByteBuffer.wrap(raw).order(order);
            double[] data = new double[n];
            for (int i = 0; i < n; i++) {
                data[i] = switch (kind + "" + width) {
                    case "f4" -> buf.getFloat();
                    case "f8" -> buf.getDouble();
                    case "i4" -> buf.getInt();
                    case "i8" -> buf.getLong();
                    default -> throw new IOException("unsupported dtype " + kind + width);
                };
            }
            return new Array(shape, data);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + path + ": " + e.getMessage(), e);
        }
    }
}
