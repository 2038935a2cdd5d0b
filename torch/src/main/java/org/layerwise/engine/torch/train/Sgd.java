package org.layerwise.engine.torch.train;

import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.Tensors;

/**
 * Stochastic gradient descent with torch.optim.SGD's semantics (dampening 0, maximize off) and a
 * learning rate per parameter tensor. For parameter p with gradient g and rate lr:
 * <pre>
 *   d = g + weightDecay·p                       (if weightDecay != 0)
 *   buf = d (first step) | momentum·buf + d     (if momentum != 0)
 *   d = d + momentum·buf (nesterov) | buf       (if momentum != 0)
 *   p = p - lr·d
 * </pre>
 * The same libtorch operations in the same order as torch.optim.SGD's single-tensor path, so a
 * step matches it bit for bit on CPU. The momentum buffers are the whole state; {@link Checkpoint}
 * saves and restores them with the model.
 */
public final class Sgd implements AutoCloseable {
    static {
        Natives.load();
    }

    private final ResNet model;
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;
    private final Tensor[] momentumBuffers;

    /**
     * @param momentum    0 for vanilla SGD (the paper's setting), else in (0, 1)
     * @param weightDecay L2 coefficient added to the gradient (0 in the paper)
     * @param nesterov    Nesterov momentum (needs momentum &gt; 0)
     */
    public Sgd(ResNet model, double momentum, double weightDecay, boolean nesterov) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1): got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("SGD weight decay must be finite and >= 0: got " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov SGD needs momentum > 0");
        }
        this.model = model;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
        this.momentumBuffers = new Tensor[model.parameterCount()];
    }

    /** Vanilla SGD: no momentum, no weight decay. */
    public static Sgd vanilla(ResNet model) {
        return new Sgd(model, 0, 0, false);
    }

    /** The same rate for every parameter of {@code model} (a global learning rate). */
    public static double[] uniformRates(ResNet model, double lr) {
        double[] lrs = new double[model.parameterCount()];
        Arrays.fill(lrs, lr);
        return lrs;
    }

    public ResNet model() {
        return model;
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public boolean nesterov() {
        return nesterov;
    }

    /** Updates every parameter with its own rate, {@code lrs[i]} for parameter i in the stable order. */
    public void step(double[] lrs) {
        step(lrs, false);
    }

    /**
     * Updates every parameter with its own rate and returns what the step did to each tensor, reusing
     * {@code measured} (the statistics of the current weights and gradients, taken after the backward
     * pass and before any change to either) where the step direction is the gradient itself: plain SGD,
     * no momentum and no weight decay. Then ||w||^2, &lt;w,d&gt; and ||d||^2 are the same float64 sums
     * GradientStats computed (the same libtorch operations on the same tensors, bit for bit), and the
     * second pass over every tensor is skipped (about 20 ms of a 900 ms ResNet-56 step on 2 CPU threads,
     * BENCHMARKS.md). Otherwise, or when {@code measured} is null, it measures as {@link #step(double[], boolean)}.
     */
    public UpdateStats step(double[] lrs, GradientStats measured) {
        if (measured == null || momentum != 0 || weightDecay != 0) {
            return step(lrs, true);
        }
        if (measured.size() != model.parameterCount()) {
            throw new IllegalArgumentException("gradient statistics of " + measured.size() + " tensors for a model of "
                    + model.parameterCount());
        }
        step(lrs, false);
        return new UpdateStats(lrs.clone(), measured.weightSq(), measured.dot(), measured.gradSq());
    }

    /**
     * Updates every parameter with its own rate; with {@code measure}, also returns what the step
     * did to each tensor (norms and angle, {@link UpdateStats}), else returns null.
     */
    @SuppressWarnings("try") // scope and guard act by existing
    public UpdateStats step(double[] lrs, boolean measure) {
        checkRates(lrs);
        int count = model.parameterCount();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector sums = measure ? new TensorVector() : null;
            for (int i = 0; i < count; i++) {
                Tensor p = model.parameter(i);
                Tensor d = p.grad();
                if (!d.defined()) {
                    throw new IllegalStateException("parameter '" + model.parameterName(i)
                            + "' has no gradient: run TrainStep.forwardBackward before Sgd.step");
                }
                if (weightDecay != 0) {
                    d = d.add(p, new Scalar(weightDecay));
                }
                if (momentum != 0) {
                    Tensor buf = momentumBuffers[i];
                    if (buf == null) {
                        buf = d.clone().detach();
                        buf.retainReference(); // outlives this step's scope; close() releases it
                        momentumBuffers[i] = buf;
                    } else {
                        buf.mul_(new Scalar(momentum)).add_(d, new Scalar(1.0));
                    }
                    d = nesterov ? d.add(buf, new Scalar(momentum)) : buf;
                }
                if (measure) {
                    sums.push_back(GradientStats.doubleSum(p.mul(p)));
                    sums.push_back(GradientStats.doubleSum(p.mul(d)));
                    sums.push_back(GradientStats.doubleSum(d.mul(d)));
                }
                p.add_(d, new Scalar(-lrs[i]));
            }
            if (!measure) {
                return null;
            }
            double[] all = Tensors.toDoubles(torch.stack(sums));
            double[] ww = new double[count];
            double[] wd = new double[count];
            double[] dd = new double[count];
            for (int i = 0; i < count; i++) {
                ww[i] = all[3 * i];
                wd[i] = all[3 * i + 1];
                dd[i] = all[3 * i + 2];
            }
            return new UpdateStats(lrs.clone(), ww, wd, dd);
        }
    }

    private void checkRates(double[] lrs) {
        if (lrs.length != model.parameterCount()) {
            throw new IllegalArgumentException("SGD needs one learning rate per parameter tensor (" + model.parameterCount()
                    + "): got " + lrs.length);
        }
        for (int i = 0; i < lrs.length; i++) {
            if (!(lrs[i] >= 0) || Double.isInfinite(lrs[i])) {
                throw new IllegalArgumentException("learning rate of '" + model.parameterName(i) + "' must be finite and >= 0: got " + lrs[i]);
            }
        }
    }

    /** The momentum buffer of parameter i, or null before its first step or without momentum (owned by the optimizer). */
    Tensor momentumBuffer(int i) {
        return momentumBuffers[i];
    }

    /** Installs a momentum buffer restored from a checkpoint (a new tensor that this optimizer now owns). */
    void setMomentumBuffer(int i, Tensor buffer) {
        if (momentumBuffers[i] != null) {
            momentumBuffers[i].close();
        }
        momentumBuffers[i] = buffer;
    }

    /** Frees the momentum buffers; the model stays open. */
    @Override
    public void close() {
        for (int i = 0; i < momentumBuffers.length; i++) {
            if (momentumBuffers[i] != null) {
                momentumBuffers[i].close();
                momentumBuffers[i] = null;
            }
        }
    }
}
