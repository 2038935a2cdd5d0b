package org.layerwise.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.engine.ReferenceKernel;
import org.layerwise.engine.ResidualKernel;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;
import org.layerwise.train.Adam;
import org.layerwise.train.EntryPathProbe;
import org.layerwise.train.Optimizer;
import org.layerwise.train.RmsProp;
import org.layerwise.train.Sgd;
import org.layerwise.train.TrainResult;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;
import org.layerwise.util.Rng;

/**
 * One network of a study: a depth and a seed. Trains it (resuming from its checkpoint if one is
 * there) and writes its folder: weights as .npy, per-epoch losses, hidden-state norms, and finally
 * result.json, whose presence marks the run complete.
 */
public final class DepthRun {
    public static final String RESULT = "result.json";

    private DepthRun() {
    }

    public static String folderName(int depth, int seed) {
        return String.format("L%05d-s%d", depth, seed);
    }

    public static Optimizer optimizer(ScalingConfig c) {
        return switch (c.optimizer()) {
            case "sgd" -> new Sgd(c.lr(), c.momentum(), 0, c.weightDecay(), false);
            case "adam" -> new Adam(c.lr(), 0.9, 0.999, 1e-8, c.weightDecay());
            case "rmsprop" -> new RmsProp(c.lr(), 0.99, 1e-8, c.momentum(), c.weightDecay());
            default -> throw new IllegalStateException(c.optimizer());
        };
    }

    public static ResidualKernel kernel(ScalingConfig c, ResidualMlp net, int threads) {
        return c.float64() ? new ReferenceKernel(net) : new FusedKernel(net, threads, c.batchSize());
    }

    /** Settings that change what a run computes (not threads or analysis options): a checkpoint must match them. */
    static String fingerprint(ScalingConfig c, int depth, long seed) {
        Map<String, Object> m = c.runSettings();
        m.put("depth", depth);
        m.put("run-seed", seed);
        return Integer.toHexString(Json.toString(m).hashCode());
    }

    public static Map<String, Object> run(ScalingConfig c, Dataset data, int depth, int seedIndex, int threads, Path dir,
                                          TrainingListener progress, boolean recordEntryPaths) {
        long seed = c.seed() + seedIndex;
        ResidualMlp net = new ResidualMlp(depth, c.width(), c.activation(), c.delta());
        double[] params = net.initialise(c.init(), c.initScale(), Rng.derive(seed, "init", depth));
        Optimizer opt = optimizer(c);
        List<TrainingListener> listeners = new ArrayList<>(List.of(progress));
        EntryPathProbe paths = null;
        if (recordEntryPaths) {
            // 5 A-entries and 5 b-entries drawn at random, as the reference (seeded here)
            Rng pick = Rng.derive(seed, "entry-paths", depth);
            List<EntryPathProbe.Entry> entries = new ArrayList<>();
            for (int e = 0; e < 5; e++) {
                entries.add(new EntryPathProbe.Entry(pick.nextInt(c.width()), pick.nextInt(c.width())));
            }
            for (int e = 0; e < 5; e++) {
                entries.add(new EntryPathProbe.Entry(pick.nextInt(c.width()), -1));
            }
            paths = new EntryPathProbe(net, entries);
            listeners.add(paths);
        }
        Trainer trainer = new Trainer(new Trainer.Settings(c.batchSize(), c.maxUpdates(), c.epsilon(), c.stopRule(),
                c.patience(), Rng.derive(seed, "shuffle-seed", depth).nextLong(), c.checkpointEvery(), c.replicateShuffleBug()), listeners);
        Path checkpoint = dir.resolve("checkpoint.bin");
        long t0 = System.nanoTime();
        TrainResult r;
        double trainLoss;
        try (ResidualKernel kernel = kernel(c, net, threads)) {
            r = trainer.train(kernel, params, opt, data, checkpoint, fingerprint(c, depth, seed));
            trainLoss = r.reason() == TrainResult.Reason.DIVERGED ? Double.NaN : kernel.loss(params, data);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        writeWeights(net, params, dir);
        writeLosses(r, dir);
        writeHiddenNorms(net, params, data, seed, dir);
        if (paths != null) {
            writeEntryPaths(paths, dir);
        }

        Map<String, Object> res = new LinkedHashMap<>();
        res.put("depth", depth);
        res.put("seed", seed);
        res.put("seed_index", seedIndex);
        res.put("stop_reason", r.reason().name());
        res.put("updates", r.updates());
        res.put("epochs", r.epochs());
        res.put("final_epoch_loss", finite(r.finalLoss()));
        res.put("train_loss", finite(trainLoss));
        res.put("diverged_at_update", r.divergedAt() >= 0 ? r.divergedAt() : null);
        res.put("kernel_threads", threads);
        res.put("precision", c.float64() ? "float64" : "float32");
        res.put("seconds", seconds);
        Json.write(dir.resolve(RESULT), res);
        try {
            Files.deleteIfExists(checkpoint);
        } catch (java.io.IOException e) {
            // a leftover checkpoint is harmless: result.json marks the run complete
        }
        return res;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** A.npy (L, d, d) with A[k] acting on column vectors (the reference's row-vector A is A[k].T), b.npy (L, d), delta.npy. */
    static void writeWeights(ResidualMlp net, double[] p, Path dir) {
        int depth = net.depth();
        int d = net.width();
        double[] a = new double[depth * d * d];
        double[] b = new double[depth * d];
        for (int k = 0; k < depth; k++) {
            System.arraycopy(p, net.offsetA(k), a, k * d * d, d * d);
            System.arraycopy(p, net.offsetB(k), b, k * d, d);
        }
        Npy.writeFloat32(dir.resolve("A.npy"), a, depth, d, d);
        Npy.writeFloat32(dir.resolve("b.npy"), b, depth, d);
        if (net.deltaMode() != DeltaMode.NONE) {
            int n = net.deltaMode().count(depth);
            double[] delta = new double[n];
            System.arraycopy(p, net.offsetDelta(), delta, 0, n);
            Npy.writeFloat32(dir.resolve("delta.npy"), delta, n);
        }
    }

    /**
     * entry_paths.csv: one row per (epoch, layer) with every probed entry. Epochs before a resume are
     * not in it (the probe lives in memory); a resumed run records from its restart on.
     */
    private static void writeEntryPaths(EntryPathProbe probe, Path dir) {
        List<String> header = new ArrayList<>(List.of("epoch", "layer"));
        probe.entries().forEach(e -> header.add(e.name()));
        List<List<?>> rows = new ArrayList<>();
        for (int i = 0; i < probe.epochs().size(); i++) {
            double[][] v = probe.values().get(i);
            for (int k = 0; k < v[0].length; k++) {
                List<Object> row = new ArrayList<>(List.of(probe.epochs().get(i), k));
                for (double[] entry : v) {
                    row.add(entry[k]);
                }
                rows.add(row);
            }
        }
        Csv.write(dir.resolve("entry_paths.csv"), header, rows);
    }

    private static void writeLosses(TrainResult r, Path dir) {
        List<List<?>> rows = new ArrayList<>();
        double[] l = r.epochLosses();
        for (int e = 0; e < l.length; e++) {
            rows.add(List.of(e, l[e]));
        }
        Csv.write(dir.resolve("loss.csv"), List.of("epoch", "mean_batch_loss"), rows);
    }

    /**
     * Mean ||h_k|| and ||h_{k+1} - h_k|| over 5 training inputs and over 5 random unit vectors
     * (out-of-sample), as the reference's hidden-state plots.
     */
    static void writeHiddenNorms(ResidualMlp net, double[] p, Dataset data, long seed, Path dir) {
        int d = net.width();
        Rng rng = Rng.derive(seed, "hidden-probe", net.depth());
        int m = Math.min(5, data.size());
        double[][] train = new double[m][d];
        double[][] random = new double[5][d];
        for (int s = 0; s < m; s++) {
            int row = rng.nextInt(data.size());
            for (int i = 0; i < d; i++) {
                train[s][i] = data.x()[row * d + i];
            }
        }
        for (double[] v : random) {
            double n = 0;
            for (int i = 0; i < d; i++) {
                v[i] = rng.nextGaussian();
                n += v[i] * v[i];
            }
            for (int i = 0; i < d; i++) {
                v[i] /= Math.sqrt(n);
            }
        }
        ReferenceKernel ref = new ReferenceKernel(net);
        double[][][] ht = ref.hiddenStates(p, train);
        double[][][] hr = ref.hiddenStates(p, random);
        List<List<?>> rows = new ArrayList<>();
        for (int k = 0; k <= net.depth(); k++) {
            rows.add(List.of(k, meanNorm(ht, k, false), k < net.depth() ? meanNorm(ht, k, true) : Double.NaN,
                    meanNorm(hr, k, false), k < net.depth() ? meanNorm(hr, k, true) : Double.NaN));
        }
        Csv.write(dir.resolve("hidden_norms.csv"),
                List.of("layer", "train_norm", "train_step_norm", "random_norm", "random_step_norm"), rows);
    }

    private static double meanNorm(double[][][] h, int k, boolean step) {
        double total = 0;
        for (int s = 0; s < h[k].length; s++) {
            double sum = 0;
            for (int i = 0; i < h[k][s].length; i++) {
                double v = step ? h[k + 1][s][i] - h[k][s][i] : h[k][s][i];
                sum += v * v;
            }
            total += Math.sqrt(sum);
        }
        return total / h[k].length;
    }
}
