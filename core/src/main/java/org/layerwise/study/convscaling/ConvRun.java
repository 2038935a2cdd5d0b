package org.layerwise.study.convscaling;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.io.Csv;
import org.layerwise.io.Npy;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.train.Checkpoint;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.NetworkFactory;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.Parameters;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;
import org.layerwise.train.schedule.LrSchedule;

/**
 * One network of the conv scaling study: a depth L and a seed. Trains it with SGD (momentum, weight
 * decay, constant or cosine rate) until an epoch's mean training loss falls below ε or max-updates
 * are taken [paper, seeds/003], resuming from its checkpoint; then writes its files:
 * {@code loss.csv} (epoch means), {@code spectra.json} (the per-block spectral norms the analysis
 * fits, {@link BlockSpectra}) and, with {@code save-kernels}, {@code kernels/<name>.npy}.
 */
final class ConvRun {
    static final String SPECTRA = "spectra.json";
    static final String LOSS = "loss.csv";
    /** Input images are 32x32 (CIFAR-10, or Fashion-MNIST padded). */
    static final int IMAGE_SIZE = 32;

    private ConvRun() {
    }

    /** The run's depth and seed from its settings. */
    record Point(int depth, int seedIndex) {
        static Point of(RunSpec run) {
            return new Point(((Number) run.settings().get("depth")).intValue(), ((Number) run.settings().get("seed-index")).intValue());
        }
    }

    static NetworkSpec network(ConvScalingConfig c, int depth, long seed, int classes, int threads) {
        return NetworkSpec.cohenConvResNet(depth, c.width(), classes, c.device(), threads, c.momentum(), c.weightDecay(), seed);
    }

    static LrSchedule schedule(ConvScalingConfig c) {
        return c.schedule().equals("cosine") ? LrSchedule.cosine(c.lr(), 0, c.maxUpdates()) : LrSchedule.constant(c.lr());
    }

    static Map<String, Object> run(ConvScalingConfig c, ConvData data, RunSpec spec, RunFolder folder, RunContext ctx) {
        Point pt = Point.of(spec);
        long seed = c.seed() + pt.seedIndex();
        Checkpoint resume = folder.usableCheckpoint(spec.fingerprint(), ctx.log());
        int threads = resume != null ? Integer.parseInt(resume.text("threads")) : ctx.threads();
        long t0 = System.nanoTime();
        ImageTrainer.Result r;
        String engine;
        int used;
        LossCurve curve = new LossCurve();
        BlockSpectra spectra;
        try (TrainableNetwork net = NetworkFactory.find().create(network(c, pt.depth(), seed, data.train.numClasses(), threads))) {
            engine = net.describe();
            used = net.threads();
            BatchLoader train = data.trainLoader(c, seed);
            List<TrainingListener> listeners = List.of(ctx.progress(), curve);
            r = new ImageTrainer(new ImageTrainer.Settings(c.maxUpdates(), c.checkpointEvery(), 0, c.epsilon()), listeners, ctx.stop())
                    .train(net, train, data.testLoader(), schedule(c),
                            new Trainer.Checkpoints(folder.checkpoint(), resume, ImageTrainer.meta(spec.fingerprint(), threads, spec.id())));
            Map<String, float[]> kernels = kernels(net.parameters());
            spectra = r.diverged() ? null : BlockSpectra.compute(pt.depth(), c.width(), IMAGE_SIZE, kernels::get, threads);
            if (c.saveKernels() && !r.diverged()) {
                Path dir = folder.file("kernels");
                try {
                    java.nio.file.Files.createDirectories(dir);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                for (ConvResNetLayout.Block b : ConvResNetLayout.blocks(pt.depth(), c.width(), IMAGE_SIZE)) {
                    Npy.writeFloat32(dir.resolve(b.conv1() + ".npy"), widen(kernels.get(b.conv1())), b.outChannels(), b.inChannels(), 3, 3);
                    Npy.writeFloat32(dir.resolve(b.conv2() + ".npy"), widen(kernels.get(b.conv2())), b.outChannels(), b.outChannels(), 3, 3);
                    if (b.projection()) {
                        Npy.writeFloat32(dir.resolve(b.shortcut() + ".npy"), widen(kernels.get(b.shortcut())), b.outChannels(), b.inChannels(), 1, 1);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Csv.write(folder.file(LOSS), List.of("epoch", "updates", "mean_train_loss"), curve.rows());
        if (spectra != null) {
            SpectraJson.write(folder.file(SPECTRA), spectra, c.width(), IMAGE_SIZE);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("depth", pt.depth());
        res.put("seed_index", pt.seedIndex());
        res.put("seed", seed);
        res.put("width", c.width());
        res.put("stop_reason", r.diverged() ? "DIVERGED" : r.converged() ? "CONVERGED" : "MAX_UPDATES");
        res.put("updates", r.steps());
        res.put("diverged_at_step", r.diverged() ? r.divergedAt() : null);
        res.put("final_train_loss", finite(r.lastEpochLoss()));
        res.put("last_batch_loss", finite(r.lastLoss()));
        res.put("test_loss", finite(r.evalLoss()));
        res.put("test_accuracy", finite(r.evalAccuracy()));
        res.put("threads", used);
        res.put("engine", engine);
        res.put("resumed_at_step", resume != null ? resume.getLong("updates") : null);
        res.put("seconds", seconds);
        res.put("outcome", String.format("%s after %d updates, epoch loss %s, test accuracy %s (%.0f s)", res.get("stop_reason"), r.steps(),
                fmt(r.lastEpochLoss()), fmt(r.evalAccuracy()), seconds));
        return res;
    }

    /** Every block kernel by its layout name (conv1, conv2, shortcut), as flat row-major float32 values (what the network holds). */
    static Map<String, float[]> kernels(Parameters p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < p.count(); i++) {
            String n = p.name(i);
            if (n.startsWith("layer") && n.endsWith(".weight")) {
                double[] v = p.values(i);
                float[] f = new float[v.length];
                for (int k = 0; k < v.length; k++) {
                    f[k] = (float) v[k];
                }
                out.put(n, f);
            }
        }
        return out;
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format("%.4g", v) : "n/a";
    }

    /** The mean training loss of every epoch, kept through checkpoints so a resumed run writes the same loss.csv. */
    static final class LossCurve implements TrainingListener {
        private final List<double[]> rows = new ArrayList<>();

        @Override
        public void onEpochEnd(int epoch, long updates, double meanLoss, Parameters params) {
            rows.add(new double[] {epoch, updates, meanLoss});
        }

        @Override
        public void saveState(Checkpoint c) {
            double[] flat = new double[rows.size() * 3];
            for (int i = 0; i < rows.size(); i++) {
                System.arraycopy(rows.get(i), 0, flat, 3 * i, 3);
            }
            c.putDoubles(name() + ".rows", flat);
        }

        @Override
        public void restoreState(Checkpoint c) {
            rows.clear();
            if (c.has(name() + ".rows")) {
                double[] flat = c.getDoubles(name() + ".rows");
                for (int i = 0; i + 2 < flat.length; i += 3) {
                    rows.add(new double[] {flat[i], flat[i + 1], flat[i + 2]});
                }
            }
        }

        List<List<Object>> rows() {
            List<List<Object>> out = new ArrayList<>();
            for (double[] r : rows) {
                out.add(List.of((long) r[0], (long) r[1], r[2]));
            }
            return out;
        }
    }
}
