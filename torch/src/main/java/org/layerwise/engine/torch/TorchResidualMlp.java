package org.layerwise.engine.torch;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.data.Dataset;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;

/**
 * The same residual MLP in libtorch eager mode (autograd), on the same flat parameters: the
 * independent reference for the hand-derived backward pass, and the peer in benchmarks.
 * One leaf tensor per weight, as the reference code's lists of nn.Parameter.
 */
public final class TorchResidualMlp implements AutoCloseable {
    static {
        Natives.load();
    }

    private final ResidualMlp net;
    private final boolean float64;
    private final List<Tensor> a = new ArrayList<>();
    private final List<Tensor> b = new ArrayList<>();
    private final List<Tensor> delta = new ArrayList<>();

    public TorchResidualMlp(ResidualMlp net, double[] params, boolean float64) {
        this.net = net;
        this.float64 = float64;
        int d = net.width();
        for (int k = 0; k < net.depth(); k++) {
            a.add(leaf(params, net.offsetA(k), d * d, d, d));
            b.add(leaf(params, net.offsetB(k), d, d));
        }
        for (int i = 0; i < net.deltaMode().count(net.depth()); i++) {
            delta.add(leaf(params, net.offsetDelta() + i, 1));
        }
    }

    private Tensor leaf(double[] p, int off, int n, long... shape) {
        Tensor t;
        if (float64) {
            double[] v = new double[n];
            System.arraycopy(p, off, v, 0, n);
            t = Tensor.create(v, shape);
        } else {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) p[off + i];
            }
            t = Tensor.create(v, shape);
        }
        t.set_requires_grad(true);
        return t;
    }

    private Tensor rows(float[] src, int[] rows, int from, int n) {
        int d = net.width();
        if (float64) {
            double[] v = new double[n * d];
            for (int s = 0; s < n; s++) {
                for (int i = 0; i < d; i++) {
                    v[s * d + i] = src[rows[from + s] * d + i];
                }
            }
            return Tensor.create(v, n, d);
        }
        float[] v = new float[n * d];
        for (int s = 0; s < n; s++) {
            System.arraycopy(src, rows[from + s] * d, v, s * d, d);
        }
        return Tensor.create(v, n, d);
    }

    /** h_{k+1} = h_k + delta_k sigma(h_k A_k^T + b_k) on row vectors; returns the MSE (mean over n x d). */
    private Tensor lossTensor(Tensor x, Tensor y) {
        Tensor h = x;
        for (int k = 0; k < net.depth(); k++) {
            Tensor z = h.mm(a.get(k).t()).add(b.get(k));
            Tensor s = switch (net.activation()) {
                case TANH -> z.tanh();
                case RELU -> z.relu();
                case LINEAR -> z;
            };
            if (net.deltaMode() == DeltaMode.SHARED) {
                s = s.mul(delta.get(0).abs());
            } else if (net.deltaMode() == DeltaMode.PER_LAYER) {
                s = s.mul(delta.get(k));
            }
            h = h.add(s);
        }
        Tensor e = h.sub(y);
        return e.mul(e).mean();
    }

    /** Loss and autograd gradient in the flat layout of {@link ResidualMlp}. */
    @SuppressWarnings("try") // the scope frees this step's native tensors on exit
    public double lossAndGradient(Dataset data, int[] rows, int from, int to, double[] grad) {
        try (PointerScope ps = new PointerScope()) {
            zeroGrads();
            int n = to - from;
            Tensor loss = lossTensor(rows(data.x(), rows, from, n), rows(data.y(), rows, from, n));
            loss.backward();
            int d = net.width();
            for (int k = 0; k < net.depth(); k++) {
                copy(a.get(k).grad(), grad, net.offsetA(k), d * d);
                copy(b.get(k).grad(), grad, net.offsetB(k), d);
            }
            for (int i = 0; i < delta.size(); i++) {
                copy(delta.get(i).grad(), grad, net.offsetDelta() + i, 1);
            }
            return loss.item_double();
        }
    }

    /** One plain SGD training step (forward, backward, update), as a benchmark peer. Returns the loss. */
    @SuppressWarnings("try") // scope and no-grad guard act by existing
    public double sgdStep(Tensor x, Tensor y, double lr) {
        try (PointerScope ps = new PointerScope()) {
            zeroGrads();
            Tensor loss = lossTensor(x, y);
            loss.backward();
            try (NoGradGuard g = new NoGradGuard()) {
                Scalar step = new Scalar(-lr);
                for (List<Tensor> group : List.of(a, b, delta)) {
                    for (Tensor p : group) {
                        p.add_(p.grad(), step);
                    }
                }
            }
            return loss.item_double();
        }
    }

    /** The batch as tensors for {@link #sgdStep}; the caller closes them. */
    public Tensor[] batch(Dataset data, int[] rows, int from, int to) {
        return new Tensor[] {rows(data.x(), rows, from, to - from), rows(data.y(), rows, from, to - from)};
    }

    private void zeroGrads() {
        for (List<Tensor> group : List.of(a, b, delta)) {
            for (Tensor p : group) {
                Tensor g = p.grad();
                if (g.defined()) {
                    g.zero_();
                }
            }
        }
    }

    private void copy(Tensor g, double[] out, int off, int n) {
        Tensor c = g.contiguous();
        if (float64) {
            java.nio.DoubleBuffer buf = c.createBuffer();
            for (int i = 0; i < n; i++) {
                out[off + i] = buf.get(i);
            }
        } else {
            java.nio.FloatBuffer buf = c.createBuffer();
            for (int i = 0; i < n; i++) {
                out[off + i] = buf.get(i);
            }
        }
    }

    public static void setThreads(int threads) {
        torch.set_num_threads(threads);
    }

    @Override
    public void close() {
        // parameters are not in any PointerScope (they outlive steps): free them here
        for (List<Tensor> group : List.of(a, b, delta)) {
            group.forEach(Tensor::close);
        }
    }
}
