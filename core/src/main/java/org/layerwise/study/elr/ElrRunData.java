package org.layerwise.study.elr;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.data.DataException;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.study.StudyPage;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.train.ElrProbe;

/**
 * What one ELR run's folder holds, read back for the analysis, from the folder alone (no training, no
 * libtorch, no training data):
 * <ul>
 *   <li>{@code steps.csv}: one row per recorded step (step, epoch, loss, accuracy, lr, spread,
 *       log_spread, argmax_layer, argmin_layer, critical_lr_predicted, others_norm, others_grad_norm);</li>
 *   <li>{@code QUANTITY.npy}: float32 matrices [recorded step][layer] of the probe's per-layer
 *       quantities ({@link ElrProbe#QUANTITIES}), read on demand by {@link #matrix};</li>
 *   <li>{@code layers.json}: the normalized layers' names and sizes, and the probe's period;</li>
 *   <li>{@code eval.csv}: held-out loss and accuracy; {@code result.json} once the run has finished;</li>
 *   <li>{@code critical_lr.csv} with {@code critical_lr_elr_before/after.npy} for the critical-LR study
 *       ({@link #criticalLrGrid}).</li>
 * </ul>
 * Works on a run still training too, on what its probe has flushed (for the live report): the
 * per-step table is cut to the rows the ELR matrix holds, so every array describes the same steps.
 */
final class ElrRunData {
    final RunSpec spec;
    final boolean complete;
    /** result.json, or null while the run trains. */
    final JsonNode result;
    /** Names of the normalized layers, from the input (layer 1 in reports) to the output. */
    final List<String> layers;
    /** Number of elements of each normalized layer (n_l of Algorithm 1). */
    final int[] sizes;
    /** The probe's period k: rows are steps 0, k, 2k, ... */
    final int every;
    final double[] step;
    final double[] lr;
    final double[] spread;
    final double[] logSpread;
    final double[] criticalLr;
    final double[] loss;
    final double[] accuracy;
    final int[] argmaxLayer;
    final int[] argminLayer;
    final double[] evalStep;
    final double[] testAccuracy;
    final double[] testLoss;
    private final Path dir;
    private final ElrConfig config;
    private final Map<String, double[][]> matrices = new HashMap<>();

    private ElrRunData(RunSpec spec, Path dir, boolean complete, ElrConfig config) {
        this.spec = spec;
        this.dir = dir;
        this.complete = complete;
        this.config = config;
        this.result = complete ? Json.read(dir.resolve(RunFolder.RESULT)) : null;
        JsonNode meta = Json.read(dir.resolve(ElrProbe.LAYERS));
        List<String> names = new ArrayList<>();
        meta.path("layers").forEach(n -> names.add(n.asText()));
        this.layers = List.copyOf(names);
        this.sizes = new int[names.size()];
        JsonNode s = meta.path("sizes");
        for (int l = 0; l < sizes.length; l++) {
            sizes[l] = s.path(l).asInt(1);
        }
        this.every = Math.max(1, meta.path("every").asInt(1));
        Csv.Columns t = Csv.readColumns(dir.resolve(ElrProbe.STEPS));
        int n = Math.min(t.rows(), rows("elr"));
        step = head(t.column("step"), n);
        lr = head(t.column("lr"), n);
        spread = head(t.column("spread"), n);
        logSpread = head(t.column("log_spread"), n);
        criticalLr = head(t.column("critical_lr_predicted"), n);
        loss = head(t.column("loss"), n);
        accuracy = head(t.column("accuracy"), n);
        argmaxLayer = ints(head(t.column("argmax_layer"), n));
        argminLayer = ints(head(t.column("argmin_layer"), n));
        if (hasRows(dir.resolve(ElrProbe.EVAL))) {
            Csv.Columns e = Csv.readColumns(dir.resolve(ElrProbe.EVAL));
            evalStep = e.column("step");
            testAccuracy = e.column("test_accuracy");
            testLoss = e.column("test_loss");
        } else {
            evalStep = testAccuracy = testLoss = new double[0];
        }
    }

    /**
     * The run's data, or null when its probe has not written anything yet.
     *
     * @param config the study's settings, for what a run's own settings do not name (momentum, schedule)
     */
    static ElrRunData load(RunSpec spec, RunFolder folder, boolean complete, ElrConfig config) {
        if (!Files.exists(folder.file(ElrProbe.LAYERS)) || !hasRows(folder.file(ElrProbe.STEPS)) || !Files.exists(folder.file("elr.npy"))) {
            return null;
        }
        return new ElrRunData(spec, folder.dir(), complete, config);
    }

    /** Whether a table the probe writes has its first row: it writes the header together with the first row, so until then the file is empty. */
    private static boolean hasRows(Path table) {
        try {
            return Files.exists(table) && Files.size(table) > 0;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + table + ": " + e.getMessage(), e);
        }
    }

    private int rows(String quantity) {
        return Npy.read(dir.resolve(quantity + ".npy")).shape()[0];
    }

    private static double[] head(double[] a, int n) {
        return Arrays.copyOf(a, Math.min(n, a.length));
    }

    private static int[] ints(double[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Double.isFinite(a[i]) ? (int) a[i] : -1;
        }
        return out;
    }

    /** Number of recorded steps (rows of every array and matrix). */
    int rows() {
        return step.length;
    }

    /** Number of normalized layers. */
    int layerCount() {
        return layers.size();
    }

    /**
     * A per-layer quantity of the probe ({@link ElrProbe#QUANTITIES}) as [recorded step][layer], cut to
     * the rows of the step table; read once and kept. Do not modify.
     */
    double[][] matrix(String quantity) {
        return matrices.computeIfAbsent(quantity, q -> {
            Npy.Array a = Npy.read(dir.resolve(q + ".npy"));
            int rows = Math.min(a.shape()[0], step.length);
            int cols = a.shape()[1];
            double[][] m = new double[rows][cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(a.data(), r * cols, m[r], 0, cols);
            }
            return m;
        });
    }

    Path dir() {
        return dir;
    }

    /**
     * The files of the run's folder among {@code names} that exist, in that order: the data a figure drawn
     * from them links ("steps.csv", "elr.npy", ...). A run still training, or a recorded run that lacks a
     * quantity, may not have every file yet; those are left out, so a page never links a missing file.
     */
    List<Path> files(String... names) {
        return StudyPage.existing(java.util.Arrays.stream(names).map(dir::resolve).toArray(Path[]::new));
    }

    /** Most files a figure drawn from several runs links one by one; beyond it, it links the folder that holds the runs. */
    static final int MAX_LINKED = 12;

    /**
     * The data of a figure drawn from several runs: each run's existing files among {@code names}, run by
     * run, or, when that would be more than {@link #MAX_LINKED} links, the folder that holds the run folders.
     */
    static List<Path> files(List<ElrRunData> runs, String... names) {
        List<Path> out = new ArrayList<>();
        for (ElrRunData r : runs) {
            out.addAll(r.files(names));
        }
        if (out.size() > MAX_LINKED) {
            Path parent = runs.get(0).dir.toAbsolutePath().normalize().getParent();
            return parent == null ? out : List.of(parent);
        }
        return out;
    }

    /** The files of the ELR heatmap of this run: the matrix, the layer names and the recorded steps. */
    List<Path> heatmapFiles(String quantity) {
        return files(quantity + ".npy", ElrProbe.LAYERS, ElrProbe.STEPS);
    }

    /** exp(mean ln S) over the recorded steps: the spread "averaged over the training run" (geometric mean, as spreads are ratios). */
    double meanSpread() {
        double s = 0;
        int n = 0;
        for (double v : logSpread) {
            if (Double.isFinite(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(s / n);
    }

    /** The spread at the first recorded step (NaN if none). */
    double initialSpread() {
        return spread.length == 0 ? Double.NaN : spread[0];
    }

    /** The spread at the last recorded step (NaN if none). */
    double finalSpread() {
        return spread.length == 0 ? Double.NaN : spread[spread.length - 1];
    }

    /** The last held-out accuracy (result.json for a finished run). */
    double finalTestAccuracy() {
        if (result != null && result.path("test_accuracy").isNumber()) {
            return result.get("test_accuracy").asDouble();
        }
        return testAccuracy.length == 0 ? Double.NaN : testAccuracy[testAccuracy.length - 1];
    }

    /** Why {@link #finalTestAccuracy()} is NaN (or null when it is a number). */
    String whyNoTestAccuracy() {
        if (Double.isFinite(finalTestAccuracy())) {
            return null;
        }
        if (diverged()) {
            return "the run diverged";
        }
        return complete ? "the run recorded no held-out accuracy" : "no held-out evaluation yet (the run is training)";
    }

    boolean diverged() {
        return result != null && "DIVERGED".equals(result.path("stop_reason").asText());
    }

    /** The step the run diverged at, or -1. */
    long divergedAt() {
        return diverged() && result.path("diverged_at_step").isNumber() ? result.get("diverged_at_step").asLong() : -1;
    }

    /**
     * The first recorded step whose learning rate reached the target (where a warm-up ended), or -1 when
     * none did (still warming up, or a schedule that never runs at the target).
     */
    long firstStepAtTarget() {
        double target = targetLr();
        for (int r = 0; r < lr.length; r++) {
            if (lr[r] >= target * (1 - 1e-6)) {
                return (long) step[r];
            }
        }
        return -1;
    }

    /** A setting of the run's grid point, else of the study. */
    String setting(String key) {
        Object v = spec.settings().get(key);
        if (v == null && config != null) {
            v = config.raw(key);
        }
        return v == null ? "" : v.toString();
    }

    /** "short" or "no-short". */
    String residual() {
        return setting("residual");
    }

    /** "none", "linear" or "elr". */
    String warmup() {
        return setting("warmup");
    }

    int depth() {
        String d = setting("depth");
        return d.isEmpty() ? -1 : (int) Double.parseDouble(d);
    }

    /** The target (or constant) learning rate of the run. */
    double targetLr() {
        String v = setting("lr");
        return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
    }

    long seed() {
        String v = setting("seed");
        return v.isEmpty() ? 0 : (long) Double.parseDouble(v);
    }

    double momentum() {
        return config == null ? 0 : config.momentum();
    }

    double weightDecay() {
        return config == null ? 0 : config.weightDecay();
    }

    /** "no-short ResNet-20, ELR warm-up": how reports name the run's network and schedule. */
    String label() {
        String w = switch (warmup()) {
            case "none" -> "no warm-up";
            case "linear" -> "linear warm-up";
            case "elr" -> "ELR warm-up";
            default -> warmup();
        };
        return residual() + " ResNet-" + depth() + ", " + w;
    }

    // ---- the critical-LR experiment ---------------------------------------------------------------

    /**
     * One candidate of the critical-LR grid: a row of critical_lr.csv with its per-layer ELRs before and
     * after the grid steps (the rows of critical_lr_elr_before/after.npy, in the same order).
     */
    record GridRow(long atStep, double factor, double lr, double predicted, int steps, double spreadBefore, double spreadAfter,
                   double[] elrBefore, double[] elrAfter) {
    }

    /** Whether the run has a critical-LR table. */
    boolean hasCriticalLrGrid() {
        return Files.exists(dir.resolve(CriticalLrExperiment.TABLE));
    }

    /**
     * The rows of the critical-LR experiment, in the file's order (empty when the run has none yet). The
     * per-layer ELRs come from the two .npy files; rows beyond what either holds, and a partly written
     * last row of a run that is still measuring, are left out.
     *
     * @throws DataException naming the file when the table or a matrix is malformed
     */
    List<GridRow> criticalLrGrid() {
        Path table = dir.resolve(CriticalLrExperiment.TABLE);
        if (!Files.exists(table)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + table + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> header = List.of(lines.get(0).split(",", -1));
        for (String col : List.of("at_step", "factor", "lr", "critical_lr_predicted", "steps", "spread_before", "spread_after")) {
            if (!header.contains(col)) {
                throw new DataException(table + ": no column '" + col + "'; expected the header " + CriticalLrExperiment.HEADER);
            }
        }
        double[][] before = npyRows(dir.resolve(CriticalLrExperiment.BEFORE));
        double[][] after = npyRows(dir.resolve(CriticalLrExperiment.AFTER));
        List<GridRow> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int row = out.size();
            if (row >= before.length || row >= after.length) {
                break;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != header.size()) {
                if (!complete && i == lines.size() - 1) {
                    break; // a run still measuring may have written part of its last row
                }
                throw new DataException(table + ": line " + (i + 1) + " has " + cells.length + " cells, the header " + header.size());
            }
            out.add(new GridRow((long) number(table, i, cells[header.indexOf("at_step")]), number(table, i, cells[header.indexOf("factor")]),
                    number(table, i, cells[header.indexOf("lr")]), number(table, i, cells[header.indexOf("critical_lr_predicted")]),
                    (int) number(table, i, cells[header.indexOf("steps")]), number(table, i, cells[header.indexOf("spread_before")]),
                    number(table, i, cells[header.indexOf("spread_after")]), before[row], after[row]));
        }
        return out;
    }

    private static double number(Path table, int line, String cell) {
        try {
            return Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            throw new DataException(table + ": line " + (line + 1) + " has '" + cell + "' where a number belongs");
        }
    }

    private static double[][] npyRows(Path f) {
        if (!Files.exists(f)) {
            return new double[0][];
        }
        Npy.Array a = Npy.read(f);
        if (a.shape().length != 2) {
            throw new DataException(f + ": expected a matrix [candidate][layer], found shape " + Arrays.toString(a.shape()));
        }
        int rows = a.shape()[0];
        int cols = a.shape()[1];
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a.data(), r * cols, m[r], 0, cols);
        }
        return m;
    }
}
