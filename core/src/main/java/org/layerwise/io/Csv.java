package org.layerwise.io;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small CSV tables written whole and atomically (summaries: metrics.csv, fits.csv), streamed row by
 * row to the file rather than built as one string, and read back as numeric columns.
 */
public final class Csv {
    private Csv() {
    }

    public static void write(Path path, List<String> header, List<? extends List<?>> rows) {
        CsvSchema.Builder b = CsvSchema.builder();
        header.forEach(h -> b.addColumn(h, CsvSchema.ColumnType.NUMBER_OR_STRING));
        CsvSchema schema = b.build().withHeader().withLineSeparator("\n");
        AtomicFiles.write(path, out -> {
            try (SequenceWriter w = CsvTable.MAPPER.writer(schema).writeValues(new java.io.FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush(); // AtomicFiles closes the file itself, after forcing it
                }
            })) {
                for (List<?> row : rows) {
                    w.write(row);
                }
            }
        });
    }

    /** A table read back: its header and each column parsed as numbers (empty or non-numeric cells are NaN). */
    public record Columns(List<String> header, double[][] values) {
        public double[] column(String name) {
            int i = header.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no column '" + name + "' in " + header);
            }
            return values[i];
        }

        public int rows() {
            return values.length == 0 ? 0 : values[0].length;
        }
    }

    public static Columns readColumns(Path path) {
        try (MappingIterator<List<String>> it = CsvTable.MAPPER.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(path.toFile())) {
            if (!it.hasNext()) {
                throw new java.io.IOException("empty table");
            }
            List<String> header = it.next();
            List<double[]> rows = new ArrayList<>();
            int line = 1;
            while (it.hasNext()) {
                List<String> r = it.next();
                line++;
                if (r.size() != header.size()) {
                    throw new java.io.IOException("line " + line + " has " + r.size() + " cells, the header " + header.size());
                }
                double[] v = new double[r.size()];
                for (int c = 0; c < v.length; c++) {
                    v[c] = number(r.get(c));
                }
                rows.add(v);
            }
            double[][] cols = new double[header.size()][rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                for (int c = 0; c < header.size(); c++) {
                    cols[c][i] = rows.get(i)[c];
                }
            }
            return new Columns(header, cols);
        } catch (IOException | RuntimeException e) {
            String m = e instanceof IOException io ? IoErrors.describe(io) : e.getMessage();
            throw new UncheckedIOException("could not read table " + path + ": " + m,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static double number(String s) {
        if (s == null || s.isEmpty()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
