package org.layerwise.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.layerwise.data.Dataset;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;

/**
 * The readable float64 kernel: plain loops, one thread, the whole step visible at once. It is the
 * oracle the fused kernel is tested against, the engine behind the float64 option, and the source of
 * hidden-state profiles.
 */
public final class ReferenceKernel implements ResidualKernel {
    /** Rows per chunk of a loss-only evaluation. */
    private static final int LOSS_CHUNK = 256;
    private final ResidualMlp net;
    private final int lossThreads;
    private double[] h = new double[0]; // h_0..h_L, each n x d
    private double[] z = new double[0]; // pre-activations z_0..z_{L-1}

    public ReferenceKernel(ResidualMlp net) {
        this(net, 1);
    }

    /** {@code lossThreads}: threads for {@link #loss} on many rows (the analysis's whole-data losses); training uses one. */
    public ReferenceKernel(ResidualMlp net, int lossThreads) {
        this.net = net;
        this.lossThreads = Math.max(1, lossThreads);
    }

    @Override
    public ResidualMlp model() {
        return net;
    }

    /** Runs the forward pass, leaving h and z filled; returns the summed squared error. */
    private double forward(double[] p, Dataset data, int[] rows, int from, int n) {
        int d = net.width();
        int depth = net.depth();
        if (h.length < (long) (depth + 1) * n * d) {
            h = new double[(depth + 1) * n * d];
            z = new double[depth * n * d];
        }
        for (int s = 0; s < n; s++) {
            int row = rows[from + s];
            for (int j = 0; j < d; j++) {
                h[s * d + j] = data.x()[row * d + j];
            }
        }
        for (int k = 0; k < depth; k++) {
            layer(p, k, n, h, k * n * d, h, (k + 1) * n * d, z);
        }
        return squaredError(h, depth * n * d, data, rows, from, n);
    }

    /** Summed squared error of the outputs {@code out} (from {@code at}, n rows) against the targets of rows[from..from+n). */
    private double squaredError(double[] out, int at, Dataset data, int[] rows, int from, int n) {
        int d = net.width();
        double sse = 0;
        for (int s = 0; s < n; s++) {
            int row = rows[from + s];
            for (int i = 0; i < d; i++) {
                double e = out[at + s * d + i] - data.y()[row * d + i];
                sse += e * e;
            }
        }
        return sse;
    }

    @Override
    public double loss(double[] params, Dataset data, int[] rows, int from, int to) {
        int n = to - from;
        int chunks = (n + LOSS_CHUNK - 1) / LOSS_CHUNK;
        double[] sse = new double[chunks];
        // Forward only, two layers of state per chunk of rows: keeping every layer, as the backward pass
        // needs, took (L + 1) x N x d doubles twice (1.6 GB at L = 1024 and N = 10,000; 16 GB at L = 10,000)
        // and most of the analysis's time. Chunks are summed in their order, so the figure does not depend
        // on the thread count.
        IntStream chunkIds = IntStream.range(0, chunks);
        if (lossThreads > 1 && chunks > 1) {
            ForkJoinPool pool = new ForkJoinPool(lossThreads);
            try {
                pool.submit(() -> chunkIds.parallel().forEach(c -> sse[c] = chunkSse(params, data, rows, from + c * LOSS_CHUNK,
                        Math.min(to, from + (c + 1) * LOSS_CHUNK)))).join();
            } finally {
                pool.shutdown();
            }
        } else {
            chunkIds.forEach(c -> sse[c] = chunkSse(params, data, rows, from + c * LOSS_CHUNK, Math.min(to, from + (c + 1) * LOSS_CHUNK)));
        }
        double total = 0;
        for (double v : sse) {
            total += v;
        }
        return total / ((double) n * net.width());
    }

    /**
     * Layer k on n rows: out = in + delta_k act(A_k in + b_k), reading {@code in} from {@code inAt} and
     * writing {@code out} from {@code outAt}; the pre-activations go to {@code z} at {@code inAt} unless z is null.
     */
    private void layer(double[] p, int k, int n, double[] in, int inAt, double[] out, int outAt, double[] z) {
        int d = net.width();
        int a = net.offsetA(k);
        int b = net.offsetB(k);
        double delta = net.effectiveDelta(p, k);
        Activation act = net.activation();
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                double zi = p[b + i];
                for (int j = 0; j < d; j++) {
                    zi += p[a + i * d + j] * in[inAt + s * d + j];
                }
                if (z != null) {
                    z[inAt + s * d + i] = zi;
                }
                out[outAt + s * d + i] = in[inAt + s * d + i] + delta * act.apply(zi);
            }
        }
    }

    /** Summed squared error of rows[from..to), through the layers of {@link #forward} without keeping them. */
    private double chunkSse(double[] p, Dataset data, int[] rows, int from, int to) {
        int d = net.width();
        int n = to - from;
        double[] cur = new double[n * d];
        double[] next = new double[n * d];
        for (int s = 0; s < n; s++) {
            int row = rows[from + s];
            for (int j = 0; j < d; j++) {
                cur[s * d + j] = data.x()[row * d + j];
            }
        }
        for (int k = 0; k < net.depth(); k++) {
            layer(p, k, n, cur, 0, next, 0, null);
            double[] t = cur;
            cur = next;
            next = t;
        }
        return squaredError(cur, 0, data, rows, from, n);
    }

    @Override
    public double lossAndGradient(double[] p, Dataset data, int[] rows, int from, int to, double[] grad) {
        int n = to - from;
        int d = net.width();
        int depth = net.depth();
        Activation act = net.activation();
        double loss = forward(p, data, rows, from, n) / ((double) n * d);
        java.util.Arrays.fill(grad, 0.0);

        // g = dLoss/dh_k, starting at the output
        double[] g = new double[n * d];
        double[] gNext = new double[n * d];
        int last = depth * n * d;
        for (int s = 0; s < n; s++) {
            int row = rows[from + s];
            for (int i = 0; i < d; i++) {
                g[s * d + i] = 2.0 * (h[last + s * d + i] - data.y()[row * d + i]) / ((double) n * d);
            }
        }
        double sharedDeltaGrad = 0;
        for (int k = depth - 1; k >= 0; k--) {
            int a = net.offsetA(k);
            int b = net.offsetB(k);
            double delta = net.effectiveDelta(p, k);
            int in = k * n * d;
            double gDelta = 0;
            System.arraycopy(g, 0, gNext, 0, n * d); // the identity path
            for (int s = 0; s < n; s++) {
                for (int i = 0; i < d; i++) {
                    double zi = z[in + s * d + i];
                    double gi = g[s * d + i];
                    gDelta += gi * act.apply(zi);
                    double gz = gi * delta * act.derivative(zi);
                    grad[b + i] += gz;
                    for (int j = 0; j < d; j++) {
                        grad[a + i * d + j] += gz * h[in + s * d + j];
                        gNext[s * d + j] += p[a + i * d + j] * gz;
                    }
                }
            }
            if (net.deltaMode() == DeltaMode.PER_LAYER) {
                grad[net.offsetDelta() + k] = gDelta;
            } else if (net.deltaMode() == DeltaMode.SHARED) {
                sharedDeltaGrad += gDelta;
            }
            double[] t = g;
            g = gNext;
            gNext = t;
        }
        if (net.deltaMode() == DeltaMode.SHARED) {
            // d|delta|/d delta = sign(delta), with sign(0) = 0 as torch.abs
            grad[net.offsetDelta()] = sharedDeltaGrad * Math.signum(p[net.offsetDelta()]);
        }
        return loss;
    }

    /**
     * Hidden states h_0..h_L for the given inputs (each row of {@code inputs} is one h_0):
     * result[k][s][i] is coordinate i of h_k for input s.
     */
    public double[][][] hiddenStates(double[] p, double[][] inputs) {
        int d = net.width();
        int depth = net.depth();
        double[][][] states = new double[depth + 1][inputs.length][];
        for (int s = 0; s < inputs.length; s++) {
            states[0][s] = inputs[s].clone();
        }
        for (int k = 0; k < depth; k++) {
            int a = net.offsetA(k);
            int b = net.offsetB(k);
            double delta = net.effectiveDelta(p, k);
            for (int s = 0; s < inputs.length; s++) {
                double[] hk = states[k][s];
                double[] next = new double[d];
                for (int i = 0; i < d; i++) {
                    double zi = p[b + i];
                    for (int j = 0; j < d; j++) {
                        zi += p[a + i * d + j] * hk[j];
                    }
                    next[i] = hk[i] + delta * net.activation().apply(zi);
                }
                states[k + 1][s] = next;
            }
        }
        return states;
    }

    @Override
    public long workspaceBytes() {
        return 8L * (h.length + z.length);
    }

    @Override
    public void close() {
        h = new double[0];
        z = new double[0];
    }
}
