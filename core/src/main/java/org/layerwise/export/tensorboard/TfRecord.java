package org.layerwise.export.tensorboard;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * The TFRecord framing of TensorBoard's event files: each record is its length as a little-endian
 * uint64, the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data
 * (TensorFlow's {@code core/lib/io/record_writer.cc}; the mask is {@code crc32c.h}'s Mask).
 */
public final class TfRecord {
    /** The constant TensorFlow adds to the rotated CRC. */
    static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {
    }

    /** The masked CRC32C (Castagnoli) of {@code len} bytes: ((crc >>> 15) | (crc << 17)) + 0xa282ead8, modulo 2^32. */
    public static int maskedCrc32c(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Writes one record holding {@code data}. */
    public static void write(OutputStream out, byte[] data) throws IOException {
        byte[] header = new byte[12];
        long n = data.length;
        for (int i = 0; i < 8; i++) {
            header[i] = (byte) (n >>> (8 * i));
        }
        putInt(header, 8, maskedCrc32c(header, 0, 8));
        out.write(header);
        out.write(data);
        byte[] footer = new byte[4];
        putInt(footer, 0, maskedCrc32c(data, 0, data.length));
        out.write(footer);
    }

    /** Little-endian, as record_writer.cc's EncodeFixed32. */
    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
