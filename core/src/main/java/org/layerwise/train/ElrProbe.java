package org.layerwise.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.elr.CriticalLr;
import org.layerwise.analysis.elr.ElrQuantities;
import org.layerwise.io.CsvTable;
import org.layerwise.io.Json;
import org.layerwise.io.NpyAppender;

/**
 * Records the per-layer effective learning rates of every scale-invariant ("normalized") weight
 * tensor, every k steps (elr-model.md §2): weight norm sigma, gradient norm, base gradient
 * c = sigma ||g||, ELR e = eta ||g|| / sigma, classic ELR eta / sigma^2, the angular update (measured
 * between the weights before and after the step), the orthogonality check &lt;w, g&gt; / (sigma ||g||),
 * the layer's learning rate; per step the spread S = max e / min e, the predicted critical LR, loss,
 * accuracy and the base rate; the other tensors (the classifier) apart.
 *
 * <p>Works on any network whose {@link Parameters} say which tensors are scale-invariant, whatever
 * engine trains it; it knows nothing about the command line. Streams to disk:
 * <ul>
 *   <li>{@code elr_long.csv}: one row per (step, layer): the long format for pandas or R;</li>
 *   <li>{@code QUANTITY.npy}: one float32 matrix (steps x layers) per quantity, for numpy;</li>
 *   <li>{@code steps.csv}: one row per recorded step; {@code eval.csv}: held-out loss and accuracy;</li>
 *   <li>{@code layers.json}: layer names and sizes, and the tensors reported apart.</li>
 * </ul>
 * Its files survive a resume (the checkpoint stores how far each goes; they are truncated back).
 */
public final class ElrProbe implements TrainingListener, AutoCloseable, java.io.Flushable {
    /** Per-layer quantities, in the order of the .npy files and the long table's columns. */
    public static final List<String> QUANTITIES = List.of("sigma", "grad_norm", "base_gradient", "elr", "classic_elr",
            "angular_update", "orthogonality", "lr");
    public static final String LONG = "elr_long.csv";
    public static final String STEPS = "steps.csv";
    public static final String EVAL = "eval.csv";
    public static final String LAYERS = "layers.json";
    public static final List<String> STEP_HEADER = List.of("step", "epoch", "loss", "accuracy", "lr", "spread", "log_spread", "argmax_layer",
            "argmin_layer", "critical_lr_predicted", "others_norm", "others_grad_norm");
    static final List<String> EVAL_HEADER = List.of("step", "test_loss", "test_accuracy");

    private final Path dir;
    private final int every;
    private int[] normalized;
    private int[] others;
    private final Map<String, NpyAppender> npy = new LinkedHashMap<>();
    private CsvTable longTable;
    private CsvTable steps;
    private CsvTable evals;
    // the step being recorded: filled before the update, written after it
    private ElrQuantities q;
    private double[] stepRow;
    private long stepIndex;

    /** @param every record steps 0, k, 2k, ... */
    public ElrProbe(Path dir, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, got " + every);
        }
        this.dir = dir;
        this.every = every;
    }

    @Override
    public String name() {
        return "elr";
    }

    @Override
    public int every() {
        return every;
    }

    @Override
    public void onStep(StepView step) {
        Parameters p = step.parameters();
        if (normalized == null) {
            layout(p);
        }
        int n = normalized.length;
        double[] sigma = new double[n];
        double[] grad = new double[n];
        double[] dot = new double[n];
        double[] lr = new double[n];
        for (int j = 0; j < n; j++) {
            int i = normalized[j];
            sigma[j] = Math.sqrt(p.normSquared(i));
            grad[j] = Math.sqrt(p.gradNormSquared(i));
            dot[j] = p.dot(i);
            lr[j] = step.learningRate(i);
        }
        q = ElrQuantities.of(sigma, grad, dot, lr);
        double othersNorm = 0;
        double othersGrad = 0;
        for (int i : others) {
            othersNorm += p.normSquared(i);
            othersGrad += p.gradNormSquared(i);
        }
        stepIndex = step.step();
        stepRow = new double[] {step.step(), step.epoch(), step.loss(), step.accuracy(), step.learningRate(), q.spread(), q.logSpread(),
            q.argmax(), q.argmin(), CriticalLr.fromRatios(q.ratio()), Math.sqrt(othersNorm), Math.sqrt(othersGrad)};
    }

    @Override
    public void afterUpdate(StepView step) {
        if (q == null || step.step() != stepIndex) {
            return;
        }
        Parameters p = step.parameters();
        int n = normalized.length;
        double[] angle = new double[n];
        for (int j = 0; j < n; j++) {
            angle[j] = ElrQuantities.angularUpdate(p.updateCosine(normalized[j]));
        }
        double[][] columns = {q.sigma(), q.gradNorm(), q.baseGradient(), q.elr(), q.classicElr(), angle, q.orthogonality(), q.lr()};
        for (int k = 0; k < QUANTITIES.size(); k++) {
            npy.get(QUANTITIES.get(k)).append(columns[k]);
        }
        for (int j = 0; j < n; j++) {
            List<Object> row = new ArrayList<>(List.of(stepIndex, j, p.name(normalized[j])));
            for (double[] c : columns) {
                row.add(c[j]);
            }
            longTable.row(row);
        }
        List<Object> s = new ArrayList<>();
        for (int k = 0; k < stepRow.length; k++) {
            s.add(k < 2 || k == 7 || k == 8 ? (Object) (long) stepRow[k] : (Object) stepRow[k]);
        }
        steps.row(s);
        q = null;
    }

    @Override
    public void onEvaluation(long step, double loss, double accuracy) {
        if (evals != null) {
            evals.row(step, loss, accuracy);
        }
    }

    /** Which tensors are measured, from the first step; writes layers.json and opens the tables (fresh run). */
    private void layout(Parameters p) {
        List<Integer> norm = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < p.count(); i++) {
            (p.scaleInvariant(i) ? norm : rest).add(i);
        }
        normalized = norm.stream().mapToInt(Integer::intValue).toArray();
        others = rest.stream().mapToInt(Integer::intValue).toArray();
        if (longTable != null) {
            return; // reopened by restoreState
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("layers", norm.stream().map(p::name).toList());
        meta.put("sizes", norm.stream().map(p::size).toList());
        meta.put("reported_apart", rest.stream().map(p::name).toList());
        meta.put("every", every);
        meta.put("layout", "QUANTITY.npy[row][layer], row r = step r * every; quantities " + QUANTITIES);
        Json.write(dir.resolve(LAYERS), meta);
        open(normalized.length, 0, null);
    }

    /** Opens the tables for {@code layers} layers: new files, or (with a checkpoint) the existing ones cut back to it. */
    private void open(int layers, long rows, Checkpoint c) {
        for (String k : QUANTITIES) {
            Path f = dir.resolve(k + ".npy");
            npy.put(k, c == null ? NpyAppender.create(f, layers) : NpyAppender.resume(f, rows, layers));
        }
        List<String> longHeader = new ArrayList<>(List.of("step", "layer", "name"));
        longHeader.addAll(QUANTITIES);
        longTable = c == null ? CsvTable.create(dir.resolve(LONG), longHeader) : CsvTable.resume(dir.resolve(LONG), longHeader, c.getLong(name() + ".long_bytes"));
        steps = c == null ? CsvTable.create(dir.resolve(STEPS), STEP_HEADER) : CsvTable.resume(dir.resolve(STEPS), STEP_HEADER, c.getLong(name() + ".steps_bytes"));
        evals = c == null ? CsvTable.create(dir.resolve(EVAL), EVAL_HEADER) : CsvTable.resume(dir.resolve(EVAL), EVAL_HEADER, c.getLong(name() + ".eval_bytes"));
    }

    @Override
    public void saveState(Checkpoint c) {
        if (longTable == null) {
            return; // no step recorded yet: a resume starts the tables afresh
        }
        long rows = -1;
        for (NpyAppender a : npy.values()) {
            a.flush();
            rows = a.rows();
        }
        c.putLong(name() + ".rows", rows);
        c.putLong(name() + ".long_bytes", longTable.flush());
        c.putLong(name() + ".steps_bytes", steps.flush());
        c.putLong(name() + ".eval_bytes", evals.flush());
    }

    @Override
    public void restoreState(Checkpoint c) {
        if (!c.has(name() + ".rows")) {
            return;
        }
        if (!Files.exists(dir.resolve(LAYERS))) {
            throw new Checkpoint.Unusable("refers to ELR tables but " + dir.resolve(LAYERS) + " is missing");
        }
        int layers = Json.read(dir.resolve(LAYERS)).path("layers").size();
        close();
        normalized = null; // re-derived from the network at the first step after the resume
        open(layers, c.getLong(name() + ".rows"), c);
    }

    /** Flushes every table (for a live report) without closing. */
    @Override
    public void flush() {
        npy.values().forEach(NpyAppender::flush);
        if (longTable != null) {
            longTable.flush();
            steps.flush();
            evals.flush();
        }
    }

    @Override
    public void onEnd(TrainResult result) {
        close();
    }

    @Override
    public void close() {
        npy.values().forEach(NpyAppender::close);
        npy.clear();
        if (longTable != null) {
            longTable.close();
            steps.close();
            evals.close();
            longTable = null;
            steps = null;
            evals = null;
        }
    }
}
