package org.layerwise.io;

import java.nio.file.Path;
import java.util.List;

/** Columnar metrics as CSV: one header row, then one row per record. */
public final class Csv {
    private Csv() {
    }

    public static void write(Path path, List<String> header, List<List<?>> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", header)).append('\n');
        for (List<?> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(cell(row.get(i)));
            }
            sb.append('\n');
        }
        AtomicFiles.writeString(path, sb.toString());
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? Double.toString(d) : (d.isNaN() ? "nan" : (d > 0 ? "inf" : "-inf"));
        }
        String s = v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
