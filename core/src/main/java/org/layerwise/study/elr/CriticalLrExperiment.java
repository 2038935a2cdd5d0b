package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.layerwise.analysis.elr.CriticalLr;
import org.layerwise.analysis.elr.ElrQuantities;
import org.layerwise.data.image.Batch;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.io.CsvTable;
import org.layerwise.io.NpyAppender;
import org.layerwise.train.Checkpoint;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.Parameters;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.TrainingListener;

/**
 * The critical-learning-rate experiment (elr-model.md §5.2): at chosen steps of a training run, from
 * the network's exact state before that step, try a grid of learning rates (multiples of the predicted
 * critical LR): take N steps with each, on N consecutive distinct batches, and record the ELR spread
 * before and after and whether the extreme layers kept their order. The training run itself is
 * untouched: the state is restored after every candidate.
 *
 * <p>It runs before step a: after the update of step a-1 (or when training begins, for a = 0), when
 * the network holds exactly the weights, BN buffers and momentum step a starts from. The predicted
 * critical LR is measured on the batch of step a. For batch offset o (0 .. grid-batches - 1) a
 * candidate takes its N steps on the batches of steps a + oN, ..., a + oN + N - 1 (the batches the run
 * would see next, reloaded from the loader, which is deterministic); its ELRs before and after are
 * both measured on the first of them, so the batch's own noise does not enter the change.
 *
 * <p>The grid brackets the boundary: after the given factors, while an empirical estimate
 * ({@link CriticalLr#fromGrid} on the candidates pooled over the batch offsets,
 * {@link CriticalLrAnalysis#pooled}) lies at the top of the grid (or at its bottom, or none is found)
 * the grid is extended by one factor ×{@link #EXTENSION} beyond that edge, at most
 * {@code maxExtensions} times on each side.
 *
 * <p>Outputs: {@code critical_lr.csv} (one row per step x candidate x batch offset) and
 * {@code critical_lr_elr_before.npy} / {@code critical_lr_elr_after.npy} (per-layer ELRs, rows in the
 * order of the table).
 */
final class CriticalLrExperiment implements TrainingListener, AutoCloseable, java.io.Flushable {
    static final String TABLE = "critical_lr.csv";
    static final String BEFORE = "critical_lr_elr_before.npy";
    static final String AFTER = "critical_lr_elr_after.npy";
    /** Each extension of the grid multiplies (or divides) its edge factor by this. */
    static final double EXTENSION = 4;
    static final List<String> HEADER = List.of("at_step", "factor", "lr", "critical_lr_predicted", "steps", "spread_before", "spread_after",
            "log_spread_change_per_step", "keeps_order", "widens", "argmax_before", "argmin_before", "batch_offset", "extension");

    private final TrainableNetwork net;
    private final BatchLoader loader;
    private final List<Long> atSteps;
    private final List<Double> factors;
    private final int gridSteps;
    private final int gridBatches;
    private final int maxExtensions;
    private final Path dir;
    private CsvTable table;
    private NpyAppender before;
    private NpyAppender after;

    CriticalLrExperiment(TrainableNetwork net, BatchLoader loader, List<Long> atSteps, List<Double> factors, int gridSteps, Path dir) {
        this(net, loader, atSteps, factors, gridSteps, 1, 0, dir);
    }

    CriticalLrExperiment(TrainableNetwork net, BatchLoader loader, List<Long> atSteps, List<Double> factors, int gridSteps, int gridBatches,
                         int maxExtensions, Path dir) {
        this.net = net;
        this.loader = loader;
        this.atSteps = atSteps;
        this.factors = factors;
        this.gridSteps = gridSteps;
        this.gridBatches = gridBatches;
        this.maxExtensions = maxExtensions;
        this.dir = dir;
    }

    @Override
    public String name() {
        return "critical_lr";
    }

    @Override
    public void onBegin(long resumedAt) {
        if (resumedAt == 0 && atSteps.contains(0L)) {
            measure(0);
        }
    }

    @Override
    public void afterUpdate(StepView step) {
        if (atSteps.contains(step.step() + 1)) {
            measure(step.step() + 1);
        }
    }

    private void open(int layers) {
        if (table == null) {
            table = CsvTable.create(dir.resolve(TABLE), HEADER);
            before = NpyAppender.create(dir.resolve(BEFORE), layers);
            after = NpyAppender.create(dir.resolve(AFTER), layers);
        }
    }

    private Batch batchOf(long step) {
        int perEpoch = loader.batchesPerEpoch();
        return loader.load((int) (step / perEpoch), (int) (step % perEpoch));
    }

    /** The grid at step a, from the network's current state (the one step a starts from). */
    private void measure(long a) {
        byte[] snapshot = net.state();
        double[] r0 = ratios(batchOf(a));
        open(r0.length);
        double crit = CriticalLr.fromRatios(r0);
        List<Batch[]> sequences = new ArrayList<>();
        for (int o = 0; o < gridBatches; o++) {
            Batch[] seq = new Batch[gridSteps];
            for (int k = 0; k < gridSteps; k++) {
                seq[k] = batchOf(a + (long) o * gridSteps + k);
            }
            sequences.add(seq);
        }
        java.util.TreeMap<Double, CriticalLr.Candidate> pooled = new java.util.TreeMap<>();
        for (double f : factors) {
            pooled.put(f, candidate(a, f, crit, 0, sequences, snapshot));
        }
        int up = 0;
        int down = 0;
        while (Double.isFinite(crit) && crit > 0 && (up < maxExtensions || down < maxExtensions)) {
            int dir = CriticalLrAnalysis.extension(CriticalLr.fromGrid(new ArrayList<>(pooled.values()), gridSteps));
            boolean goUp = (dir & CriticalLrAnalysis.UP) != 0 && up < maxExtensions;
            boolean goDown = (dir & CriticalLrAnalysis.DOWN) != 0 && down < maxExtensions;
            if (!goUp && !goDown) {
                break;
            }
            if (goUp) {
                double f = pooled.lastKey() * EXTENSION;
                pooled.put(f, candidate(a, f, crit, ++up, sequences, snapshot));
            }
            if (goDown) {
                double f = pooled.firstKey() / EXTENSION;
                pooled.put(f, candidate(a, f, crit, -(++down), sequences, snapshot));
            }
        }
        net.restore(snapshot); // training goes on from exactly where it was
    }

    /**
     * One candidate factor from the restored state, once per batch offset: writes a row each, and
     * returns the candidate pooled over the offsets.
     */
    private CriticalLr.Candidate candidate(long a, double f, double crit, int extension, List<Batch[]> sequences, byte[] snapshot) {
        double lr = f * crit;
        List<double[]> bs = new ArrayList<>();
        List<double[]> as = new ArrayList<>();
        for (int o = 0; o < sequences.size(); o++) {
            Batch[] seq = sequences.get(o);
            net.restore(snapshot);
            double[] rBefore = null;
            for (int k = 0; k < gridSteps; k++) {
                double[] r = ratios(seq[k]); // forward and backward at the current weights
                if (k == 0) {
                    rBefore = r;
                }
                double[] lrs = new double[net.parameters().count()];
                Arrays.fill(lrs, lr);
                net.update(lrs);
            }
            double[] rAfter = ratios(seq[0]); // the same batch as before: only the weights changed
            double[] eBefore = scaled(rBefore, lr);
            double[] eAfter = scaled(rAfter, lr);
            ElrQuantities qb = ElrQuantities.of(ones(eBefore.length), eBefore, null, 1.0);
            ElrQuantities qa = ElrQuantities.of(ones(eAfter.length), eAfter, null, 1.0);
            boolean keeps = qb.argmax() >= 0 && eAfter[qb.argmax()] >= eAfter[qb.argmin()];
            table.row(a, f, lr, crit, gridSteps, qb.spread(), qa.spread(), (Math.log(qa.spread()) - Math.log(qb.spread())) / gridSteps,
                    keeps, qa.spread() > qb.spread(), qb.argmax(), qb.argmin(), o, extension);
            before.append(eBefore);
            after.append(eAfter);
            bs.add(eBefore);
            as.add(eAfter);
        }
        net.restore(snapshot);
        return CriticalLrAnalysis.pooled(lr, bs, as);
    }

    /** r_l = ||g_l|| / ||w_l|| of every normalized tensor on batch b at the current weights. */
    private double[] ratios(Batch b) {
        net.forwardBackward(b.images(), b.labels(), b.size(), b.channels(), b.height(), b.width());
        Parameters p = net.parameters();
        int[] norm = ImageTrainer.normalizedTensors(p);
        double[] r = new double[norm.length];
        for (int j = 0; j < norm.length; j++) {
            r[j] = Math.sqrt(p.gradNormSquared(norm[j]) / p.normSquared(norm[j]));
        }
        return r;
    }

    private static double[] scaled(double[] r, double lr) {
        double[] e = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            e[i] = lr * r[i];
        }
        return e;
    }

    private static double[] ones(int n) {
        double[] o = new double[n];
        Arrays.fill(o, 1);
        return o;
    }

    @Override
    public void saveState(Checkpoint c) {
        if (table != null) {
            before.flush();
            after.flush();
            c.putLong(name() + ".rows", before.rows());
            c.putLong(name() + ".table_bytes", table.flush());
            c.putLong(name() + ".layers", layersOf());
        }
    }

    private long layersOf() {
        return ImageTrainer.normalizedTensors(net.parameters()).length;
    }

    @Override
    public void restoreState(Checkpoint c) {
        if (c.has(name() + ".rows")) {
            int layers = (int) c.getLong(name() + ".layers");
            long rows = c.getLong(name() + ".rows");
            table = CsvTable.resume(dir.resolve(TABLE), HEADER, c.getLong(name() + ".table_bytes"));
            before = NpyAppender.resume(dir.resolve(BEFORE), rows, layers);
            after = NpyAppender.resume(dir.resolve(AFTER), rows, layers);
        }
    }

    /** Writes the grid measured so far to disk (for a live report). */
    @Override
    public void flush() {
        if (table != null) {
            table.flush();
            before.flush();
            after.flush();
        }
    }

    @Override
    public void onEnd(org.layerwise.train.TrainResult result) {
        close();
    }

    @Override
    public void close() {
        if (table != null) {
            table.close();
            before.close();
            after.close();
            table = null;
        }
    }

    static List<Long> steps(List<Double> raw) {
        List<Long> out = new ArrayList<>();
        raw.forEach(v -> out.add(v.longValue()));
        return out;
    }
}
