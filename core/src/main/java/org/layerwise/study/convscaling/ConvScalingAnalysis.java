package org.layerwise.study.convscaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.StudyFolder;

/**
 * The analysis of a conv scaling study folder, from the runs' files only (never the data, never
 * libtorch): each finished network's {@code spectra.json} → {@link ConvScalingFits} (β_A, α_Δ,
 * root-SSQ and increment slopes with intervals, the regime per sequence) → summary.json,
 * runs.csv, blocks.csv (every block's σ_max), the four figures and report.html ({@link ConvScalingReport}).
 */
final class ConvScalingAnalysis {
    /** Distinct depths below which no exponent is fitted (a line through 2 points has no interval). */
    static final int MIN_DEPTHS = 3;

    private ConvScalingAnalysis() {
    }

    /** One run as the report lists it. */
    record Run(RunSpec spec, int depth, int seedIndex, JsonNode result, BlockSpectra spectra) {
        boolean usable() {
            return spectra != null;
        }
    }

    static Map<String, Object> analyse(Study study, ConvScalingConfig c, StudyFolder folder, StudyFolder.Scan scan, PrintStream log) {
        List<Run> runs = new ArrayList<>();
        for (RunSpec spec : scan.complete()) {
            RunFolder rf = folder.run(spec);
            ConvRun.Point pt = ConvRun.Point.of(spec);
            BlockSpectra s = Files.isRegularFile(rf.file(ConvRun.SPECTRA)) ? SpectraJson.read(rf.file(ConvRun.SPECTRA)) : null;
            runs.add(new Run(spec, pt.depth(), pt.seedIndex(), rf.result(), s));
        }
        List<ConvScalingFits.Network> networks = runs.stream().filter(Run::usable).map(r -> new ConvScalingFits.Network(r.seedIndex(), r.spectra())).toList();
        int depths = (int) networks.stream().mapToInt(ConvScalingFits.Network::depth).distinct().count();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("study", ConvScalingStudy.NAME);
        summary.put("title", "conv-ResNet depth scaling (Cohen, Cont, Rossier & Xu, ICML 2021, CIFAR-10 part)");
        String reduced = c.reducedBecause();
        summary.put("reduced", reduced);
        summary.put("reduced_why_null", reduced == null ? "the paper's setting: CIFAR-10, width 64, the 16 depths, Tmax 100,000" : null);
        summary.put("coverage", scan.coverage());
        summary.put("absent_runs", scan.absent());
        summary.put("depths", runs.stream().filter(Run::usable).map(Run::depth).distinct().toList());
        summary.put("runs", runs.stream().map(ConvScalingAnalysis::row).toList());
        summary.put("all_diverged", !runs.isEmpty() && networks.isEmpty());
        summary.put("note", note(runs));
        ConvScalingFits.Result fits = null;
        if (depths >= MIN_DEPTHS) {
            fits = ConvScalingFits.fit(networks, c.bootstrap(), c.seed(), c.regimeTolerance());
            summary.putAll(fits.summary());
        } else {
            summary.put("fits_why_null", depths + " distinct depth(s) trained without diverging; the exponents need at least " + MIN_DEPTHS);
        }
        summary.put("headline", headline(summary, fits, reduced));
        summary.put("report", "report.html");
        Csv.write(folder.file(ConvScalingReport.RUNS), RUNS_HEADER, runs.stream().map(ConvScalingAnalysis::csvRow).toList());
        Csv.write(folder.file(ConvScalingReport.BLOCKS), ConvScalingFits.BLOCK_HEADER, ConvScalingFits.blockRows(networks));
        Json.write(folder.file(StudyFiles.SUMMARY), summary); // before the report, whose figures link it
        ConvScalingReport.write(study, c, folder, runs, fits, summary);
        return summary;
    }

    /** One line that says what was measured, on how many depths and seeds, and in which setting. */
    static String headline(Map<String, Object> summary, ConvScalingFits.Result fits, String reduced) {
        String where = reduced == null ? "the paper's setting" : "a REDUCED setting (" + reduced + ")";
        if (fits == null) {
            return "no exponents: " + summary.get("fits_why_null") + "; " + where;
        }
        long depths = fits.a().runs().stream().mapToInt(ConvScalingFits.RunStats::depth).distinct().count();
        return String.format("β_A = %s, α_Δ = %s (%d depths, %d networks); regime of A: %s, of Δ: %s; %s", interval(summary.get("beta_A")),
                interval(summary.get("alpha_Delta")), depths, fits.a().runs().size(), fits.a().regime().label(), fits.delta().regime().label(), where);
    }

    @SuppressWarnings("unchecked")
    static String interval(Object exponent) {
        Map<String, Object> m = (Map<String, Object>) exponent;
        if (m == null || !(m.get("value") instanceof Number v)) {
            return "n/a";
        }
        return String.format("%.3f [%s, %s]", v.doubleValue(), fmt(m.get("lower")), fmt(m.get("upper")));
    }

    private static String fmt(Object v) {
        return v instanceof Number n ? String.format("%.3f", n.doubleValue()) : "n/a";
    }

    private static Map<String, Object> row(Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", r.spec().id());
        m.put("depth", r.depth());
        m.put("seed_index", r.seedIndex());
        for (String k : List.of("stop_reason", "updates", "final_train_loss", "test_accuracy", "seconds")) {
            JsonNode v = r.result().get(k);
            m.put(k, v == null || v.isNull() ? null : v.isNumber() ? v.numberValue() : v.asText());
        }
        m.put("sigma_max_A", r.usable() ? max(r.spectra().a()) : null);
        m.put("sigma_max_Delta", r.usable() ? max(r.spectra().delta()) : null);
        return m;
    }

    /** The columns of runs.csv, by name from {@link #row} (so a column can never hold another's value). */
    static final List<String> RUNS_HEADER = List.of("run", "depth", "seed_index", "stop_reason", "updates", "final_train_loss", "test_accuracy",
            "sigma_max_A", "sigma_max_Delta", "seconds");

    private static List<Object> csvRow(Run r) {
        Map<String, Object> row = row(r);
        List<Object> out = new ArrayList<>();
        for (String k : RUNS_HEADER) {
            out.add(row.get(k));
        }
        return out;
    }

    static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** Says when every run stopped at its budget: the exponents then describe the weights after max-updates, not at ε. */
    static String note(List<Run> runs) {
        long budget = runs.stream().filter(r -> "MAX_UPDATES".equals(r.result().path("stop_reason").asText())).count();
        if (!runs.isEmpty() && budget == runs.size()) {
            return "every run stopped at max-updates before an epoch's training loss reached epsilon: the exponents describe the weights"
                    + " after that budget, not at the paper's stopping criterion";
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static List<String> verdictLines(Map<String, Object> summary) {
        List<String> lines = new ArrayList<>();
        lines.add("  " + summary.get("headline"));
        for (String k : List.of("regime_A", "regime_Delta")) {
            Map<String, Object> rg = (Map<String, Object>) summary.get(k);
            if (rg != null) {
                lines.add("  " + k + ": " + rg.get("label") + (rg.get("reason") != null ? " (" + rg.get("reason") + ")" : ""));
            }
        }
        if (summary.get("note") != null) {
            lines.add("  note: " + summary.get("note"));
        }
        return lines;
    }
}
