package org.layerwise.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.data.Dataset;
import org.layerwise.engine.ResidualKernel;
import org.layerwise.io.AtomicFiles;
import org.layerwise.util.Rng;

/**
 * Mini-batch training with the stopping rules of Cohen et al. (2021). Every epoch visits a fresh
 * seeded permutation of the rows (a true permutation: the reference code's shuffle duplicated rows).
 * A trailing partial batch is dropped, as the reference requires N divisible by B.
 *
 * <p>With a checkpoint path, the full loop state is written atomically every {@code checkpointEvery}
 * updates, and a run started again with the same settings continues from it bit-identically on CPU
 * (same kernel thread count).
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

    private static final int MAGIC = 0x4C57434B; // "LWCK"

    private final Settings s;
    private final List<TrainingListener> listeners;

    public Trainer(Settings settings, List<TrainingListener> listeners) {
        this.s = settings;
        this.listeners = listeners;
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

    /**
     * Trains {@code params} in place.
     *
     * @param fingerprint identifies the run's settings; a checkpoint with another fingerprint is refused
     */
    public TrainResult train(ResidualKernel kernel, double[] params, Optimizer opt, Dataset data,
                             Path checkpoint, String fingerprint) {
        int batchesPerEpoch = data.size() / s.batchSize();
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("batch size " + s.batchSize() + " exceeds the " + data.size() + " training rows");
        }
        State st = new State();
        if (checkpoint != null && Files.exists(checkpoint)) {
            load(checkpoint, fingerprint, st, params, opt);
        }
        if (s.replicateShuffleBug() && st.batchTable == null) {
            st.batchTable = new int[batchesPerEpoch * s.batchSize()];
            java.util.Arrays.setAll(st.batchTable, i -> i);
        }
        double[] grad = new double[params.length];
        while (true) {
            int[] order;
            if (s.replicateShuffleBug()) {
                if (st.batch == 0) {
                    buggyShuffle(st.batchTable, batchesPerEpoch, s.batchSize(), Rng.derive(s.seed(), "shuffle", st.epoch));
                }
                order = st.batchTable;
            } else {
                order = Rng.derive(s.seed(), "shuffle", st.epoch).permutation(data.size());
            }
            while (st.batch < batchesPerEpoch) {
                if (st.updates >= s.maxUpdates()) {
                    return result(TrainResult.Reason.MAX_UPDATES, st, -1);
                }
                int from = st.batch * s.batchSize();
                double loss = kernel.lossAndGradient(params, data, order, from, from + s.batchSize(), grad);
                if (!Double.isFinite(loss) || !finite(grad)) {
                    return result(TrainResult.Reason.DIVERGED, st, st.updates);
                }
                opt.step(params, grad);
                st.updates++;
                st.batch++;
                st.epochLossSum += loss;
                for (TrainingListener l : listeners) {
                    l.onUpdate(st.updates, loss);
                }
                if (checkpoint != null && s.checkpointEvery() > 0 && st.updates % s.checkpointEvery() == 0) {
                    save(checkpoint, fingerprint, st, params, opt);
                }
            }
            double mean = st.epochLossSum / batchesPerEpoch;
            st.epochLosses.add(mean);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(st.epoch, st.updates, mean, params);
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
                return result(TrainResult.Reason.CONVERGED, st, -1);
            }
            if (s.stopRule() == StopRule.PLATEAU && st.bad >= s.patience()) {
                return result(TrainResult.Reason.PLATEAU, st, -1);
            }
        }
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

    private static TrainResult result(TrainResult.Reason reason, State st, long divergedAt) {
        double[] losses = st.epochLosses.stream().mapToDouble(Double::doubleValue).toArray();
        double last = reason == TrainResult.Reason.DIVERGED || losses.length == 0 ? Double.NaN : losses[losses.length - 1];
        return new TrainResult(reason, st.updates, st.epoch, last, divergedAt, losses);
    }

    private static void save(Path path, String fingerprint, State st, double[] params, Optimizer opt) {
        AtomicFiles.write(path, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeInt(MAGIC);
            out.writeInt(1);
            out.writeUTF(fingerprint);
            out.writeInt(st.epoch);
            out.writeInt(st.batch);
            out.writeLong(st.updates);
            out.writeDouble(st.epochLossSum);
            out.writeDouble(st.best);
            out.writeInt(st.bad);
            out.writeInt(st.epochLosses.size());
            for (double v : st.epochLosses) {
                out.writeDouble(v);
            }
            Optimizer.writeArray(out, params);
            opt.writeState(out);
            out.writeInt(st.batchTable == null ? -1 : st.batchTable.length);
            if (st.batchTable != null) {
                for (int v : st.batchTable) {
                    out.writeInt(v);
                }
            }
            out.flush();
        });
    }

    private static void load(Path path, String fingerprint, State st, double[] params, Optimizer opt) {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(path)))) {
            if (in.readInt() != MAGIC || in.readInt() != 1) {
                throw new IOException("not a layerwise checkpoint");
            }
            String fp = in.readUTF();
            if (!fp.equals(fingerprint)) {
                throw new IllegalStateException("checkpoint " + path + " was written by a run with other settings;"
                        + " delete it or use another output folder");
            }
            st.epoch = in.readInt();
            st.batch = in.readInt();
            st.updates = in.readLong();
            st.epochLossSum = in.readDouble();
            st.best = in.readDouble();
            st.bad = in.readInt();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                st.epochLosses.add(in.readDouble());
            }
            double[] saved = Optimizer.readArray(in);
            if (saved == null || saved.length != params.length) {
                throw new IOException("checkpoint holds " + (saved == null ? 0 : saved.length) + " parameters, the network has " + params.length);
            }
            System.arraycopy(saved, 0, params, 0, params.length);
            opt.readState(in);
            int tableLength = in.readInt();
            if (tableLength >= 0) {
                st.batchTable = new int[tableLength];
                for (int i = 0; i < tableLength; i++) {
                    st.batchTable[i] = in.readInt();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not resume from " + path + ": " + e.getMessage(), e);
        }
    }
}
