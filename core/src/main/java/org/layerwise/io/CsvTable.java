package org.layerwise.io;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * A CSV table written row by row as training produces it (Jackson's streaming CSV writer), so a
 * long run's table is never held in memory. {@link #flush()} returns the byte length of the table on
 * disk; a checkpoint stores it, and {@link #resume} truncates the file back to it, so a resumed run's
 * table is the same as an uninterrupted one's.
 */
public final class CsvTable implements Closeable {
    static final CsvMapper MAPPER = new CsvMapper();

    private final Path path;
    private final FileChannel ch;
    private final CountingStream counter;
    private final SequenceWriter writer;
    private final int columns;

    private CsvTable(Path path, List<String> header, FileChannel ch, long offset, boolean writeHeader) throws IOException {
        this.path = path;
        this.ch = ch;
        this.columns = header.size();
        this.counter = new CountingStream(new java.io.BufferedOutputStream(Channels.newOutputStream(ch.position(offset)), 1 << 16), offset);
        CsvSchema.Builder b = CsvSchema.builder();
        header.forEach(h -> b.addColumn(h, CsvSchema.ColumnType.NUMBER_OR_STRING));
        CsvSchema schema = b.build().withLineSeparator("\n");
        this.writer = MAPPER.writer(writeHeader ? schema.withHeader() : schema.withoutHeader()).writeValues(counter);
    }

    /** A new table with its header row (an existing file is replaced). */
    public static CsvTable create(Path path, List<String> header) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            CsvTable t = new CsvTable(path, header, ch, 0, true);
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + path + ": " + IoErrors.describe(e), e);
        }
    }

    /** Reopens a table at the byte length a checkpoint recorded, dropping everything after it. */
    public static CsvTable resume(Path path, List<String> header, long offset) {
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE);
            long size = ch.size();
            if (size < offset) {
                ch.close();
                throw new IOException("holds " + size + " bytes, fewer than the " + offset + " the checkpoint recorded");
            }
            ch.truncate(offset);
            return new CsvTable(path, header, ch, offset, offset == 0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not resume " + path + ": " + IoErrors.describe(e), e);
        }
    }

    /** One row; its cells in header order (null is an empty cell, doubles in Java's shortest form). */
    public void row(Object... cells) {
        row(Arrays.asList(cells));
    }

    public void row(List<?> cells) {
        if (cells.size() != columns) {
            throw new IllegalArgumentException(path + ": row of " + cells.size() + " cells, header has " + columns);
        }
        try {
            writer.write(cells);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path + ": " + IoErrors.describe(e), e);
        }
    }

    /** Forces every row written so far to disk and returns the table's length in bytes. */
    public long flush() {
        try {
            writer.flush();
            counter.flush();
            ch.force(false);
            return counter.count;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path + ": " + IoErrors.describe(e), e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            flush();
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + path + ": " + IoErrors.describe(e), e);
        } finally {
            try {
                ch.close();
            } catch (IOException e) {
                // forced above
            }
        }
    }

    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out, long start) {
            super(out);
            this.count = start;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush(); // the channel is closed by the table
        }
    }
}
