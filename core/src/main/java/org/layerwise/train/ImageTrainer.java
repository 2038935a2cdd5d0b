package org.layerwise.train;

import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.layerwise.data.image.Batch;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.BatchStream;
import org.layerwise.train.schedule.LrSchedule;

/**
 * Minibatch SGD for image classifiers (the ResNets of the ELR studies), written so that one step is
 * readable top to bottom in {@link #train}. The loop knows nothing about effective learning rates:
 * the schedule decides each step's rates (it may look at the measured weight and gradient norms, as
 * the ELR warm-up does), and probes observe through {@link TrainingListener}s.
 *
 * <p>Step t uses batch t of the loader's endless stream (epoch t / B, batch t % B), so a run resumed
 * at step t sees the same batches as an uninterrupted one; the checkpoint holds the network's state
 * (weights, BN buffers, momentum), the schedule's state, the counters and every listener's state.
 */
public final class ImageTrainer {
    /**
     * @param steps           updates to take
     * @param checkpointEvery updates between checkpoints (0 = only when stopped)
     * @param evalEvery       updates between evaluations on the held-out set (0 = only at the end)
     * @param lossTarget      stop when an epoch's mean training loss (over the batch losses before each update, as the
     *                        reference code of Cohen et al. averages them) falls below this; 0 = never
     */
    public record Settings(long steps, long checkpointEvery, long evalEvery, double lossTarget) {
        public Settings(long steps, long checkpointEvery, long evalEvery) {
            this(steps, checkpointEvery, evalEvery, 0);
        }
    }

    /**
     * How a run ended: every step taken, converged (an epoch's mean loss below the target), or diverged
     * (non-finite loss or gradient) at a step. {@code lastEpochLoss} is the mean loss of the last complete epoch (NaN before one).
     */
    public record Result(boolean diverged, long steps, long divergedAt, double lastLoss, double evalLoss, double evalAccuracy,
                         boolean converged, double lastEpochLoss) {
    }

    private final Settings s;
    private final List<TrainingListener> listeners;
    private final BooleanSupplier stop;

    public ImageTrainer(Settings settings, List<TrainingListener> listeners, BooleanSupplier stop) {
        this.s = settings;
        this.listeners = List.copyOf(listeners);
        this.stop = stop;
    }

    /**
     * Trains {@code net} with the rates of {@code schedule} on batches of {@code train}, evaluating on
     * {@code eval} (which may be null); resumes from {@code ck.resumeFrom()} when it is set.
     */
    public Result train(TrainableNetwork net, BatchLoader train, BatchLoader eval, LrSchedule schedule, Trainer.Checkpoints ck) {
        long start = 0;
        double[] epochLoss = {0, 0, Double.NaN}; // sum and count of this epoch's batch losses, the last complete epoch's mean
        if (ck.resumeFrom() != null) {
            Checkpoint c = ck.resumeFrom();
            start = c.getLong("updates");
            if (c.has("epoch-loss")) {
                epochLoss = c.getDoubles("epoch-loss");
            }
            net.restore(c.getBytes("network"));
            schedule.importState(c.getLongs("schedule"));
            listeners.forEach(l -> l.restoreState(c));
        }
        listeners.forEach(l -> l.onBegin(ck.resumeFrom() == null ? 0 : ck.resumeFrom().getLong("updates")));
        Parameters p = net.parameters();
        int[] normalized = normalizedTensors(p);
        double[] sigma = new double[normalized.length];
        double[] gradNorm = new double[normalized.length];
        double[] layerRates = new double[normalized.length];
        double[] lrs = new double[p.count()];
        MutableStep view = new MutableStep();
        int perEpoch = train.batchesPerEpoch();
        double lastLoss = Double.NaN;
        try (BatchStream batches = train.stream((int) (start / perEpoch), (int) (start % perEpoch))) {
            for (long step = start; step < s.steps(); step++) {
                Batch b = batches.next();
                // forward and backward
                TrainableNetwork.Outcome o = net.forwardBackward(b.images(), b.labels(), b.size(), b.channels(), b.height(), b.width());
                p = net.parameters();
                measure(p, normalized, sigma, gradNorm);
                if (!Double.isFinite(o.loss()) || !finite(gradNorm)) {
                    return end(step, true, false, o.loss(), Double.NaN, Double.NaN, epochLoss[2]);
                }
                // this step's learning rates: the schedule may use the norms just measured (ELR warm-up, constrained ELR)
                double base = schedule.needsMeasurement(step) ? schedule.lr(step, sigma, gradNorm) : schedule.lr(step);
                if (schedule.perLayer()) {
                    schedule.rates(step, sigma, gradNorm, layerRates);
                } else {
                    java.util.Arrays.fill(layerRates, base);
                }
                java.util.Arrays.fill(lrs, base);
                for (int j = 0; j < normalized.length; j++) {
                    lrs[normalized[j]] = layerRates[j];
                }
                view.set(step, b.epoch(), o.loss(), o.accuracy(), base, lrs, p);
                view.notify(listeners, true);
                // the update
                net.update(lrs);
                view.parameters(net.parameters());
                view.notify(listeners, false);
                lastLoss = o.loss();
                epochLoss[0] += o.loss();
                epochLoss[1]++;
                boolean converged = false;
                if ((step + 1) % perEpoch == 0) {
                    epochLoss[2] = epochLoss[0] / epochLoss[1];
                    epochLoss[0] = 0;
                    epochLoss[1] = 0;
                    converged = s.lossTarget() > 0 && epochLoss[2] < s.lossTarget();
                    for (TrainingListener l : listeners) {
                        l.onEpochEnd(b.epoch(), step + 1, epochLoss[2], net.parameters());
                    }
                }
                if (converged) {
                    double[] last = eval == null ? new double[] {Double.NaN, Double.NaN} : evaluate(net, eval, step + 1);
                    return end(step + 1, false, true, lastLoss, last[0], last[1], epochLoss[2]);
                }
                boolean stopping = stop.getAsBoolean();
                if (s.evalEvery() > 0 && (step + 1) % s.evalEvery() == 0 && eval != null && step + 1 < s.steps()) {
                    evaluate(net, eval, step + 1);
                }
                if (ck.path() != null && (stopping || (s.checkpointEvery() > 0 && (step + 1) % s.checkpointEvery() == 0))) {
                    save(ck, net, schedule, step + 1, epochLoss);
                }
                if (stopping) {
                    throw new Trainer.Interrupted(step + 1);
                }
            }
        }
        double[] last = eval == null ? new double[] {Double.NaN, Double.NaN} : evaluate(net, eval, s.steps());
        return end(s.steps(), false, false, lastLoss, last[0], last[1], epochLoss[2]);
    }

    /** Mean loss and accuracy over the whole evaluation set, in order. */
    private double[] evaluate(TrainableNetwork net, BatchLoader eval, long step) {
        double lossSum = 0;
        double correct = 0;
        long n = 0;
        try (BatchStream batches = eval.epoch(0, 0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                TrainableNetwork.Outcome o = net.evaluate(b.images(), b.labels(), b.size(), b.channels(), b.height(), b.width());
                lossSum += o.loss();
                correct += o.accuracy();
                n += b.size();
            }
        }
        double loss = lossSum / Math.max(1, n);
        double acc = correct / Math.max(1, n);
        for (TrainingListener l : listeners) {
            l.onEvaluation(step, loss, acc);
        }
        return new double[] {loss, acc};
    }

    private Result end(long steps, boolean diverged, boolean converged, double loss, double evalLoss, double evalAcc, double epochLoss) {
        TrainResult.Reason reason = diverged ? TrainResult.Reason.DIVERGED : converged ? TrainResult.Reason.CONVERGED : TrainResult.Reason.MAX_UPDATES;
        TrainResult r = new TrainResult(reason, steps, 0, diverged ? Double.NaN : loss, diverged ? steps : -1, new double[0]);
        listeners.forEach(l -> l.onEnd(r));
        return new Result(diverged, steps, diverged ? steps : -1, loss, evalLoss, evalAcc, converged, epochLoss);
    }

    private void save(Trainer.Checkpoints ck, TrainableNetwork net, LrSchedule schedule, long updates, double[] epochLoss) {
        Checkpoint c = new Checkpoint();
        c.putText("kind", "image-classifier");
        ck.meta().forEach(c::putText);
        c.putLong("updates", updates);
        c.putBytes("network", net.state());
        c.putLongs("schedule", schedule.exportState());
        c.putDoubles("epoch-loss", epochLoss);
        for (TrainingListener l : listeners) {
            l.saveState(c); // listeners flush their streams first: the checkpoint never points past their data
        }
        c.write(ck.path());
    }

    /** Indices of the scale-invariant tensors, in order: the "layers" whose ELRs are measured and steered. */
    public static int[] normalizedTensors(Parameters p) {
        return java.util.stream.IntStream.range(0, p.count()).filter(p::scaleInvariant).toArray();
    }

    private static void measure(Parameters p, int[] normalized, double[] sigma, double[] gradNorm) {
        for (int j = 0; j < normalized.length; j++) {
            sigma[j] = Math.sqrt(p.normSquared(normalized[j]));
            gradNorm[j] = Math.sqrt(p.gradNormSquared(normalized[j]));
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

    /** Text fields every checkpoint of a run carries (see {@link Trainer.Checkpoints}). */
    public static Map<String, String> meta(String fingerprint, int threads, String run) {
        return Map.of("fingerprint", fingerprint, "threads", Integer.toString(threads), "run", run);
    }
}
