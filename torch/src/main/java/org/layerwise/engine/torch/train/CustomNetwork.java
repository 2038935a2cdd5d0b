package org.layerwise.engine.torch.train;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.StringTensorDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.Device;
import org.layerwise.engine.torch.model.Tensors;
import org.layerwise.train.Parameters;
import org.layerwise.train.TrainableNetwork;

/**
 * Any libtorch network a user builds in Java, as a {@link TrainableNetwork}: so the core's training
 * loop, the ELR probe and the learning-rate policies (ELR warm-up, constrained ELR) work on it as on
 * the built-in ResNets. The user gives the forward pass, the parameter tensors (from a libtorch
 * {@link Module} or one by one) and says which are normalized (their output goes straight into a
 * normalization layer, so the loss is invariant to their scale); the rest (e.g. the classifier) is
 * reported apart. Loss: softmax cross-entropy. Optimizer: SGD as torch.optim.SGD, one rate per tensor.
 *
 * <pre>{@code
 * CustomNetwork net = CustomNetwork.builder((x, training) -> myForward(x, training))
 *         .module(myModule, name -> name.endsWith("conv.weight"))   // or .parameter(name, leaf, normalized)
 *         .build();
 * new ImageTrainer(settings, List.of(new ElrProbe(dir, 1)), () -> false).train(net, loader, null, schedule, Checkpoints.none());
 * }</pre>
 * See {@code org.layerwise.engine.torch.examples.CustomCnnElr} for a complete example.
 */
public final class CustomNetwork implements TrainableNetwork {
    static {
        Natives.load();
    }

    /** The network's forward pass: logits (N x classes) of an NCHW batch, in training or evaluation mode. */
    @FunctionalInterface
    public interface Forward {
        Tensor apply(Tensor input, boolean training);
    }

    /** Collects the parts of a {@link CustomNetwork}. */
    public static final class Builder {
        private final Forward forward;
        private final List<String> names = new ArrayList<>();
        private final List<Tensor> params = new ArrayList<>();
        private final List<Boolean> normalized = new ArrayList<>();
        private final List<Tensor> buffers = new ArrayList<>();
        private double momentum;
        private double weightDecay;
        private int threads = Runtime.getRuntime().availableProcessors();
        private Device device = Device.CPU;

        private Builder(Forward forward) {
            this.forward = forward;
        }

        /** A trainable leaf tensor (requires_grad) and whether it is normalized. */
        public Builder parameter(String name, Tensor leaf, boolean isNormalized) {
            if (!leaf.requires_grad()) {
                throw new IllegalArgumentException("parameter '" + name + "' does not require a gradient");
            }
            names.add(name);
            params.add(leaf);
            normalized.add(isNormalized);
            return this;
        }

        /** State that is not trained but must survive a checkpoint (BatchNorm running statistics). */
        public Builder buffer(Tensor t) {
            buffers.add(t);
            return this;
        }

        /** Every named parameter and buffer of a libtorch module; {@code isNormalized} picks the normalized ones by name. */
        public Builder module(Module m, Predicate<String> isNormalized) {
            StringTensorDict p = m.named_parameters(true);
            for (long i = 0; i < p.size(); i++) {
                String n = p.get(i).key().getString();
                parameter(n, p.get(i).value(), isNormalized.test(n));
            }
            StringTensorDict b = m.named_buffers(true);
            for (long i = 0; i < b.size(); i++) {
                buffer(b.get(i).value());
            }
            return this;
        }

        public Builder sgd(double momentum, double weightDecay) {
            this.momentum = momentum;
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Where the parameters live (they must be there already): each batch is copied to it. CPU by default. */
        public Builder device(Device d) {
            this.device = d;
            return this;
        }

        public CustomNetwork build() {
            if (params.isEmpty()) {
                throw new IllegalArgumentException("a network needs at least one parameter");
            }
            torch.set_num_threads(threads);
            return new CustomNetwork(this);
        }
    }

    public static Builder builder(Forward forward) {
        return new Builder(forward);
    }

    private final Forward forward;
    private final List<String> names;
    private final List<Tensor> params;
    private final boolean[] normalized;
    private final List<Tensor> buffers;
    private final double momentum;
    private final double weightDecay;
    private final Tensor[] velocity;
    private final Device device;
    private double[] ww;
    private double[] gg;
    private double[] wg;
    private double[] cosine;

    private CustomNetwork(Builder b) {
        this.forward = b.forward;
        this.names = List.copyOf(b.names);
        this.params = List.copyOf(b.params);
        this.normalized = new boolean[params.size()];
        for (int i = 0; i < normalized.length; i++) {
            normalized[i] = b.normalized.get(i);
        }
        this.buffers = List.copyOf(b.buffers);
        this.momentum = b.momentum;
        this.weightDecay = b.weightDecay;
        this.velocity = new Tensor[params.size()];
        this.device = b.device;
    }

    @Override
    @SuppressWarnings("try") // the scope frees this step's temporaries
    public Outcome forwardBackward(float[] images, int[] labels, int count, int channels, int height, int width) {
        try (PointerScope scope = new PointerScope()) {
            for (Tensor p : params) {
                if (p.grad().defined()) {
                    p.grad().zero_();
                }
            }
            Tensor x = Tensors.onDevice(Tensor.create(images, count, channels, height, width), device);
            Tensor y = Tensors.onDevice(Tensor.create(toLongs(labels, count), count), device);
            Tensor logits = forward.apply(x, true);
            Tensor loss = torch.cross_entropy_loss(logits, y);
            loss.backward();
            double acc;
            try (NoGradGuard g = new NoGradGuard()) {
                acc = logits.argmax(new LongOptional(1), false).eq(y).sum().item_long() / (double) count;
                double[] s = sums(i -> params.get(i), i -> params.get(i).grad());
                ww = new double[params.size()];
                gg = new double[params.size()];
                wg = new double[params.size()];
                for (int i = 0; i < params.size(); i++) {
                    ww[i] = s[3 * i];
                    gg[i] = s[3 * i + 1];
                    wg[i] = s[3 * i + 2];
                }
            }
            cosine = null;
            return new Outcome(loss.item_double(), acc);
        }
    }

    private interface Pick {
        Tensor get(int i);
    }

    /** ||a||^2, ||b||^2, <a, b> of every tensor pair, summed in float64, in one transfer. */
    private double[] sums(Pick a, Pick b) {
        TensorVector v = new TensorVector();
        for (int i = 0; i < params.size(); i++) {
            Tensor x = a.get(i);
            Tensor z = b.get(i);
            v.push_back(x.mul(x).sum(new ScalarTypeOptional(torch.ScalarType.Double)));
            v.push_back(z.mul(z).sum(new ScalarTypeOptional(torch.ScalarType.Double)));
            v.push_back(x.mul(z).sum(new ScalarTypeOptional(torch.ScalarType.Double)));
        }
        return Tensors.toDoubles(torch.stack(v));
    }

    private static long[] toLongs(int[] labels, int n) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = labels[i];
        }
        return l;
    }

    @Override
    @SuppressWarnings("try")
    public Parameters parameters() {
        if (ww == null) { // before the first step: weights only
            try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                double[] s = sums(i -> params.get(i), i -> params.get(i));
                ww = new double[params.size()];
                gg = new double[params.size()];
                wg = new double[params.size()];
                for (int i = 0; i < params.size(); i++) {
                    ww[i] = s[3 * i];
                    gg[i] = Double.NaN;
                    wg[i] = Double.NaN;
                }
            }
        }
        double[] w = ww.clone();
        double[] g = gg.clone();
        double[] d = wg.clone();
        double[] c = cosine == null ? null : cosine.clone();
        return new Parameters() {
            @Override
            public int count() {
                return params.size();
            }

            @Override
            public String name(int i) {
                return names.get(i);
            }

            @Override
            public long size(int i) {
                return params.get(i).numel();
            }

            @Override
            public boolean scaleInvariant(int i) {
                return normalized[i];
            }

            @Override
            public double normSquared(int i) {
                return w[i];
            }

            @Override
            public double gradNormSquared(int i) {
                return g[i];
            }

            @Override
            public double dot(int i) {
                return d[i];
            }

            @Override
            public double[] values(int i) {
                return Tensors.toDoubles(params.get(i));
            }

            @Override
            public double[] gradient(int i) {
                return Tensors.toDoubles(params.get(i).grad());
            }

            @Override
            public double updateCosine(int i) {
                return c == null ? Double.NaN : c[i];
            }
        };
    }

    /**
     * SGD with one rate per tensor; then the cosine between each tensor before and after the step,
     * from ||w||^2, <w, d> and ||d||^2 of the step direction d (no copy of the weights).
     */
    @Override
    @SuppressWarnings("try")
    public void update(double[] lrs) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor[] dirs = new Tensor[params.size()];
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Tensor d = p.grad();
                if (weightDecay != 0) {
                    d = d.add(p, new Scalar(weightDecay));
                }
                if (momentum != 0) {
                    if (velocity[i] == null) {
                        velocity[i] = d.clone().detach();
                        velocity[i].retainReference();
                    } else {
                        velocity[i].mul_(new Scalar(momentum)).add_(d, new Scalar(1.0));
                    }
                    d = velocity[i];
                }
                dirs[i] = d;
            }
            final Tensor[] fd = dirs;
            double[] s = sums(i -> params.get(i), i -> fd[i]);
            double[] cos = new double[params.size()];
            for (int i = 0; i < params.size(); i++) {
                params.get(i).add_(dirs[i], new Scalar(-lrs[i]));
                double w2 = s[3 * i];
                double d2 = s[3 * i + 1];
                double wd = s[3 * i + 2];
                double after = w2 - 2 * lrs[i] * wd + lrs[i] * lrs[i] * d2;
                cos[i] = (w2 - lrs[i] * wd) / Math.sqrt(w2 * after);
                ww[i] = after;
            }
            cosine = cos;
        }
    }

    @Override
    @SuppressWarnings("try")
    public Outcome evaluate(float[] images, int[] labels, int count, int channels, int height, int width) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor x = Tensors.onDevice(Tensor.create(images, count, channels, height, width), device);
            Tensor y = Tensors.onDevice(Tensor.create(toLongs(labels, count), count), device);
            Tensor logits = forward.apply(x, false);
            double loss = torch.cross_entropy_loss(logits, y).item_double() * count;
            double correct = logits.argmax(new LongOptional(1), false).eq(y).sum().item_long();
            return new Outcome(loss, correct);
        }
    }

    @Override
    public byte[] state() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            for (Tensor t : params) {
                write(out, Tensors.toBytes(t));
            }
            for (Tensor t : buffers) {
                write(out, Tensors.toBytes(t));
            }
            for (Tensor v : velocity) {
                write(out, v == null ? new byte[0] : Tensors.toBytes(v));
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    @Override
    @SuppressWarnings("try")
    public void restore(byte[] state) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(state)); NoGradGuard g = new NoGradGuard()) {
            for (Tensor t : params) {
                Tensors.copyBytesInto(t, in.readNBytes(in.readInt()));
            }
            for (Tensor t : buffers) {
                Tensors.copyBytesInto(t, in.readNBytes(in.readInt()));
            }
            for (int i = 0; i < velocity.length; i++) {
                byte[] b = in.readNBytes(in.readInt());
                if (b.length == 0) {
                    velocity[i] = null;
                } else {
                    if (velocity[i] == null) {
                        velocity[i] = params.get(i).detach().clone();
                        velocity[i].retainReference();
                    }
                    Tensors.copyBytesInto(velocity[i], b);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("damaged network state: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "libtorch 2.10 (JavaCPP), custom network, cpu, " + threads() + " thread(s)";
    }

    @Override
    public int threads() {
        return torch.get_num_threads();
    }

    @Override
    public void close() {
        for (Tensor v : velocity) {
            if (v != null) {
                v.close();
            }
        }
    }
}
