package org.layerwise.engine.torch.bench;

import org.layerwise.engine.torch.model.Device;
import org.layerwise.engine.torch.model.Precision;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.train.Batch;
import org.layerwise.engine.torch.train.GradientStats;
import org.layerwise.engine.torch.train.Sgd;
import org.layerwise.engine.torch.train.TrainStep;

/**
 * The libtorch training step without the core loop and without statistics, timed phase by phase on
 * its own model: {@link TrainStep#forwardBackward} and {@link Sgd#step} on batches converted once
 * (as the Python peer's batches are made once). Beside it, without changing the model, it times what
 * the loop adds to a step: converting a batch from Java arrays to a tensor ({@link Batch#of}), the
 * statistics after backward ({@link GradientStats#measure}), and the statistics of the update (an
 * extra update with learning rate 0, which leaves every weight as it is, once with and once without
 * UpdateStats; the difference is their cost).
 *
 * <p>On CUDA the phases are approximate: the update runs asynchronously and is paid for by the next
 * synchronising call.
 */
final class BareStep implements AutoCloseable {
    private final ResNet model;
    private final Sgd sgd;
    private final RandomImages images;
    private final int batch;
    private final int size;
    private final Batch[] batches;
    private final double[] lrs;
    private final double[] zero;
    final double[] stepMs;
    final double[] stepCpuMs;
    final double[] stepFaults;
    final double[] toTensorMs;
    final double[] forwardBackwardMs;
    final double[] updateMs;
    final double[] gradientStatsMs;
    final double[] updateStatsMs;

    BareStep(ResNetSpec arch, long seed, Device device, RandomImages images, int batch, int pool, int steps, double lr) {
        this.model = ResNet.create(arch, seed, device, Precision.FLOAT32);
        this.sgd = Sgd.vanilla(model);
        this.images = images;
        this.batch = batch;
        this.size = images.height();
        this.batches = new Batch[pool];
        for (int b = 0; b < pool; b++) {
            batches[b] = convert(b);
        }
        this.lrs = Sgd.uniformRates(model, lr);
        this.zero = Sgd.uniformRates(model, 0);
        stepMs = new double[steps];
        stepCpuMs = new double[steps];
        stepFaults = new double[steps];
        toTensorMs = new double[steps];
        forwardBackwardMs = new double[steps];
        updateMs = new double[steps];
        gradientStatsMs = new double[steps];
        updateStatsMs = new double[steps];
    }

    private Batch convert(int b) {
        return Batch.of(model, images.images(b * batch, batch), images.labels(b * batch, batch), size, size);
    }

    /** Step {@code i}: times its phases into the i-th entry of each array. */
    void run(int i) {
        int b = i % batches.length;
        long t0 = System.nanoTime();
        try (Batch fresh = convert(b)) {
            toTensorMs[i] = (System.nanoTime() - t0) / 1e6;
        }
        long f1 = ProcessMemory.minorFaults();
        long c1 = StepClock.threadCpuNanos();
        long t1 = System.nanoTime();
        TrainStep.forwardBackward(model, batches[b]);
        long t2 = System.nanoTime();
        sgd.step(lrs, false);
        long t3 = System.nanoTime();
        stepCpuMs[i] = (StepClock.threadCpuNanos() - c1) / 1e6;
        stepFaults[i] = ProcessMemory.minorFaults() - f1;
        GradientStats measured = GradientStats.measure(model);
        long t4 = System.nanoTime();
        sgd.step(zero, false);
        long t5 = System.nanoTime();
        sgd.step(zero, measured); // as the study loop (TorchNetwork.update) asks for its statistics
        long t6 = System.nanoTime();
        forwardBackwardMs[i] = (t2 - t1) / 1e6;
        updateMs[i] = (t3 - t2) / 1e6;
        stepMs[i] = forwardBackwardMs[i] + updateMs[i];
        gradientStatsMs[i] = (t4 - t3) / 1e6;
        updateStatsMs[i] = ((t6 - t5) - (t5 - t4)) / 1e6;
    }

    @Override
    public void close() {
        for (Batch b : batches) {
            b.close();
        }
        sgd.close();
        model.close();
    }
}
