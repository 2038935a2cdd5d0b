package org.layerwise.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A float32 .npy file that grows along its first axis as rows are produced, so a table of
 * (epochs x entries x layers) goes to disk as it is made and is never held in memory. The header is
 * written with room to spare and rewritten with the current row count on every {@link #flush()}, so
 * the file is a valid .npy (loadable with numpy.load) after each flush.
 *
 * <p>Resuming after a kill: the writer's checkpoint stores {@link #rows()} at the time of a flush;
 * {@link #resume} truncates the file back to exactly that many rows, so rows written after the last
 * checkpoint are dropped and then written again, identically, by the resumed run.
 */
public final class NpyAppender implements Closeable {
    /** Bytes reserved for the magic, version, length and header dict: enough for any shape we write. */
    private static final int HEADER = 256;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private final Path path;
    private final int[] rowShape;
    private final int rowLength;
    private final FileChannel ch;
    private final ByteBuffer buf;
    private long rows;        // rows accepted (some may still be in buf)
    private long flushedRows; // rows on disk

    private NpyAppender(Path path, int[] rowShape, FileChannel ch, long rows) {
        this.path = path;
        this.rowShape = rowShape.clone();
        long n = 1;
        for (int s : rowShape) {
            if (s < 1) {
                throw new IllegalArgumentException("row shape " + Arrays.toString(rowShape) + " has an empty axis");
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("row of " + n + " values is too large");
        }
        this.rowLength = (int) n;
        this.ch = ch;
        this.rows = rows;
        this.flushedRows = rows;
        this.buf = ByteBuffer.allocate(Math.max(rowLength * 4, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A new, empty file (an existing one is replaced). */
    public static NpyAppender create(Path path, int... rowShape) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING);
            NpyAppender a = new NpyAppender(path, rowShape, ch, 0);
            a.writeHeader();
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + path + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Reopens a file written by this class and truncates it to {@code rows} rows. Fails if the file
     * holds fewer rows than that or has another row shape: the caller then starts the run over.
     */
    public static NpyAppender resume(Path path, long rows, int... rowShape) {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
            NpyAppender a = new NpyAppender(path, rowShape, ch, rows);
            long need = HEADER + rows * a.rowLength * 4L;
            long size = ch.size();
            if (size < need) {
                ch.close();
                throw new IOException("holds " + size + " bytes, fewer than the " + rows + " checkpointed rows need (" + need + ")");
            }
            ch.truncate(need);
            a.writeHeader();
            return a;
        } catch (IOException e) {
            throw new UncheckedIOException("could not resume " + path + ": " + IoErrors.describe(e), e);
        }
    }

    public long rows() {
        return rows;
    }

    public Path path() {
        return path;
    }

    /** Appends one row (converted to float32); its length must match the row shape. */
    public void append(double[] row) {
        check(row.length);
        for (double v : row) {
            if (buf.remaining() < 4) {
                drain();
            }
            buf.putFloat((float) v);
        }
        rows++;
    }

    public void append(float[] row) {
        check(row.length);
        for (float v : row) {
            if (buf.remaining() < 4) {
                drain();
            }
            buf.putFloat(v);
        }
        rows++;
    }

    private void check(int n) {
        if (n != rowLength) {
            throw new IllegalArgumentException(path + ": row of " + n + " values, expected " + rowLength);
        }
    }

    private void drain() {
        try {
            buf.flip();
            long pos = ch.size();
            while (buf.hasRemaining()) {
                pos += ch.write(buf, pos);
            }
            buf.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path + ": " + IoErrors.describe(e), e);
        }
    }

    /** Writes buffered rows and the header with the current row count, and forces both to disk. */
    public void flush() {
        drain();
        try {
            flushedRows = rows;
            writeHeader();
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path + ": " + IoErrors.describe(e), e);
        }
    }

    private void writeHeader() throws IOException {
        StringBuilder shape = new StringBuilder("(").append(flushedRows);
        for (int s : rowShape) {
            shape.append(", ").append(s);
        }
        shape.append(rowShape.length == 0 ? ",)" : ")");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = HEADER - (MAGIC.length + 4 + dict.length() + 1);
        if (pad < 0) {
            throw new IOException("shape too long for the reserved header");
        }
        byte[] text = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text).flip();
        long pos = 0;
        while (h.hasRemaining()) {
            pos += ch.write(h, pos);
        }
    }

    @Override
    public void close() {
        try {
            flush();
        } finally {
            try {
                ch.close();
            } catch (IOException e) {
                // closing after a successful force loses nothing
            }
        }
    }
}
