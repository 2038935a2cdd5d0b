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
 * the network's exact state before that step and on that step's batch, try a grid of learning rates
 * (multiples of the predicted critical LR): take N steps with each, and record the ELR spread before
 * and after and whether the extreme layers kept their order. The training run itself is untouched:
 * the state is restored after every candidate.
 *
 * <p>It runs before step a: after the update of step a-1 (or when training begins, for a = 0), when
 * the network holds exactly the weights, BN buffers and momentum step a starts from. The batch is
 * reloaded from the loader (deterministic), so it is the one step a trains on.
 *
 * <p>Outputs: {@code critical_lr.csv} (one row per step x candidate) and
 * {@code critical_lr_elr_before.npy} / {@code critical_lr_elr_after.npy} (per-layer ELRs, rows in the
 * order of the table).
 */
final class CriticalLrExperiment implements TrainingListener, AutoCloseable, java.io.Flushable {
    static final String TABLE = "critical_lr.csv";
    static final String BEFORE = "critical_lr_elr_before.npy";
    static final String AFTER = "critical_lr_elr_after.npy";
    static final List<String> HEADER = List.of("at_step", "factor", "lr", "critical_lr_predicted", "steps", "spread_before", "spread_after",
            "log_spread_change_per_step", "keeps_order", "widens", "argmax_before", "argmin_before");

    private final TrainableNetwork net;
    private final BatchLoader loader;
    private final List<Long> atSteps;
    private final List<Double> factors;
    private final int gridSteps;
    private final Path dir;
    private CsvTable table;
    private NpyAppender before;
    private NpyAppender after;

    CriticalLrExperiment(TrainableNetwork net, BatchLoader loader, List<Long> atSteps, List<Double> factors, int gridSteps, Path dir) {
        this.net = net;
        this.loader = loader;
        this.atSteps = atSteps;
        this.factors = factors;
        this.gridSteps = gridSteps;
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

    /** The grid at step a, from the network's current state (the one step a starts from). */
    private void measure(long a) {
        byte[] snapshot = net.state();
        int perEpoch = loader.batchesPerEpoch();
        Batch b = loader.load((int) (a / perEpoch), (int) (a % perEpoch));
        double[] r0 = ratios(b);
        open(r0.length);
        double crit = CriticalLr.fromRatios(r0);
        for (double f : factors) {
            net.restore(snapshot);
            double lr = f * crit;
            double[] rBefore = null;
            for (int k = 0; k < gridSteps; k++) {
                double[] r = ratios(b); // forward and backward at the current weights
                if (k == 0) {
                    rBefore = r;
                }
                double[] lrs = new double[net.parameters().count()];
                Arrays.fill(lrs, lr);
                net.update(lrs);
            }
            double[] rAfter = ratios(b);
            double[] eBefore = scaled(rBefore, lr);
            double[] eAfter = scaled(rAfter, lr);
            ElrQuantities qb = ElrQuantities.of(ones(eBefore.length), eBefore, null, 1.0);
            ElrQuantities qa = ElrQuantities.of(ones(eAfter.length), eAfter, null, 1.0);
            boolean keeps = qb.argmax() >= 0 && eAfter[qb.argmax()] >= eAfter[qb.argmin()];
            table.row(a, f, lr, crit, gridSteps, qb.spread(), qa.spread(), (Math.log(qa.spread()) - Math.log(qb.spread())) / gridSteps,
                    keeps, qa.spread() > qb.spread(), qb.argmax(), qb.argmin());
            before.append(eBefore);
            after.append(eAfter);
        }
        net.restore(snapshot); // training goes on from exactly where it was
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
