package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.train.Checkpoint;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.NetworkFactory;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;
import org.layerwise.train.schedule.ConstrainedElr;
import org.layerwise.train.schedule.LrSchedule;

/**
 * One training run of an ELR study: a ResNet trained with SGD and a schedule, observed by the
 * {@link ElrProbe}. What varies between the runs of a study (residual connections, warm-up, learning
 * rate, depth, seed) comes from the run's settings; the rest from the study config.
 */
final class ElrRun {
    private ElrRun() {
    }

    /** The settings of one run: the config's, overridden by the run's own grid values. */
    record Settings(boolean residual, String warmup, double lr, int depth, long seed) {
        static Settings of(ElrConfig c, Map<String, Object> run) {
            return new Settings(!"no-short".equals(run.getOrDefault("residual", c.residual() ? "short" : "no-short")),
                    (String) run.getOrDefault("warmup", c.warmup()), ((Number) run.getOrDefault("lr", c.lr())).doubleValue(),
                    ((Number) run.getOrDefault("depth", c.depth())).intValue(), ((Number) run.get("seed")).longValue());
        }
    }

    static NetworkSpec network(ElrConfig c, Settings s, int classes, int threads) {
        return new NetworkSpec(c.architecture(), s.depth(), classes, 3, s.residual(), c.bnAffine(), c.shortcutType(), c.device(), threads,
                c.momentum(), c.weightDecay(), c.nesterov(), s.seed());
    }

    /** The learning rate of every step: schedule, then warm-up, then (optionally) constrained ELR. */
    static LrSchedule schedule(ElrConfig c, Settings s) {
        long steps = c.steps();
        LrSchedule base = switch (c.schedule()) {
            case "constant" -> LrSchedule.constant(s.lr());
            case "step" -> {
                List<Double> f = c.numbers("milestones", org.layerwise.config.Range.open(0, 1), "fractions in (0, 1)");
                long[] m = f.stream().mapToLong(x -> Math.max(1, Math.round(x * steps))).distinct().sorted().toArray();
                yield LrSchedule.step(s.lr(), m, c.gamma());
            }
            case "cosine" -> LrSchedule.cosine(s.lr(), 0, steps);
            default -> throw new IllegalStateException(c.schedule());
        };
        LrSchedule warmed = switch (s.warmup()) {
            case "none" -> base;
            case "linear" -> base.withLinearWarmup(c.warmupSteps(), c.warmupStart());
            case "elr" -> base.withElrWarmup();
            default -> throw new ConfigException("warmup: unknown value '" + s.warmup() + "'; allowed: one of none, linear, elr");
        };
        return c.constrainedElr() > 0 ? new ConstrainedElr(LrSchedule.constant(c.constrainedElr()), warmed) : warmed;
    }

    /** @param live redraws the study's report while training (every report-every-seconds), or null */
    static Map<String, Object> run(ElrConfig c, ElrData data, RunSpec spec, RunFolder folder, RunContext ctx, Runnable live) {
        return run(c, data, spec, folder, ctx, live, (net, loader) -> List.of());
    }

    /** Listeners a study adds to a run, which may drive the network between steps (the critical-LR experiment). */
    interface Extras {
        List<TrainingListener> create(TrainableNetwork net, org.layerwise.data.image.BatchLoader train);
    }

    static Map<String, Object> run(ElrConfig c, ElrData data, RunSpec spec, RunFolder folder, RunContext ctx, Runnable live, Extras extras) {
        Settings s = Settings.of(c, spec.settings());
        Checkpoint resume = folder.usableCheckpoint(spec.fingerprint(), ctx.log());
        // libtorch's thread count is part of a run's arithmetic: a resumed run keeps the count it started with
        int threads = resume != null ? Integer.parseInt(resume.text("threads")) : ctx.threads();
        long t0 = System.nanoTime();
        ImageTrainer.Result r;
        String engine;
        int used;
        try (TrainableNetwork net = NetworkFactory.find().create(network(c, s, data.train.numClasses(), threads));
             ElrProbe probe = new ElrProbe(folder.dir(), c.probeEvery())) {
            engine = net.describe();
            used = net.threads();
            org.layerwise.data.image.BatchLoader train = data.trainLoader(c, s.seed());
            List<TrainingListener> listeners = new ArrayList<>(List.of(ctx.progress(), probe));
            listeners.addAll(extras.create(net, train));
            if (live != null) {
                List<TrainingListener> flushed = List.copyOf(listeners);
                listeners.add(new LiveReport(c.reportEverySeconds(), () -> flushed.stream().filter(l -> l instanceof java.io.Flushable)
                        .forEach(l -> flush((java.io.Flushable) l)), live));
            }
            r = new ImageTrainer(new ImageTrainer.Settings(c.steps(), c.checkpointEvery(), c.evalEvery()), listeners, ctx.stop())
                    .train(net, train, data.testLoader(c), schedule(c, s),
                            new Trainer.Checkpoints(folder.checkpoint(), resume, ImageTrainer.meta(spec.fingerprint(), threads, spec.id())));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("network", (s.residual() ? "short" : "no-short") + " ResNet-" + s.depth());
        res.put("residual", s.residual() ? "short" : "no-short");
        res.put("depth", s.depth());
        res.put("warmup", s.warmup());
        res.put("lr", s.lr());
        res.put("seed", s.seed());
        res.put("stop_reason", r.diverged() ? "DIVERGED" : "STEPS");
        res.put("steps", r.steps());
        res.put("diverged_at_step", r.diverged() ? r.divergedAt() : null);
        res.put("last_batch_loss", finite(r.lastLoss()));
        res.put("test_loss", finite(r.evalLoss()));
        res.put("test_accuracy", finite(r.evalAccuracy()));
        res.put("threads", used);
        res.put("engine", engine);
        res.put("resumed_at_step", resume != null ? resume.getLong("updates") : null);
        res.put("seconds", seconds);
        res.put("outcome", String.format("%s after %d steps, test accuracy %s (%.0f s)", r.diverged() ? "DIVERGED" : "done",
                r.steps(), Double.isFinite(r.evalAccuracy()) ? String.format("%.3f", r.evalAccuracy()) : "n/a", seconds));
        return res;
    }

    private static void flush(java.io.Flushable f) {
        try {
            f.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
