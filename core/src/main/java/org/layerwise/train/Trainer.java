package org.layerwise.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongToDoubleFunction;
import org.layerwise.data.Dataset;
import org.layerwise.engine.ResidualKernel;
import org.layerwise.util.Rng;

/**
 * Mini-batch training of the residual MLP with the stopping rules of Cohen et al. (2021). Every epoch
 * visits a fresh seeded permutation of the rows (a true permutation: the reference code's shuffle
 * duplicated rows). A trailing partial batch is dropped, as the reference requires N divisible by B.
 *
 * <p>With a checkpoint path, the loop's whole state (parameters, optimizer, counters, listener state)
 * is written atomically every {@code checkpointEvery} updates and when a stop is requested; a run
 * resumed from it continues bit-identically on CPU with the same kernel thread count.
 */
public final class Trainer {

    /**
     * @param batchSize       B
     * @param maxUpdates      Tmax, in optimizer updates
     * @param epsilon         target training loss
     * @param patience        epochs without 1 % improvement before a PLATEAU stop (PLATEAU rule only)
     * @param seed            seeds the shuffles
     * @param checkpointEvery updates between checkpoints (0 = never)
     * @param replicateShuffleBug reproduce the reference code's epoch shuffle instead of a permutation
     *                            (see {@link #buggyShuffle}); for comparisons with its results only
     */
    public record Settings(int batchSize, long maxUpdates, double epsilon, StopRule stopRule, int patience,
                           long seed, long checkpointEvery, boolean replicateShuffleBug) {
        public Settings(int batchSize, long maxUpdates, double epsilon, StopRule stopRule, int patience, long seed, long checkpointEvery) {
            this(batchSize, maxUpdates, epsilon, stopRule, patience, seed, checkpointEvery, false);
        }
    }

    /**
     * Where checkpoints go and what they start from.
     *
     * @param path       checkpoint file, or null for none
     * @param resumeFrom a checkpoint already read and matched to this run by the caller, or null to start fresh
     * @param meta       text fields stored in every checkpoint (the run's fingerprint, its thread count)
     */
    public record Checkpoints(Path path, Checkpoint resumeFrom, Map<String, String> meta) {
        public static Checkpoints none() {
            return new Checkpoints(null, null, Map.of());
        }
    }

    /** Thrown when a stop was requested: the state is in the checkpoint just written. */
    public static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long updates;

        public Interrupted(long updates) {
            super("interrupted after " + updates + " updates; checkpoint written");
            this.updates = updates;
        }

        public long updates() {
            return updates;
        }
    }

    private final Settings s;
    private final List<TrainingListener> listeners;
    private final BooleanSupplier stopRequested;
    private final LongToDoubleFunction learningRate;

    public Trainer(Settings settings, List<TrainingListener> listeners) {
        this(settings, listeners, () -> false, null);
    }

    /**
     * @param stopRequested polled after every update; when true the loop checkpoints and throws {@link Interrupted}
     * @param learningRate  the learning rate of each step (set on the optimizer before its update), or
     *                      null to leave the optimizer's own rate (probes then see NaN)
     */
    public Trainer(Settings settings, List<TrainingListener> listeners, BooleanSupplier stopRequested, LongToDoubleFunction learningRate) {
        this.s = settings;
        this.listeners = List.copyOf(listeners);
        this.stopRequested = stopRequested;
        this.learningRate = learningRate;
    }

    /** The loop's whole state besides parameters and optimizer: what a checkpoint must hold. */
    private static final class State {
        int epoch;
        int batch;            // next batch within the epoch
        long updates;
        double epochLossSum;
        double best = Double.POSITIVE_INFINITY;
        int bad;
        List<Double> epochLosses = new ArrayList<>();
        int[] batchTable;     // the reference's batches as they stand after its buggy shuffles (bug mode only)
    }

    /** Trains {@code params} in place (starting from the checkpoint in {@code ck} if it holds one). */
    public TrainResult train(ResidualKernel kernel, double[] params, Optimizer opt, Dataset data, Checkpoints ck) {
        int batchesPerEpoch = data.size() / s.batchSize();
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("batch size " + s.batchSize() + " exceeds the " + data.size() + " training rows");
        }
        State st = ck.resumeFrom() == null ? new State() : restore(ck.resumeFrom(), params, opt);
        if (s.replicateShuffleBug() && st.batchTable == null) {
            st.batchTable = new int[batchesPerEpoch * s.batchSize()];
            Arrays.setAll(st.batchTable, i -> i);
        }
        for (TrainingListener l : listeners) {
            l.onBegin(st.updates);
        }
        double[] grad = new double[params.length];
        FlatParameters view = new FlatParameters(kernel.model());
        MutableStep step = new MutableStep();
        while (true) {
            int[] order = epochOrder(st, batchesPerEpoch, data.size());
            while (st.batch < batchesPerEpoch) {
                if (st.updates >= s.maxUpdates()) {
                    return end(TrainResult.Reason.MAX_UPDATES, st, -1);
                }
                int from = st.batch * s.batchSize();
                double loss = kernel.lossAndGradient(params, data, order, from, from + s.batchSize(), grad);
                if (!Double.isFinite(loss) || !finite(grad)) {
                    return end(TrainResult.Reason.DIVERGED, st, st.updates);
                }
                double lr = Double.NaN;
                if (learningRate != null) {
                    lr = learningRate.applyAsDouble(st.updates);
                    opt.setLearningRate(lr);
                }
                view.at(params, grad);
                step.set(st.updates, st.epoch, loss, Double.NaN, lr, null, view);
                step.notify(listeners, true);
                opt.step(params, grad);
                st.updates++;
                st.batch++;
                st.epochLossSum += loss;
                step.notify(listeners, false);
                boolean stop = stopRequested.getAsBoolean();
                if (ck.path() != null && (stop || (s.checkpointEvery() > 0 && st.updates % s.checkpointEvery() == 0))) {
                    save(ck, st, params, opt);
                }
                if (stop) {
                    throw new Interrupted(st.updates);
                }
            }
            double mean = st.epochLossSum / batchesPerEpoch;
            st.epochLosses.add(mean);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(st.epoch, st.updates, mean, view.at(params, null));
            }
            st.epoch++;
            st.batch = 0;
            st.epochLossSum = 0;
            if (s.stopRule() == StopRule.PLATEAU) {
                if (mean < 0.99 * st.best) {
                    st.best = mean;
                    st.bad = 0;
                } else {
                    st.bad++;
                }
            }
            if (mean < s.epsilon()) {
                return end(TrainResult.Reason.CONVERGED, st, -1);
            }
            if (s.stopRule() == StopRule.PLATEAU && st.bad >= s.patience()) {
                return end(TrainResult.Reason.PLATEAU, st, -1);
            }
        }
    }

    private int[] epochOrder(State st, int batchesPerEpoch, int rows) {
        if (!s.replicateShuffleBug()) {
            return Rng.derive(s.seed(), "shuffle", st.epoch).permutation(rows);
        }
        if (st.batch == 0) {
            buggyShuffle(st.batchTable, batchesPerEpoch, s.batchSize(), Rng.derive(s.seed(), "shuffle", st.epoch));
        }
        return st.batchTable;
    }

    /**
     * The reference code's epoch shuffle: {@code np.random.shuffle} on a torch tensor of batches. Its
     * swap {@code x[i], x[j] = x[j], x[i]} copies batch j over batch i and then copies the (already
     * overwritten) batch i back over j, so batch j is duplicated and batch i lost; the damage persists
     * into later epochs (numpy/numpy#18206). Emulated on batch indices, in place. Not emulated: the
     * reference also carries the damage over to later depths of the same run (shared dataset tensor).
     */
    static void buggyShuffle(int[] table, int batches, int batchSize, Rng rng) {
        for (int i = batches - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            System.arraycopy(table, j * batchSize, table, i * batchSize, batchSize);
        }
    }

    private static boolean finite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private TrainResult end(TrainResult.Reason reason, State st, long divergedAt) {
        double[] losses = st.epochLosses.stream().mapToDouble(Double::doubleValue).toArray();
        double last = reason == TrainResult.Reason.DIVERGED || losses.length == 0 ? Double.NaN : losses[losses.length - 1];
        TrainResult r = new TrainResult(reason, st.updates, st.epoch, last, divergedAt, losses);
        for (TrainingListener l : listeners) {
            l.onEnd(r);
        }
        return r;
    }

    private void save(Checkpoints ck, State st, double[] params, Optimizer opt) {
        Checkpoint c = new Checkpoint();
        c.putText("kind", "residual-mlp");
        ck.meta().forEach(c::putText);
        c.putLong("epoch", st.epoch);
        c.putLong("batch", st.batch);
        c.putLong("updates", st.updates);
        c.putDouble("epoch_loss_sum", st.epochLossSum);
        c.putDouble("best", st.best);
        c.putLong("bad_epochs", st.bad);
        c.putDoubles("epoch_losses", st.epochLosses.stream().mapToDouble(Double::doubleValue).toArray());
        c.putDoubles("params", params);
        opt.saveState(c, "optimizer.");
        if (st.batchTable != null) {
            c.putInts("batch_table", st.batchTable);
        }
        for (TrainingListener l : listeners) {
            l.saveState(c); // listeners flush their streams here, so the checkpoint never points past their data
        }
        c.write(ck.path());
    }

    private State restore(Checkpoint c, double[] params, Optimizer opt) {
        State st = new State();
        st.epoch = (int) c.getLong("epoch");
        st.batch = (int) c.getLong("batch");
        st.updates = c.getLong("updates");
        st.epochLossSum = c.getDouble("epoch_loss_sum");
        st.best = c.getDouble("best");
        st.bad = (int) c.getLong("bad_epochs");
        for (double v : c.getDoubles("epoch_losses")) {
            st.epochLosses.add(v);
        }
        double[] saved = c.getDoubles("params");
        if (saved.length != params.length) {
            throw new Checkpoint.Unusable("holds " + saved.length + " parameters, the network has " + params.length);
        }
        System.arraycopy(saved, 0, params, 0, params.length);
        opt.restoreState(c, "optimizer.");
        if (c.has("batch_table")) {
            st.batchTable = c.getInts("batch_table");
        }
        for (TrainingListener l : listeners) {
            l.restoreState(c);
        }
        return st;
    }
}
