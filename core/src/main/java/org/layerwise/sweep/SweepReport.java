package org.layerwise.sweep;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.layerwise.io.AtomicFiles;
import org.layerwise.report.Chart;
import org.layerwise.study.Headline;
import org.layerwise.study.StudyFiles;

/**
 * A sweep's own report.html: self-contained (the plot is inline SVG, no scripts, no external files),
 * plain tables of the entries and the runs, links to each entry's own report, and one cross-run
 * plot: the figure each entry's study names as its {@link Headline} (else the first summary figure
 * with an interval) with its interval against the first numeric axis, one series per value of
 * the other axes. Only draws and lays out what {@link SweepCollect} gathered; computes nothing.
 */
final class SweepReport {
    private SweepReport() {
    }

    static Path write(SweepFolder sweep, SweepStatus.Report status, List<String> entryColumns, List<List<Object>> entryRows, List<Headline> headlines,
                      List<String> runColumns, List<List<Object>> runRows, Map<String, String> notAnalysed) {
        Manifest m = status.manifest();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>sweep ").append(esc(m.sweep())).append("</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;font-size:12px}")
                .append("td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f3f3f3}td.t{text-align:left}")
                .append(".failed{color:#b00}.small{color:#666;font-size:12px}</style></head><body>\n");
        h.append("<h1>Sweep ").append(esc(m.sweep())).append("</h1>\n");
        h.append("<p>Study <b>").append(esc(m.study())).append("</b>; ").append(m.entries().size()).append(" entries, ").append(m.size())
                .append(" runs; axes: ").append(esc(m.axes().isEmpty() ? "none" : String.join(", ", m.axes()))).append("<br>")
                .append(esc(SweepStatus.countsLine(status))).append("<br>compute planned: at most ").append(CostModel.amount(m.totalCost())).append(' ')
                .append(esc(m.costUnit())).append("</p>\n");
        h.append("<p class=\"small\">Spec: ").append(esc(m.source())).append(". Collected ").append(Instant.now()).append(" from the run folders"
                + " (a run counts only when its result.json verifies). Tables: <a href=\"runs.csv\">runs.csv</a>, <a href=\"runs.json\">runs.json</a>,"
                + " <a href=\"entries.csv\">entries.csv</a>, <a href=\"entries.json\">entries.json</a>.</p>\n");
        String plot = plot(sweep, m, entryColumns, entryRows, headlines);
        if (plot != null) {
            h.append("<h2>Across the sweep</h2>\n").append(plot).append('\n');
        }
        h.append("<h2>Entries</h2>\n<table><tr>");
        List<Integer> shown = entryColumnsShown(entryColumns, headlines);
        for (int i : shown) {
            h.append("<th>").append(esc(entryColumns.get(i))).append("</th>");
        }
        h.append("<th>report</th></tr>\n");
        for (int r = 0; r < entryRows.size(); r++) {
            List<Object> row = entryRows.get(r);
            h.append("<tr>");
            for (int i : shown) {
                Object v = row.get(i);
                h.append(v instanceof Number ? "<td>" : "<td class=\"t\">").append(esc(SweepCollect.cell(v))).append("</td>");
            }
            Manifest.Entry e = m.entries().get(r);
            String link = sweep.dir().toAbsolutePath().normalize().relativize(SweepCollect.entryReport(sweep, m, e).toAbsolutePath().normalize())
                    .toString();
            h.append("<td class=\"t\">").append(notAnalysed.containsKey(e.id()) ? esc(notAnalysed.get(e.id()))
                    : "<a href=\"" + esc(link) + "\">report</a>").append("</td></tr>\n");
        }
        h.append("</table>\n");
        List<SweepStatus.Run> attention = new ArrayList<>();
        for (SweepStatus.State s : List.of(SweepStatus.State.FAILED, SweepStatus.State.DAMAGED)) {
            attention.addAll(status.in(s));
        }
        if (!attention.isEmpty()) {
            h.append("<h2>Runs that need attention</h2>\n<ul>\n");
            for (SweepStatus.Run r : attention) {
                h.append("<li class=\"failed\">").append(esc(r.slot().key())).append(": ").append(esc(r.state().word())).append(r.detail().isEmpty()
                        ? "" : " (" + esc(r.detail()) + ")").append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("<h2>Runs</h2>\n");
        if (runRows.size() > HTML_ROWS) {
            h.append("<p class=\"small\">The first ").append(HTML_ROWS).append(" of ").append(runRows.size()).append(" runs; all are in runs.csv.</p>\n");
        }
        h.append("<table><tr>");
        runColumns.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>\n");
        for (List<Object> row : runRows.subList(0, Math.min(HTML_ROWS, runRows.size()))) {
            h.append("<tr>");
            for (Object v : row) {
                h.append(v instanceof Number ? "<td>" : "<td class=\"t\">").append(esc(SweepCollect.cell(v))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        Path out = sweep.dir().resolve(StudyFiles.REPORT);
        AtomicFiles.writeString(out, h.toString());
        return out;
    }

    private static final int HTML_ROWS = 2000;

    /** Entry columns for the HTML table: identity, counts, and the headline figures the study names (the full set is in entries.csv). */
    private static List<Integer> entryColumnsShown(List<String> columns, List<Headline> headlines) {
        List<Integer> out = new ArrayList<>();
        int figures = 0;
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            boolean headline = headlines.stream().anyMatch(h -> h.shows(c));
            if (i < columns.indexOf("analysed") + 1 || headline && figures++ < 24) {
                out.add(i);
            }
        }
        return out;
    }

    /** The cross-run plot as inline SVG (also saved as PNG and SVG beside the report), or null when there is nothing to draw. */
    private static String plot(SweepFolder sweep, Manifest m, List<String> columns, List<List<Object>> rows, List<Headline> headlines) {
        // the headline: the figure each entry's study names, else the first figure with an interval
        String generic = null;
        for (String c : columns) {
            if (c.endsWith(".value") && columns.contains(c.replaceFirst("\\.value$", ".lower"))) {
                generic = c.replaceFirst("\\.value$", "");
                break;
            }
        }
        String fallback = generic;
        java.util.function.IntFunction<Headline> named = r -> {
            Headline h = headlines.get(r);
            return h.figure() != null && columns.contains(h.figure() + ".value") ? h : null;
        };
        java.util.function.IntFunction<String> figureOf = r -> named.apply(r) != null ? named.apply(r).figure() : fallback;
        int first = -1;
        for (int r = 0; r < rows.size() && first < 0; r++) {
            if (figureOf.apply(r) != null) {
                first = r;
            }
        }
        if (first < 0) {
            return null;
        }
        String figure = figureOf.apply(first);
        boolean mixed = false;
        for (int r = 0; r < rows.size(); r++) {
            String f = figureOf.apply(r);
            mixed |= f != null && !f.equals(figure);
        }
        Headline lead = null; // the first entry whose study names its figure: how the plot names it
        for (int r = 0; r < rows.size() && lead == null; r++) {
            lead = named.apply(r);
        }
        boolean renamed = mixed && lead != null && lead.mixedName() != null;
        String shownFigure = renamed ? lead.mixedName() : figure;
        String name = renamed ? lead.mixedName() : lead != null && lead.figure().equals(figure) && lead.name() != null ? lead.name() : figure;
        String xAxis = null;
        for (String a : m.axes()) {
            if (m.entries().stream().allMatch(e -> e.axisValues().get(a) instanceof Number)) {
                xAxis = a;
                break;
            }
        }
        String axisName = xAxis;
        Map<String, List<double[]>> groups = new LinkedHashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            Manifest.Entry e = m.entries().get(r);
            String f = figureOf.apply(r);
            if (f == null) {
                continue;
            }
            int vi = columns.indexOf(f + ".value");
            int lo = columns.indexOf(f + ".lower");
            int hi = columns.indexOf(f + ".upper");
            double v = num(rows.get(r).get(vi));
            if (!Double.isFinite(v)) {
                continue;
            }
            double x = axisName == null ? r + 1 : ((Number) e.axisValues().get(axisName)).doubleValue();
            List<String> others = new ArrayList<>();
            e.axisValues().forEach((k, val) -> {
                if (!k.equals(axisName)) {
                    others.add(k + "=" + val);
                }
            });
            String group = others.isEmpty() ? name : String.join(", ", others);
            groups.computeIfAbsent(axisName == null ? name : group, k -> new ArrayList<>())
                    .add(new double[] {x, v, lo >= 0 ? num(rows.get(r).get(lo)) : Double.NaN, hi >= 0 ? num(rows.get(r).get(hi)) : Double.NaN});
        }
        if (groups.isEmpty()) {
            return null;
        }
        boolean logX = axisName != null && groups.values().stream().flatMap(List::stream).allMatch(p -> p[0] > 0)
                && groups.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(1)
                >= 10 * groups.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).min().orElse(1);
        Chart chart = new Chart(name + " across the sweep, with its 95% interval",
                axisName == null ? "x: entry number, in the order of the entries table" : "one series per value of the other axes",
                axisName == null ? "entry" : axisName, shownFigure, logX, false);
        int color = 0;
        for (var g : groups.entrySet()) {
            List<double[]> pts = g.getValue();
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
            chart.add(new Chart.Series(g.getKey(), x, pts.stream().mapToDouble(p -> p[1]).toArray(), true, true, color));
            if (pts.stream().anyMatch(p -> Double.isFinite(p[2]))) {
                chart.add(new Chart.Series(g.getKey() + ": lower", x, pts.stream().mapToDouble(p -> p[2]).toArray(), true, false, color));
                chart.add(new Chart.Series(g.getKey() + ": upper", x, pts.stream().mapToDouble(p -> p[3]).toArray(), true, false, color));
            }
            color++;
        }
        String file = name.replace(' ', '_').replaceAll("[^A-Za-z0-9_-]", "_") + "-vs-" + (axisName == null ? "entry" : axisName.replaceAll("[^A-Za-z0-9_-]", "_"));
        String svg = chart.save(sweep.dir(), file);
        return svg + String.format(Locale.ROOT, "<p class=\"small\">%s (value, and the lower and upper ends of its interval as thin lines of the"
                + " same colour) for each analysed entry; also <a href=\"%s.png\">%s.png</a>.</p>", esc(shownFigure), esc(file), esc(file));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
