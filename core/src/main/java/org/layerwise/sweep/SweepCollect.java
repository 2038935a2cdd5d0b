package org.layerwise.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.layerwise.io.Csv;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.Json;
import org.layerwise.study.Fingerprints;
import org.layerwise.study.Headline;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyRunner;

/**
 * Gathers a sweep into tables and a report, from the folder alone (any machine that sees it):
 * <ul>
 *   <li>each entry with a finished run is analysed by its study ({@link StudyRunner#report}: its own
 *       summary.json and report.html), unless its runs are still being trained (then it is left for
 *       the next collect) or nothing changed since the last collect;</li>
 *   <li>{@code runs.csv}/{@code runs.json}: one row per run of the sweep: entry, axis values, the run's
 *       own settings (depth, seed ...), its state, and the figures of its verified result.json;</li>
 *   <li>{@code entries.csv}/{@code entries.json}: one row per entry: axis values, coverage and the
 *       scalar figures of its summary (exponents with intervals, regime ...);</li>
 *   <li>{@code report.html}: self-contained, plain tables and one cross-run plot drawn with
 *       {@link Chart} (the figure the study names as its {@link Headline}, with its interval, against a numeric axis).</li>
 * </ul>
 * A run counts only when its result verifies; damaged and partial runs appear with their state and
 * no figures.
 */
public final class SweepCollect {
    /** Marker in an entry folder: what the last analysis saw, so an unchanged entry is not analysed again. */
    static final String COLLECTED = ".sweep-collected.json";
    /** Result fields that are not figures. */
    private static final Set<String> NOT_FIGURES = Set.of("run", "files", "outcome");
    /** A summary read back as the study's own maps. */
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /** What a collect wrote and which entries it could not analyse (with why). */
    public record Result(int entriesAnalysed, Map<String, String> notAnalysed, Path report, List<String> runColumns, List<List<Object>> runRows) {
    }

    private SweepCollect() {
    }

    public static Result collect(SweepFolder sweep, Map<String, String> env, List<String> commandLine, PrintStream log) {
        SweepStatus.Report status = SweepStatus.read(sweep, env);
        Manifest m = status.manifest();
        Study study = m.studyImpl();
        Map<String, JsonNode> summaries = new LinkedHashMap<>();
        Map<String, String> notAnalysed = new LinkedHashMap<>();
        int analysed = 0;
        for (Manifest.Entry e : m.entries()) {
            List<SweepStatus.Run> runs = status.runs().stream().filter(r -> r.slot().entry() == e).toList();
            long complete = runs.stream().filter(r -> r.state() == SweepStatus.State.COMPLETE).count();
            Path dir = sweep.entryDir(e);
            if (complete == 0) {
                notAnalysed.put(e.id(), "no finished run");
                continue;
            }
            String seen = fingerprint(sweep, runs);
            Path marker = dir.resolve(COLLECTED);
            Path summary = study.files().summary(dir);
            boolean current = Files.isRegularFile(summary) && Files.isRegularFile(marker)
                    && seen.equals(readQuietly(marker).path("runs").asText());
            if (!current) {
                ByteArrayOutputStream quiet = new ByteArrayOutputStream();
                try {
                    StudyRunner.report(dir, false, commandLine, new PrintStream(quiet, true, StandardCharsets.UTF_8));
                    Json.write(marker, Map.of("runs", seen));
                    analysed++;
                } catch (EnvironmentException ex) {
                    notAnalysed.put(e.id(), "not analysed now: " + ex.getMessage());
                    continue;
                }
            }
            JsonNode s = readQuietly(summary);
            if (s.isMissingNode()) {
                notAnalysed.put(e.id(), "its summary.json is unreadable");
            } else {
                summaries.put(e.id(), s);
            }
        }
        // the runs table
        List<String> axes = m.axes();
        List<String> runKeys = new ArrayList<>();
        Map<String, Map<String, Object>> runSettings = new LinkedHashMap<>();
        for (Manifest.Entry e : m.entries()) {
            List<RunSpec> plan = study.plan(m.config(e));
            for (int j = 0; j < plan.size(); j++) {
                Map<String, Object> own = new LinkedHashMap<>();
                plan.get(j).settings().forEach((k, v) -> {
                    if (!Objects.equals(e.settings().get(k), v)) {
                        own.put(k, v); // what varies between the runs of one entry: depth, seed index
                    }
                });
                own.keySet().stream().filter(k -> !runKeys.contains(k)).forEach(runKeys::add);
                runSettings.put(e.id() + "/" + plan.get(j).id(), own);
            }
        }
        Map<String, JsonNode> results = new LinkedHashMap<>();
        Set<String> figures = new LinkedHashSet<>();
        for (SweepStatus.Run r : status.runs()) {
            if (r.state() != SweepStatus.State.COMPLETE) {
                continue;
            }
            try {
                JsonNode res = Slurm.runFolder(sweep, r.slot()).result();
                results.put(r.slot().key(), res);
                res.fieldNames().forEachRemaining(f -> {
                    if (!NOT_FIGURES.contains(f) && !runKeys.contains(f) && !axes.contains(f) && res.get(f).isValueNode()) {
                        figures.add(f);
                    }
                });
            } catch (RuntimeException ex) {
                // unreadable since the status was read: listed without figures
            }
        }
        List<String> runColumns = new ArrayList<>(List.of("index", "entry"));
        runColumns.addAll(axes);
        runColumns.add("run");
        runColumns.addAll(runKeys);
        runColumns.add("state");
        runColumns.addAll(figures);
        List<List<Object>> runRows = new ArrayList<>();
        for (SweepStatus.Run r : status.runs()) {
            List<Object> row = new ArrayList<>();
            row.add(r.slot().index());
            row.add(r.slot().entry().id());
            axes.forEach(a -> row.add(r.slot().entry().axisValues().get(a)));
            row.add(r.slot().runId());
            Map<String, Object> own = runSettings.getOrDefault(r.slot().key(), Map.of());
            runKeys.forEach(k -> row.add(own.get(k)));
            row.add(r.state().word());
            JsonNode res = results.get(r.slot().key());
            for (String f : figures) {
                row.add(res == null ? null : value(res.get(f)));
            }
            runRows.add(row);
        }
        writeTable(sweep.dir(), "runs", runColumns, runRows);
        // the entries table
        Set<String> summaryColumns = new LinkedHashSet<>();
        Map<String, Map<String, Object>> flat = new LinkedHashMap<>();
        for (var s : summaries.entrySet()) {
            Map<String, Object> f = new LinkedHashMap<>();
            flatten("", s.getValue(), f, 0);
            flat.put(s.getKey(), f);
            summaryColumns.addAll(f.keySet());
        }
        List<String> entryColumns = new ArrayList<>(List.of("entry"));
        entryColumns.addAll(axes);
        entryColumns.addAll(List.of("runs", "complete", "failed", "analysed"));
        entryColumns.addAll(summaryColumns);
        List<List<Object>> entryRows = new ArrayList<>();
        for (Manifest.Entry e : m.entries()) {
            List<Object> row = new ArrayList<>();
            row.add(e.id());
            axes.forEach(a -> row.add(e.axisValues().get(a)));
            List<SweepStatus.Run> runs = status.runs().stream().filter(r -> r.slot().entry() == e).toList();
            row.add(runs.size());
            row.add(runs.stream().filter(r -> r.state() == SweepStatus.State.COMPLETE).count());
            row.add(runs.stream().filter(r -> r.state() == SweepStatus.State.FAILED).count());
            row.add(flat.containsKey(e.id()) ? "yes" : notAnalysed.getOrDefault(e.id(), "no"));
            Map<String, Object> f = flat.getOrDefault(e.id(), Map.of());
            summaryColumns.forEach(c -> row.add(f.get(c)));
            entryRows.add(row);
        }
        List<Headline> headlines = new ArrayList<>();
        for (Manifest.Entry e : m.entries()) {
            JsonNode s = summaries.get(e.id());
            headlines.add(s == null ? Headline.DEFAULT : study.headline(Json.MAPPER.convertValue(s, MAP)));
        }
        writeTable(sweep.dir(), "entries", entryColumns, entryRows);
        Path report = SweepReport.write(sweep, status, entryColumns, entryRows, headlines, runColumns, runRows, notAnalysed);
        log.printf("collected: %d of %d runs complete; %d entr%s analysed now, %d up to date, %d not analysed%n",
                status.counts().get(SweepStatus.State.COMPLETE), m.size(), analysed, analysed == 1 ? "y" : "ies", summaries.size() - analysed,
                notAnalysed.size());
        notAnalysed.forEach((k, v) -> log.println("  " + k + ": " + v));
        log.println("tables: " + sweep.dir().resolve("runs.csv") + " (one row per run), " + sweep.dir().resolve("entries.csv") + " (one row per entry)");
        log.println("report: " + report.toAbsolutePath());
        return new Result(analysed, notAnalysed, report, runColumns, runRows);
    }

    /** What the analysis of an entry depends on: its complete runs and their result files. */
    private static String fingerprint(SweepFolder sweep, List<SweepStatus.Run> runs) {
        Map<String, Object> m = new TreeMap<>();
        for (SweepStatus.Run r : runs) {
            if (r.state() == SweepStatus.State.COMPLETE) {
                Path res = Slurm.runFolder(sweep, r.slot()).file(RunFolder.RESULT);
                try {
                    m.put(r.slot().runId(), Files.size(res) + "@" + Files.getLastModifiedTime(res).toMillis());
                } catch (java.io.IOException e) {
                    m.put(r.slot().runId(), "?");
                }
            }
        }
        return Fingerprints.of(m);
    }

    private static JsonNode readQuietly(Path p) {
        try {
            return Json.read(p);
        } catch (RuntimeException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    /** Scalar leaves of a summary, as "exponents.beta.value": numbers, booleans and short texts, three levels deep. */
    static void flatten(String prefix, JsonNode n, Map<String, Object> out, int depth) {
        if (n.isValueNode()) {
            Object v = value(n);
            if (v != null && !(v instanceof String s && s.length() > 40)) {
                out.put(prefix, v);
            }
            return;
        }
        if (!n.isObject() || depth > 3) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            if (Set.of("report", "title", "study", "note", "rule").contains(e.getKey()) && depth == 0) {
                continue;
            }
            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out, depth + 1);
        }
    }

    static Object value(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.asText();
    }

    private static void writeTable(Path dir, String name, List<String> columns, List<List<Object>> rows) {
        Csv.write(dir.resolve(name + ".csv"), columns, rows);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (List<Object> row : rows) {
            ObjectNode o = arr.addObject(); // an ObjectNode keeps the column order
            for (int i = 0; i < columns.size(); i++) {
                o.set(columns.get(i), Json.MAPPER.valueToTree(row.get(i)));
            }
        }
        Json.write(dir.resolve(name + ".json"), arr);
    }

    /** Formats a figure for a table cell. */
    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                return "";
            }
            if (d == 0 || Math.abs(d) >= 1e-3 && Math.abs(d) < 1e5) {
                return new java.math.BigDecimal(d).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
            }
            return String.format(Locale.ROOT, "%.3e", d);
        }
        return v.toString();
    }

    /** The report of a sweep entry (for links). */
    static Path entryReport(SweepFolder sweep, Manifest m, Manifest.Entry e) {
        return m.studyImpl().files().report(sweep.entryDir(e));
    }
}
