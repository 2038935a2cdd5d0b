package org.layerwise.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.layerwise.data.Dataset;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;

/**
 * The fused float32 kernel for deep narrow residual MLPs: forward, loss and a hand-derived backward
 * pass in one sweep per layer, with no per-op dispatch. Why this shape:
 * <ul>
 *   <li>Activations are stored feature-major (h_k[j][sample]), so SIMD lanes run across the batch and
 *       every d x d product is a chain of broadcast-FMAs, whatever d is (d = 10 does not fill a vector).</li>
 *   <li>Only h_0..h_L are kept; the backward pass recomputes z_k = A_k h_k + b_k from h_k. That costs
 *       one extra matrix product per layer and keeps memory at one copy of the activations.</li>
 *   <li>The batch is cut into one slice per thread; each thread runs the whole network on its slice
 *       with its own gradient buffer, and the buffers are summed in thread order, so a step is
 *       bit-reproducible for a given thread count and costs one synchronisation.</li>
 * </ul>
 * Parameters arrive as float64 (the optimizer's master copy) and are rounded to float32 once per call.
 */
public final class FusedKernel implements ResidualKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private final ResidualMlp net;
    private final int threads;
    private final int maxBatch;
    private final float[] w;
    private final Slice[] slices;
    private final ExecutorService pool;

    /** One thread's share of the batch and everything it writes. */
    private final class Slice {
        final int cap;            // padded rows per feature
        final float[] h;          // (L+1) x d x cap
        final float[] g;          // d x cap: dLoss/dh at the current layer
        final float[] gz = new float[net.width() * VL];
        final float[] accA = new float[net.width() * net.width() * VL];
        final float[] accB = new float[net.width() * VL];
        final float[] grad = new float[net.parameterCount()];
        final float[] gDelta = new float[net.depth()];

        Slice(int cap) {
            this.cap = cap;
            this.h = new float[(net.depth() + 1) * net.width() * cap];
            this.g = new float[net.width() * cap];
        }
    }

    /**
     * @param threads  threads to split each batch over (1 = the calling thread only)
     * @param maxBatch the largest batch {@link #lossAndGradient} will be given
     */
    public FusedKernel(ResidualMlp net, int threads, int maxBatch) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.net = net;
        this.maxBatch = maxBatch;
        // a slice narrower than two vectors wastes lanes and synchronisation: use fewer threads
        this.threads = Math.max(1, Math.min(threads, maxBatch / (2 * VL)));
        this.w = new float[net.parameterCount()];
        int perSlice = (maxBatch + this.threads - 1) / this.threads;
        int cap = (perSlice + VL - 1) / VL * VL;
        this.slices = new Slice[this.threads];
        for (int t = 0; t < this.threads; t++) {
            slices[t] = new Slice(cap);
        }
        this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
            Thread th = new Thread(r, "fused-kernel");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    @Override
    public ResidualMlp model() {
        return net;
    }

    public int threads() {
        return threads;
    }

    @Override
    public double lossAndGradient(double[] params, Dataset data, int[] rows, int from, int to, double[] grad) {
        int n = to - from;
        if (n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " exceeds this kernel's maxBatch " + maxBatch);
        }
        loadWeights(params);
        double[] sse = new double[threads];
        runSlices(n, (t, lo, hi) -> sse[t] = step(slices[t], data, rows, from + lo, hi - lo, n, true));
        // sum per-thread gradients in thread order: deterministic for a given thread count
        int count = net.parameterCount();
        for (int p = 0; p < count; p++) {
            double s = 0;
            for (Slice sl : slices) {
                s += sl.grad[p];
            }
            grad[p] = s;
        }
        double total = 0;
        for (double v : sse) {
            total += v;
        }
        return total / ((double) n * net.width());
    }

    @Override
    public double loss(double[] params, Dataset data, int[] rows, int from, int to) {
        loadWeights(params);
        double total = 0;
        for (int start = from; start < to; start += maxBatch) {
            int end = Math.min(to, start + maxBatch);
            int n = end - start;
            double[] sse = new double[threads];
            int base = start;
            runSlices(n, (t, lo, hi) -> sse[t] = step(slices[t], data, rows, base + lo, hi - lo, n, false));
            for (double v : sse) {
                total += v;
            }
        }
        return total / ((double) (to - from) * net.width());
    }

    private void loadWeights(double[] params) {
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) params[i];
        }
    }

    @FunctionalInterface
    private interface SliceTask {
        void run(int thread, int lo, int hi);
    }

    private void runSlices(int n, SliceTask task) {
        if (pool == null) {
            task.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            int lo = (int) ((long) n * t / threads);
            int hi = (int) ((long) n * (t + 1) / threads);
            futures.add(pool.submit(() -> task.run(id, lo, hi)));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("kernel thread failed", e.getCause());
        }
    }

    /** Forward (and, if asked, backward) on m rows of one slice; returns the slice's summed squared error. */
    private double step(Slice sl, Dataset data, int[] rows, int from, int m, int batch, boolean backward) {
        final int d = net.width();
        final int depth = net.depth();
        final int cap = sl.cap;
        final int mp = (m + VL - 1) / VL * VL;
        final float[] h = sl.h;
        final float[] x = data.x();
        for (int j = 0; j < d; j++) {
            int row0 = j * cap;
            for (int r = 0; r < m; r++) {
                h[row0 + r] = x[rows[from + r] * d + j];
            }
            for (int r = m; r < mp; r++) {
                h[row0 + r] = 0f;
            }
        }
        for (int k = 0; k < depth; k++) {
            forwardLayer(h, k, cap, mp);
        }

        // loss, and dLoss/dh_L = 2 (h_L - y) / (B d); padded lanes get 0 so they add nothing below
        final float[] y = data.y();
        final float[] g = sl.g;
        final int out = depth * d * cap;
        final float scale = (float) (2.0 / ((double) batch * d));
        double sse = 0;
        for (int i = 0; i < d; i++) {
            for (int r = 0; r < m; r++) {
                float e = h[out + i * cap + r] - y[rows[from + r] * d + i];
                sse += (double) e * e;
                g[i * cap + r] = scale * e;
            }
            for (int r = m; r < mp; r++) {
                g[i * cap + r] = 0f;
            }
        }
        if (!backward) {
            return sse;
        }
        for (int k = depth - 1; k >= 0; k--) {
            backwardLayer(sl, k, mp);
        }
        switch (net.deltaMode()) {
            case NONE -> { }
            case PER_LAYER -> System.arraycopy(sl.gDelta, 0, sl.grad, net.offsetDelta(), depth);
            case SHARED -> {
                double s = 0;
                for (int k = 0; k < depth; k++) {
                    s += sl.gDelta[k];
                }
                sl.grad[net.offsetDelta()] = (float) (s * Math.signum(w[net.offsetDelta()]));
            }
        }
        return sse;
    }

    private float delta(int k) {
        return switch (net.deltaMode()) {
            case NONE -> 1f;
            case SHARED -> Math.abs(w[net.offsetDelta()]);
            case PER_LAYER -> w[net.offsetDelta() + k];
        };
    }

    private FloatVector activate(FloatVector z) {
        return switch (net.activation()) {
            case TANH -> RationalTanh.apply(S, z);
            case RELU -> z.max(0f);
            case LINEAR -> z;
        };
    }

    /** h_{k+1} = h_k + delta_k * sigma(A_k h_k + b_k), one vector of samples at a time. */
    private void forwardLayer(float[] h, int k, int cap, int mp) {
        final int d = net.width();
        final int in = k * d * cap;
        final int out = in + d * cap;
        final int a = net.offsetA(k);
        final int b = net.offsetB(k);
        final float delta = delta(k);
        for (int v = 0; v < mp; v += VL) {
            for (int i = 0; i < d; i++) {
                FloatVector z = FloatVector.broadcast(S, w[b + i]);
                for (int j = 0; j < d; j++) {
                    z = FloatVector.fromArray(S, h, in + j * cap + v).fma(FloatVector.broadcast(S, w[a + i * d + j]), z);
                }
                FloatVector hi = FloatVector.fromArray(S, h, in + i * cap + v);
                activate(z).fma(FloatVector.broadcast(S, delta), hi).intoArray(h, out + i * cap + v);
            }
        }
    }

    /**
     * Given g = dLoss/dh_{k+1}, accumulate dLoss/dA_k, db_k, d delta_k and overwrite g with dLoss/dh_k:
     * gz = g * delta * sigma'(z);  dA += gz h_k^T;  db += gz;  d delta += g . sigma(z);  g += A_k^T gz.
     */
    private void backwardLayer(Slice sl, int k, int mp) {
        final int d = net.width();
        final int cap = sl.cap;
        final float[] h = sl.h;
        final float[] g = sl.g;
        final float[] gz = sl.gz;
        final float[] accA = sl.accA;
        final float[] accB = sl.accB;
        final int in = k * d * cap;
        final int a = net.offsetA(k);
        final int b = net.offsetB(k);
        final float delta = delta(k);
        final Activation act = net.activation();
        java.util.Arrays.fill(accA, 0f);
        java.util.Arrays.fill(accB, 0f);
        FloatVector accDelta = FloatVector.zero(S);
        for (int v = 0; v < mp; v += VL) {
            for (int i = 0; i < d; i++) {
                FloatVector z = FloatVector.broadcast(S, w[b + i]);
                for (int j = 0; j < d; j++) {
                    z = FloatVector.fromArray(S, h, in + j * cap + v).fma(FloatVector.broadcast(S, w[a + i * d + j]), z);
                }
                FloatVector gi = FloatVector.fromArray(S, g, i * cap + v);
                FloatVector s;
                FloatVector ds;
                switch (act) {
                    case TANH -> {
                        s = RationalTanh.apply(S, z);
                        ds = s.fma(s.neg(), FloatVector.broadcast(S, 1f));
                    }
                    case RELU -> {
                        VectorMask<Float> pos = z.compare(VectorOperators.GT, 0f);
                        s = z.max(0f);
                        ds = FloatVector.zero(S).blend(1f, pos);
                    }
                    default -> {
                        s = z;
                        ds = FloatVector.broadcast(S, 1f);
                    }
                }
                accDelta = gi.fma(s, accDelta);
                FloatVector gzi = gi.mul(ds).mul(delta);
                gzi.intoArray(gz, i * VL);
                FloatVector.fromArray(S, accB, i * VL).add(gzi).intoArray(accB, i * VL);
            }
            for (int j = 0; j < d; j++) {
                FloatVector hj = FloatVector.fromArray(S, h, in + j * cap + v);
                FloatVector gj = FloatVector.fromArray(S, g, j * cap + v);
                for (int i = 0; i < d; i++) {
                    FloatVector gzi = FloatVector.fromArray(S, gz, i * VL);
                    gj = gzi.fma(FloatVector.broadcast(S, w[a + i * d + j]), gj);
                    int acc = (i * d + j) * VL;
                    gzi.fma(hj, FloatVector.fromArray(S, accA, acc)).intoArray(accA, acc);
                }
                gj.intoArray(g, j * cap + v);
            }
        }
        final float[] grad = sl.grad;
        for (int ij = 0; ij < d * d; ij++) {
            grad[a + ij] = sumLanes(accA, ij * VL);
        }
        for (int i = 0; i < d; i++) {
            grad[b + i] = sumLanes(accB, i * VL);
        }
        if (net.deltaMode() != DeltaMode.NONE) {
            accDelta.intoArray(gz, 0);
            sl.gDelta[k] = sumLanes(gz, 0);
        }
    }

    /**
     * Lane sum in a fixed order. reduceLanes(ADD) is not used: its compiled and interpreted orders
     * differ, which would break bit-identical resume.
     */
    private static float sumLanes(float[] a, int off) {
        float s = 0f;
        for (int l = 0; l < VL; l++) {
            s += a[off + l];
        }
        return s;
    }

    @Override
    public long workspaceBytes() {
        long bytes = 4L * w.length;
        for (Slice sl : slices) {
            bytes += 4L * (sl.h.length + sl.g.length + sl.gz.length + sl.accA.length + sl.accB.length
                    + sl.grad.length + sl.gDelta.length);
        }
        return bytes;
    }

    /** Bytes of the activations h_0..h_L alone for a batch: the floor any backward pass must hold. */
    public static long activationBytes(ResidualMlp net, int batch) {
        return 4L * (net.depth() + 1) * net.width() * batch;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
