package org.layerwise.study.scaling;

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
import org.layerwise.io.Npy;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.train.Adam;
import org.layerwise.train.Checkpoint;
import org.layerwise.train.EntryPathProbe;
import org.layerwise.train.Optimizer;
import org.layerwise.train.RmsProp;
import org.layerwise.train.Sgd;
import org.layerwise.train.TrainResult;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;
import org.layerwise.util.Rng;

/**
 * One network of a scaling study: a depth and a seed. Trains it (resuming from its checkpoint when
 * that is usable) and writes its files: weights as .npy, per-epoch losses, hidden-state norms and, for
 * the deepest depth, the entry paths. The runner then marks the run complete.
 */
final class DepthRun {
    private DepthRun() {
    }

    static Optimizer optimizer(ScalingConfig c) {
        return switch (c.optimizer()) {
            case "sgd" -> new Sgd(c.lr(), c.momentum(), 0, c.weightDecay(), false);
            case "adam" -> new Adam(c.lr(), 0.9, 0.999, 1e-8, c.weightDecay());
            case "rmsprop" -> new RmsProp(c.lr(), 0.99, 1e-8, c.momentum(), c.weightDecay());
            default -> throw new IllegalStateException(c.optimizer());
        };
    }

    static ResidualKernel kernel(ScalingConfig c, ResidualMlp net, int threads) {
        return c.float64() ? new ReferenceKernel(net) : new FusedKernel(net, threads, c.batchSize());
    }

    static Map<String, Object> run(ScalingConfig c, Dataset data, int depth, int seedIndex, String fingerprint, RunFolder folder,
                                   RunContext ctx, boolean deepest) {
        Checkpoint resume = folder.usableCheckpoint(fingerprint, ctx.log());
        try {
            return train(c, data, depth, seedIndex, fingerprint, folder, ctx, deepest, resume);
        } catch (Checkpoint.Unusable e) {
            ctx.log().println(folder.id() + ": the checkpoint " + e.getMessage() + "; starting this run over");
            folder.clear();
            return train(c, data, depth, seedIndex, fingerprint, folder, ctx, deepest, null);
        }
    }

    private static Map<String, Object> train(ScalingConfig c, Dataset data, int depth, int seedIndex, String fingerprint, RunFolder folder,
                                             RunContext ctx, boolean deepest, Checkpoint resume) {
        long seed = c.seed() + seedIndex;
        Path dir = folder.dir();
        ResidualMlp net = new ResidualMlp(depth, c.width(), c.activation(), c.delta());
        double[] params = net.initialise(c.init(), c.initScale(), Rng.derive(seed, "init", depth));
        Optimizer opt = optimizer(c);
        // the fused kernel's results do not depend on its thread count (fixed chunks, summed in order), so a
        // resumed run takes whatever threads it is given: its checkpoint pins none
        int threads = ctx.threads();
        List<TrainingListener> listeners = new ArrayList<>(List.of(ctx.progress()));
        EntryPathProbe paths = null;
        // the deepest run records entry paths; a run that started recording (its checkpoint says so) goes on recording
        boolean record = resume != null ? resume.has("entry_paths.rows") : deepest;
        if (record) {
            // 5 A-entries and 5 b-entries drawn at random, as the reference (seeded here)
            Rng pick = Rng.derive(seed, "entry-paths", depth);
            List<EntryPathProbe.Entry> entries = new ArrayList<>();
            for (int e = 0; e < ScalingStudy.ENTRIES / 2; e++) {
                entries.add(new EntryPathProbe.Entry(pick.nextInt(c.width()), pick.nextInt(c.width())));
            }
            for (int e = 0; e < ScalingStudy.ENTRIES / 2; e++) {
                entries.add(new EntryPathProbe.Entry(pick.nextInt(c.width()), -1));
            }
            int every = EntryPathProbe.thinning(ScalingStudy.maxEpochs(c), ScalingStudy.ENTRIES, depth, c.entryPathsBudgetBytes());
            paths = new EntryPathProbe(net, entries, dir, every);
            listeners.add(paths);
        }
        long t0 = System.nanoTime();
        TrainResult r;
        double trainLoss;
        int used;
        String kernelName;
        try (ResidualKernel kernel = kernel(c, net, threads)) {
            used = kernel instanceof FusedKernel f ? f.threads() : 1;
            // what actually ran, from the kernel object itself (not the setting that asked for it)
            kernelName = kernel instanceof FusedKernel f ? "FusedKernel (float32, " + f.layout().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ", "
                    + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED + ")"
                    : kernel.getClass().getSimpleName() + " (float64)";
            Trainer trainer = new Trainer(new Trainer.Settings(c.batchSize(), c.maxUpdates(), c.epsilon(), c.stopRule(),
                    c.patience(), Rng.derive(seed, "shuffle-seed", depth).nextLong(), c.checkpointEvery(), c.replicateShuffleBug()),
                    listeners, ctx.stop(), step -> c.lr());
            r = trainer.train(kernel, params, opt, data, new Trainer.Checkpoints(folder.checkpoint(), resume,
                    Map.of("fingerprint", fingerprint, "run", folder.id())));
            trainLoss = r.reason() == TrainResult.Reason.DIVERGED ? Double.NaN : kernel.loss(params, data);
        } finally {
            if (paths != null) {
                paths.close();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        writeWeights(net, params, dir);
        writeLosses(r, dir);
        writeHiddenNorms(net, params, data, seed, dir);

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
        res.put("threads", used);
        res.put("precision", c.float64() ? "float64" : "float32");
        res.put("kernel", kernelName);
        res.put("resumed_at_update", resume != null ? resume.getLong("updates") : null);
        res.put("seconds", seconds);
        res.put("outcome", String.format("L=%d seed %d: %s after %d updates, train loss %s (%.1f s)", depth, seedIndex,
                r.reason() == TrainResult.Reason.DIVERGED ? "DIVERGED" : r.reason().name(), r.reason() == TrainResult.Reason.DIVERGED
                        ? r.divergedAt() : r.updates(), Double.isFinite(trainLoss) ? String.format("%.3e", trainLoss) : "n/a", seconds));
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
