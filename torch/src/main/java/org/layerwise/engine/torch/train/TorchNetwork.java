package org.layerwise.engine.torch.train;

import java.util.List;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.Parameters;
import org.layerwise.train.TrainableNetwork;

/**
 * A libtorch ResNet and its SGD as the core's {@link TrainableNetwork}. Per-tensor reductions are
 * computed where the tensors live, in one pass after each backward ({@link GradientStats}) and after
 * each update ({@link UpdateStats}: the norm after the step and the cosine between the weights before
 * and after it, from quantities measured before the step, without copying any weights).
 */
final class TorchNetwork implements TrainableNetwork {
    private final ResNet model;
    private final Sgd sgd;
    private final NetworkSpec spec;
    private final boolean[] normalized;
    private GradientStats grads;
    private UpdateStats update;

    TorchNetwork(ResNet model, Sgd sgd, NetworkSpec spec) {
        this.model = model;
        this.sgd = sgd;
        this.spec = spec;
        this.normalized = new boolean[model.parameterCount()];
        for (int i : model.normalizedIndices()) {
            normalized[i] = true;
        }
    }

    @Override
    public Outcome forwardBackward(float[] images, int[] labels, int count, int channels, int height, int width) {
        try (Batch b = Batch.of(model, images, labels, height, width)) {
            TrainStep.Result r = TrainStep.forwardBackward(model, b);
            grads = GradientStats.measure(model);
            update = null;
            return new Outcome(r.loss(), r.accuracy());
        }
    }

    @Override
    public Parameters parameters() {
        return new View();
    }

    @Override
    public void update(double[] lrs) {
        // the statistics of the backward pass hold for this step only if no update came after them
        update = sgd.step(lrs, update == null ? grads : null);
    }

    @Override
    public Outcome evaluate(float[] images, int[] labels, int count, int channels, int height, int width) {
        try (Batch b = Batch.of(model, images, labels, height, width)) {
            TrainStep.Result r = TrainStep.evaluate(model, List.of(b));
            return new Outcome(r.loss() * r.examples(), r.accuracy() * r.examples());
        }
    }

    @Override
    public byte[] state() {
        return Checkpoint.toBytes(model, sgd);
    }

    @Override
    public void restore(byte[] state) {
        Checkpoint.fromBytes(model, sgd, state);
        grads = null;
        update = null;
    }

    @Override
    public String describe() {
        return "libtorch 2.10 (JavaCPP), " + model.device().key() + ", " + threads() + " thread(s), float32, " + model.spec().label();
    }

    @Override
    public int threads() {
        return torch.get_num_threads();
    }

    @Override
    public void close() {
        sgd.close();
        model.close();
    }

    /** The statistics of the last backward pass, or of the last update once it has been taken. */
    private final class View implements Parameters {
        private final GradientStats g = grads;
        private final UpdateStats u = update;

        @Override
        public int count() {
            return model.parameterCount();
        }

        @Override
        public String name(int i) {
            return model.parameterName(i);
        }

        @Override
        public long size(int i) {
            return model.parameterInfos().get(i).elements();
        }

        @Override
        public boolean scaleInvariant(int i) {
            return normalized[i];
        }

        @Override
        public double normSquared(int i) {
            if (u != null) {
                return u.weightSqAfter(i);
            }
            return g == null ? Tensorless.norm(model, i) : g.weightSq()[i];
        }

        @Override
        public double gradNormSquared(int i) {
            return g == null ? Double.NaN : g.gradSq()[i];
        }

        @Override
        public double dot(int i) {
            return g == null ? Double.NaN : g.dot()[i];
        }

        @Override
        public double[] values(int i) {
            return org.layerwise.engine.torch.model.Tensors.toDoubles(model.parameter(i));
        }

        @Override
        public double[] gradient(int i) {
            var grad = model.parameter(i).grad();
            return grad.defined() ? org.layerwise.engine.torch.model.Tensors.toDoubles(grad) : null;
        }

        @Override
        public double updateCosine(int i) {
            return u == null ? Double.NaN : u.cosine(i);
        }
    }

    /** Norms when no step has been measured yet (before the first backward). */
    private static final class Tensorless {
        static double norm(ResNet model, int i) {
            double[] v = org.layerwise.engine.torch.model.Tensors.toDoubles(model.parameter(i));
            double s = 0;
            for (double x : v) {
                s += x * x;
            }
            return s;
        }
    }
}
