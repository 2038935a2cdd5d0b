package org.layerwise.engine.torch.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;
import org.layerwise.util.Rng;

/**
 * A ResNet v1 (He et al. 2016) in libtorch eager mode, written as plain functional calls on leaf
 * tensors, so every trainable tensor is visible by name and index.
 *
 * <p>Parameters are leaf tensors with {@code requires_grad}, in the stable order of
 * {@link ResNetSpec#parameters()}; BatchNorm running statistics are buffers (momentum 0.1, eps
 * 1e-5, unbiased running variance, as torch.nn.BatchNorm2d; torchvision's num_batches_tracked is not
 * kept because it only matters for momentum=None). The model owns its tensors: {@link #close()} frees
 * them; tensors handed out by {@link #parameter} and {@link #buffer} must not be closed by the caller.
 *
 * <p>Initialisation is generated in Java from {@link Rng} with StrictMath, one independent stream per
 * parameter name ({@code Rng.derive(seed, "resnet-init/" + name, 0)}), so a seed gives the same
 * weights on every run, JVM, device and thread count, and switching residual connections, affine BN
 * or the shortcut option never changes the weights the two variants share. The distributions are
 * torchvision's: convolutions Kaiming-normal with fan_out and ReLU gain (std = sqrt(2 / (out * k *
 * k))); the classifier as torch.nn.Linear (weight and bias uniform in ±1/sqrt(fan_in)); affine BN
 * scale 1 and shift 0.
 */
public final class ResNet implements AutoCloseable {
    static {
        Natives.load();
    }

    private static final double BN_MOMENTUM = 0.1;
    private static final double BN_EPS = 1e-5;

    private final ResNetSpec spec;
    private final Plan plan;
    private final Device device;
    private final Precision precision;
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> buffers = new ArrayList<>();
    private final int[] normalized;
    private final int[] classifier;
    private boolean training = true;
    private boolean closed;

    private ResNet(ResNetSpec spec, long seed, Device device, Precision precision) {
        this.spec = spec;
        this.plan = Plan.of(spec);
        this.device = device.requireAvailable();
        this.precision = precision;
        List<ParameterInfo> infos = plan.parameters;
        long fcFanIn = infos.get(plan.fcWeight).shape()[1];
        try (PointerScope scope = new PointerScope()) {
            for (ParameterInfo info : infos) {
                Tensor t = Tensors.create(initialValues(info, seed, fcFanIn), info.shape(), device, precision);
                t.set_requires_grad(true);
                params.add(keep(t));
            }
            for (int i = 0; i < plan.bufferNames.size(); i++) {
                double[] init = new double[Math.toIntExact(plan.bufferSizes.get(i))];
                if (plan.bufferNames.get(i).endsWith(".running_var")) {
                    Arrays.fill(init, 1.0);
                }
                buffers.add(keep(Tensors.create(init, new long[] {init.length}, device, precision)));
            }
        }
        normalized = indices(infos, true);
        classifier = indices(infos, false);
    }

    /** A new model on the CPU in float32 with weights drawn from {@code seed}. */
    public static ResNet create(ResNetSpec spec, long seed) {
        return new ResNet(spec, seed, Device.CPU, Precision.FLOAT32);
    }

    /** A new model on {@code device} in {@code precision}; the weights for a seed are the same on every device (up to rounding to float32). */
    public static ResNet create(ResNetSpec spec, long seed, Device device, Precision precision) {
        return new ResNet(spec, seed, device, precision);
    }

    /**
     * The initial values of one parameter for a seed, as described in the class comment.
     *
     * @param fcFanIn the classifier's input features (the classifier bias's bound depends on it)
     */
    static double[] initialValues(ParameterInfo info, long seed, long fcFanIn) {
        Rng rng = Rng.derive(seed, "resnet-init/" + info.name(), 0);
        double[] v = new double[Math.toIntExact(info.elements())];
        long[] shape = info.shape();
        switch (info.kind()) {
            case CONV:
                gaussian(rng, v, Math.sqrt(2.0 / (shape[0] * shape[2] * shape[3])));
                break;
            case BN_WEIGHT:
                Arrays.fill(v, 1.0);
                break;
            case BN_BIAS:
                break;
            case FC_WEIGHT:
            case FC_BIAS:
                double bound = 1.0 / Math.sqrt(fcFanIn);
                for (int i = 0; i < v.length; i++) {
                    v[i] = bound * (2 * rng.nextDouble() - 1);
                }
                break;
            default:
                throw new AssertionError(info.kind());
        }
        return v;
    }

    /** Box-Muller with StrictMath (both outputs used), so the values do not depend on JIT intrinsics. */
    private static void gaussian(Rng rng, double[] v, double std) {
        for (int i = 0; i < v.length; i += 2) {
            double r = StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - rng.nextDouble()));
            double phi = 2.0 * StrictMath.PI * rng.nextDouble();
            v[i] = std * r * StrictMath.cos(phi);
            if (i + 1 < v.length) {
                v[i + 1] = std * r * StrictMath.sin(phi);
            }
        }
    }

    /** Survives the constructor's PointerScope; {@link #close()} releases it. */
    private static Tensor keep(Tensor t) {
        t.retainReference();
        return t;
    }

    private static int[] indices(List<ParameterInfo> infos, boolean normalizedOnes) {
        return java.util.stream.IntStream.range(0, infos.size())
                .filter(i -> normalizedOnes ? infos.get(i).normalized() : infos.get(i).classifier()).toArray();
    }

    public ResNetSpec spec() {
        return spec;
    }

    public Device device() {
        return device;
    }

    public Precision precision() {
        return precision;
    }

    /** Number of parameter tensors. */
    public int parameterCount() {
        return params.size();
    }

    /** Number of trainable scalars. */
    public long parameterElements() {
        long n = 0;
        for (Tensor t : params) {
            n += t.numel();
        }
        return n;
    }

    /** Name, shape and kind of every parameter, in the stable order. */
    public List<ParameterInfo> parameterInfos() {
        return plan.parameters;
    }

    public String parameterName(int index) {
        return plan.parameters.get(index).name();
    }

    /** The live leaf tensor of parameter {@code index} (owned by the model: do not close). */
    public Tensor parameter(int index) {
        checkOpen();
        return params.get(index);
    }

    /** All parameter tensors in the stable order (owned by the model). */
    public List<Tensor> parameters() {
        checkOpen();
        return Collections.unmodifiableList(params);
    }

    /**
     * Indices of the normalized parameters (every convolution weight: stem, blocks, projections),
     * whose output goes straight into a BatchNorm, so the loss is invariant to their scale.
     */
    public int[] normalizedIndices() {
        return normalized.clone();
    }

    /** Indices of the classifier's weight and bias (not normalized; reported apart). */
    public int[] classifierIndices() {
        return classifier.clone();
    }

    /** Names of the BN running statistics ({@code <bn>.running_mean}, {@code <bn>.running_var}), in the stable order. */
    public List<String> bufferNames() {
        return plan.bufferNames;
    }

    /** The live buffer tensors (owned by the model). */
    public List<Tensor> buffers() {
        checkOpen();
        return Collections.unmodifiableList(buffers);
    }

    public Tensor buffer(int index) {
        checkOpen();
        return buffers.get(index);
    }

    /** Training mode: BN normalises with batch statistics and updates its running statistics. */
    public void train() {
        training = true;
    }

    /** Evaluation mode: BN normalises with its running statistics and leaves them unchanged. */
    public void eval() {
        training = false;
    }

    public boolean isTraining() {
        return training;
    }

    /** Sets every parameter's gradient to zero (where one exists), ready for the next backward. */
    @SuppressWarnings("try") // the scope frees the gradient wrappers
    public void zeroGrad() {
        checkOpen();
        try (PointerScope scope = new PointerScope()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g.defined()) {
                    g.zero_();
                }
            }
        }
    }

    /**
     * Logits (N x classes) for an NCHW batch. The input is moved to the model's device and precision
     * if it is not there. Builds an autograd graph unless called under a NoGradGuard; the result joins
     * the caller's PointerScope.
     */
    public Tensor forward(Tensor input) {
        checkOpen();
        if (input.dim() != 4 || input.size(1) != spec.inputChannels()) {
            throw new IllegalArgumentException("ResNet input must be N x " + spec.inputChannels() + " x H x W: got "
                    + Arrays.toString(Tensors.shape(input)));
        }
        Tensor x = Tensors.onDevice(input, device).to(Tensors.scalarType(precision));
        x = torch.relu(norm(conv(x, plan.stem), plan.stemNorm));
        if (plan.maxPool) {
            x = torch.max_pool2d(x, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false);
        }
        for (Plan.Block block : plan.blocks) {
            x = block(x, block);
        }
        x = torch.adaptive_avg_pool2d(x, 1, 1).flatten(1, -1);
        return torch.linear(x, params.get(plan.fcWeight), new TensorOptional(params.get(plan.fcBias)));
    }

    /** conv-BN(-ReLU) for every conv, the shortcut (if any) added after the last BN, then ReLU. */
    private Tensor block(Tensor input, Plan.Block block) {
        Tensor out = input;
        int last = block.convs().size() - 1;
        for (int i = 0; i <= last; i++) {
            out = norm(conv(out, block.convs().get(i)), block.norms().get(i));
            if (i < last) {
                out = torch.relu(out);
            }
        }
        switch (block.join()) {
            case NONE:
                break;
            case IDENTITY:
                out = out.add(input);
                break;
            case PAD:
                out = out.add(optionA(input, block.stride(), block.outChannels()));
                break;
            case PROJECTION:
                out = out.add(norm(conv(input, block.projection()), block.projectionNorm()));
                break;
            default:
                throw new AssertionError(block.join());
        }
        return torch.relu(out);
    }

    /** Option A: every stride-th row and column of x, the new channels zero, half before and half after the old ones. */
    static Tensor optionA(Tensor x, int stride, int outChannels) {
        Tensor sub = x;
        if (stride > 1) {
            sub = sub.slice(2, new LongOptional(0), new LongOptional(), stride)
                    .slice(3, new LongOptional(0), new LongOptional(), stride);
        }
        long extra = outChannels - x.size(1);
        long before = extra / 2;
        return torch.constant_pad_nd(sub, new long[] {0, 0, 0, 0, before, extra - before}, new Scalar(0.0));
    }

    private Tensor conv(Tensor x, Plan.Conv c) {
        long s = c.stride();
        long p = c.padding();
        return torch.conv2d(x, params.get(c.weight()), new TensorOptional(), new long[] {s, s}, new long[] {p, p},
                new long[] {1, 1}, 1);
    }

    private Tensor norm(Tensor x, Plan.Norm n) {
        TensorOptional weight = n.weight() < 0 ? new TensorOptional() : new TensorOptional(params.get(n.weight()));
        TensorOptional bias = n.bias() < 0 ? new TensorOptional() : new TensorOptional(params.get(n.bias()));
        return torch.batch_norm(x, weight, bias, new TensorOptional(buffers.get(n.runningMean())),
                new TensorOptional(buffers.get(n.runningVar())), training, BN_MOMENTUM, BN_EPS, true);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this ResNet (" + spec.label() + ") is closed");
        }
    }

    /** Frees the parameters (with their gradients) and buffers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        params.forEach(Tensor::close);
        buffers.forEach(Tensor::close);
    }
}
