package org.layerwise.engine;

import static org.layerwise.engine.LaneMath.S;
import static org.layerwise.engine.LaneMath.VL;

import jdk.incubator.vector.FloatVector;
import org.layerwise.data.Dataset;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;

/**
 * The fused kernel's layout for narrow layers: SIMD lanes run across the samples, so every d x d
 * product is a chain of vector FMAs whatever d is (d = 10 does not fill a vector). Activations are
 * stored block-major (see {@link #at}); weights are broadcast where they are used (a copy replicated
 * across lanes once per layer was slower: it pushed the working set out of L1), and four sample
 * vectors are processed per pass so independent FMA chains hide the FMA latency. The weight gradient is accumulated per lane over the chunk's blocks and the
 * lanes are summed once per layer, in a fixed order.
 */
final class SampleLanes implements ChunkEngine {
    /** Samples per pass: four vectors, four independent FMA chains (one chain is latency-bound). */
    static final int BLOCK = 4 * VL;

    private final ResidualMlp net;
    private final int cap;            // padded rows per feature
    private final float[] h;          // (L+1) layers of d x cap, block-major: see at()
    private final float[] sig;        // L layers of sigma(z), d x cap, block-major; null: recompute z in the backward pass
    private final float[] g;          // d x cap, block-major: dLoss/dh at the current layer
    private final float[] gz;         // d x BLOCK: gz for one block
    private final float[] accDelta = new float[VL];
    private final float[] zs;         // z, then sigma(z), for one block
    private final float[] ds;         // sigma'(z) for one block
    private final float[] accA;       // d x d x VL per-lane dA over the chunk's blocks
    private final float[] accB;
    private final float[] gDelta;

    SampleLanes(ResidualMlp net, int chunk, boolean keep) {
        this.net = net;
        int d = net.width();
        this.cap = LaneMath.roundUp(chunk, BLOCK);
        this.h = new float[(net.depth() + 1) * d * cap];
        this.sig = keep ? new float[Math.toIntExact(keptFloats(net, chunk))] : null;
        this.g = new float[d * cap];
        this.gz = new float[d * BLOCK];
        this.zs = new float[d * BLOCK];
        this.ds = new float[d * BLOCK];
        this.accA = new float[d * d * VL];
        this.accB = new float[d * VL];
        this.gDelta = new float[net.depth()];
    }

    @Override
    public double run(float[] w, Dataset data, int[] rows, int from, int m, int batch, boolean backward, float[] grad) {
        final int d = net.width();
        final int depth = net.depth();
        final int mp = (m + BLOCK - 1) / BLOCK * BLOCK;
        final float[] x = data.x();
        for (int j = 0; j < d; j++) {
            for (int r = 0; r < m; r++) {
                h[at(r, j, d)] = x[rows[from + r] * d + j];
            }
            for (int r = m; r < mp; r++) {
                h[at(r, j, d)] = 0f;
            }
        }
        for (int k = 0; k < depth; k++) {
            forwardLayer(w, k, mp, backward);
        }

        // loss, and dLoss/dh_L = 2 (h_L - y) / (B d); padded lanes get 0 so they add nothing below
        final float[] y = data.y();
        final int out = depth * d * cap;
        final float scale = (float) (2.0 / ((double) batch * d));
        double sse = 0;
        for (int i = 0; i < d; i++) {
            for (int r = 0; r < m; r++) {
                float e = h[out + at(r, i, d)] - y[rows[from + r] * d + i];
                sse += (double) e * e;
                g[at(r, i, d)] = scale * e;
            }
            for (int r = m; r < mp; r++) {
                g[at(r, i, d)] = 0f;
            }
        }
        if (!backward) {
            return sse;
        }
        for (int k = depth - 1; k >= 0; k--) {
            backwardLayer(w, k, mp, grad);
        }
        switch (net.deltaMode()) {
            case NONE -> { }
            case PER_LAYER -> System.arraycopy(gDelta, 0, grad, net.offsetDelta(), depth);
            case SHARED -> {
                double s = 0;
                for (int k = 0; k < depth; k++) {
                    s += gDelta[k];
                }
                grad[net.offsetDelta()] = (float) (s * Math.signum(w[net.offsetDelta()]));
            }
        }
        return sse;
    }

    /**
     * Index of feature j of sample r within one layer. Block-major: the d x BLOCK values of a block of
     * samples are contiguous, so each layer is read as one sequential stream (the backward pass reads
     * h from memory, layer by layer, long after the forward pass wrote it).
     */
    private static int at(int r, int j, int d) {
        return (r / BLOCK) * d * BLOCK + j * BLOCK + r % BLOCK;
    }

    /**
     * h_{k+1} = h_k + delta_k * sigma(A_k h_k + b_k), four vectors of samples per pass: the four FMA
     * chains are independent, which hides the FMA latency that one chain per z_i would expose.
     */
    private void forwardLayer(float[] w, int k, int mp, boolean keep) {
        final int d = net.width();
        final int a0 = net.offsetA(k);
        final int in = k * d * cap;
        final int out = in + d * cap;
        final FloatVector delta = FloatVector.broadcast(S, LaneMath.delta(net, w, k));
        for (int v = 0; v < mp; v += BLOCK) {
            preActivations(h, w, a0, zs, d, in, v);
            LaneMath.activate(net.activation(), zs, null, d * BLOCK);
            if (keep && sig != null) {
                System.arraycopy(zs, 0, sig, in + v * d, d * BLOCK);
            }
            for (int i = 0; i < d; i++) {
                int hi = in + v * d + i * BLOCK;
                int ho = out + v * d + i * BLOCK;
                for (int l = 0; l < BLOCK; l += VL) {
                    FloatVector.fromArray(S, zs, i * BLOCK + l).fma(delta, FloatVector.fromArray(S, h, hi + l)).intoArray(h, ho + l);
                }
            }
        }
    }

    /**
     * z = A_k h_k + b_k for one block of samples into zs (d x BLOCK). Two outputs i at a time share
     * every loaded h vector: eight independent FMA chains, 0.75 loads per FMA.
     */
    private static void preActivations(float[] h, float[] w, int a0, float[] zs, int d, int in, int v) {
        int i = 0;
        for (; i + 1 < d; i += 2) {
            FloatVector z0 = FloatVector.broadcast(S, w[a0 + d * d + i]);
            FloatVector z1 = z0;
            FloatVector z2 = z0;
            FloatVector z3 = z0;
            FloatVector y0 = FloatVector.broadcast(S, w[a0 + d * d + i + 1]);
            FloatVector y1 = y0;
            FloatVector y2 = y0;
            FloatVector y3 = y0;
            for (int j = 0; j < d; j++) {
                FloatVector a = FloatVector.broadcast(S, w[a0 + i * d + j]);
                FloatVector c = FloatVector.broadcast(S, w[a0 + (i + 1) * d + j]);
                int hj = in + v * d + j * BLOCK;
                FloatVector h0 = FloatVector.fromArray(S, h, hj);
                FloatVector h1 = FloatVector.fromArray(S, h, hj + VL);
                FloatVector h2 = FloatVector.fromArray(S, h, hj + 2 * VL);
                FloatVector h3 = FloatVector.fromArray(S, h, hj + 3 * VL);
                z0 = h0.fma(a, z0);
                z1 = h1.fma(a, z1);
                z2 = h2.fma(a, z2);
                z3 = h3.fma(a, z3);
                y0 = h0.fma(c, y0);
                y1 = h1.fma(c, y1);
                y2 = h2.fma(c, y2);
                y3 = h3.fma(c, y3);
            }
            int at = i * BLOCK;
            z0.intoArray(zs, at);
            z1.intoArray(zs, at + VL);
            z2.intoArray(zs, at + 2 * VL);
            z3.intoArray(zs, at + 3 * VL);
            y0.intoArray(zs, at + BLOCK);
            y1.intoArray(zs, at + BLOCK + VL);
            y2.intoArray(zs, at + BLOCK + 2 * VL);
            y3.intoArray(zs, at + BLOCK + 3 * VL);
        }
        for (; i < d; i++) { // odd d: the last output alone
            FloatVector z0 = FloatVector.broadcast(S, w[a0 + d * d + i]);
            FloatVector z1 = z0;
            FloatVector z2 = z0;
            FloatVector z3 = z0;
            for (int j = 0; j < d; j++) {
                FloatVector a = FloatVector.broadcast(S, w[a0 + i * d + j]);
                int hj = in + v * d + j * BLOCK;
                z0 = FloatVector.fromArray(S, h, hj).fma(a, z0);
                z1 = FloatVector.fromArray(S, h, hj + VL).fma(a, z1);
                z2 = FloatVector.fromArray(S, h, hj + 2 * VL).fma(a, z2);
                z3 = FloatVector.fromArray(S, h, hj + 3 * VL).fma(a, z3);
            }
            int at = i * BLOCK;
            z0.intoArray(zs, at);
            z1.intoArray(zs, at + VL);
            z2.intoArray(zs, at + 2 * VL);
            z3.intoArray(zs, at + 3 * VL);
        }
    }

    /**
     * Given g = dLoss/dh_{k+1}, accumulate dLoss/dA_k, db_k, d delta_k and overwrite g with dLoss/dh_k:
     * gz = g * delta * sigma'(z);  dA += gz h_k^T;  db += gz;  d delta += g . sigma(z);  g += A_k^T gz.
     * sigma(z) is the forward pass's where it was kept, else z is recomputed from h_k (four vectors per
     * pass, as forward); gz for the block is kept in a
     * small scratch, then each g_j is updated with four independent chains.
     */
    private void backwardLayer(float[] w, int k, int mp, float[] grad) {
        final int d = net.width();
        final float[] accD = accDelta;
        final int a0 = net.offsetA(k);
        final int in = k * d * cap;
        final FloatVector delta = FloatVector.broadcast(S, LaneMath.delta(net, w, k));
        java.util.Arrays.fill(accA, 0f);
        java.util.Arrays.fill(accB, 0f);
        java.util.Arrays.fill(accD, 0f);
        for (int v = 0; v < mp; v += BLOCK) {
            if (sig != null) { // sigma(z) as the forward pass left it
                System.arraycopy(sig, in + v * d, zs, 0, d * BLOCK);
                LaneMath.derivative(net.activation(), zs, 0, ds, d * BLOCK);
            } else {
                preActivations(h, w, a0, zs, d, in, v);
                LaneMath.activate(net.activation(), zs, ds, d * BLOCK); // zs becomes sigma(z), ds sigma'(z)
            }
            FloatVector dAcc = FloatVector.fromArray(S, accD, 0);
            for (int i = 0; i < d; i++) {
                int gi = v * d + i * BLOCK;
                int at = i * BLOCK;
                FloatVector bAcc = FloatVector.fromArray(S, accB, i * VL);
                for (int l = 0; l < BLOCK; l += VL) {
                    FloatVector gv = FloatVector.fromArray(S, g, gi + l);
                    dAcc = gv.fma(FloatVector.fromArray(S, zs, at + l), dAcc);
                    FloatVector q = gv.mul(FloatVector.fromArray(S, ds, at + l)).mul(delta);
                    q.intoArray(gz, at + l);
                    bAcc = bAcc.add(q);
                }
                bAcc.intoArray(accB, i * VL);
            }
            dAcc.intoArray(accD, 0);
            int j = 0;
            for (; j + 1 < d; j += 2) {
                inputGradientPair(h, g, gz, w, a0, accA, d, in, v, j);
            }
            for (; j < d; j++) {
                inputGradient(h, g, gz, w, a0, accA, d, in, v, j);
            }
        }
                final int a = net.offsetA(k);
        final int b = net.offsetB(k);
        for (int ij = 0; ij < d * d; ij++) {
            grad[a + ij] = LaneMath.sumLanes(accA, ij * VL);
        }
        for (int i = 0; i < d; i++) {
            grad[b + i] = LaneMath.sumLanes(accB, i * VL);
        }
        if (net.deltaMode() != DeltaMode.NONE) {
            gDelta[k] = LaneMath.sumLanes(accD, 0);
        }
    }

    /** g_j += sum_i A_ij gz_i and dA_ij += gz_i . h_j for one block of samples and one j. */
    private static void inputGradient(float[] h, float[] g, float[] gz, float[] w, int a0, float[] accA, int d, int in, int v, int j) {
        int hj = in + v * d + j * BLOCK;
        FloatVector h0 = FloatVector.fromArray(S, h, hj);
        FloatVector h1 = FloatVector.fromArray(S, h, hj + VL);
        FloatVector h2 = FloatVector.fromArray(S, h, hj + 2 * VL);
        FloatVector h3 = FloatVector.fromArray(S, h, hj + 3 * VL);
        int gj = v * d + j * BLOCK;
        FloatVector g0 = FloatVector.fromArray(S, g, gj);
        FloatVector g1 = FloatVector.fromArray(S, g, gj + VL);
        FloatVector g2 = FloatVector.fromArray(S, g, gj + 2 * VL);
        FloatVector g3 = FloatVector.fromArray(S, g, gj + 3 * VL);
        for (int i = 0; i < d; i++) {
            FloatVector a = FloatVector.broadcast(S, w[a0 + i * d + j]);
            int at = i * BLOCK;
            FloatVector q0 = FloatVector.fromArray(S, gz, at);
            FloatVector q1 = FloatVector.fromArray(S, gz, at + VL);
            FloatVector q2 = FloatVector.fromArray(S, gz, at + 2 * VL);
            FloatVector q3 = FloatVector.fromArray(S, gz, at + 3 * VL);
            g0 = q0.fma(a, g0);
            g1 = q1.fma(a, g1);
            g2 = q2.fma(a, g2);
            g3 = q3.fma(a, g3);
            int acc = (i * d + j) * VL;
            q3.fma(h3, q2.fma(h2, q1.fma(h1, q0.fma(h0, FloatVector.fromArray(S, accA, acc))))).intoArray(accA, acc);
        }
        g0.intoArray(g, gj);
        g1.intoArray(g, gj + VL);
        g2.intoArray(g, gj + 2 * VL);
        g3.intoArray(g, gj + 3 * VL);
    }

    /** {@link #inputGradient} for j and j+1 at once: every loaded gz vector serves both. */
    private static void inputGradientPair(float[] h, float[] g, float[] gz, float[] w, int a0, float[] accA, int d, int in, int v, int j) {
        int hj = in + v * d + j * BLOCK;
        int hk = hj + BLOCK;
        FloatVector h0 = FloatVector.fromArray(S, h, hj);
        FloatVector h1 = FloatVector.fromArray(S, h, hj + VL);
        FloatVector h2 = FloatVector.fromArray(S, h, hj + 2 * VL);
        FloatVector h3 = FloatVector.fromArray(S, h, hj + 3 * VL);
        FloatVector e0 = FloatVector.fromArray(S, h, hk);
        FloatVector e1 = FloatVector.fromArray(S, h, hk + VL);
        FloatVector e2 = FloatVector.fromArray(S, h, hk + 2 * VL);
        FloatVector e3 = FloatVector.fromArray(S, h, hk + 3 * VL);
        int gj = v * d + j * BLOCK;
        int gk = gj + BLOCK;
        FloatVector g0 = FloatVector.fromArray(S, g, gj);
        FloatVector g1 = FloatVector.fromArray(S, g, gj + VL);
        FloatVector g2 = FloatVector.fromArray(S, g, gj + 2 * VL);
        FloatVector g3 = FloatVector.fromArray(S, g, gj + 3 * VL);
        FloatVector f0 = FloatVector.fromArray(S, g, gk);
        FloatVector f1 = FloatVector.fromArray(S, g, gk + VL);
        FloatVector f2 = FloatVector.fromArray(S, g, gk + 2 * VL);
        FloatVector f3 = FloatVector.fromArray(S, g, gk + 3 * VL);
        for (int i = 0; i < d; i++) {
            FloatVector a = FloatVector.broadcast(S, w[a0 + i * d + j]);
            FloatVector c = FloatVector.broadcast(S, w[a0 + i * d + j + 1]);
            int at = i * BLOCK;
            FloatVector q0 = FloatVector.fromArray(S, gz, at);
            FloatVector q1 = FloatVector.fromArray(S, gz, at + VL);
            FloatVector q2 = FloatVector.fromArray(S, gz, at + 2 * VL);
            FloatVector q3 = FloatVector.fromArray(S, gz, at + 3 * VL);
            g0 = q0.fma(a, g0);
            g1 = q1.fma(a, g1);
            g2 = q2.fma(a, g2);
            g3 = q3.fma(a, g3);
            f0 = q0.fma(c, f0);
            f1 = q1.fma(c, f1);
            f2 = q2.fma(c, f2);
            f3 = q3.fma(c, f3);
            int acc = (i * d + j) * VL;
            q3.fma(h3, q2.fma(h2, q1.fma(h1, q0.fma(h0, FloatVector.fromArray(S, accA, acc))))).intoArray(accA, acc);
            q3.fma(e3, q2.fma(e2, q1.fma(e1, q0.fma(e0, FloatVector.fromArray(S, accA, acc + VL))))).intoArray(accA, acc + VL);
        }
        g0.intoArray(g, gj);
        g1.intoArray(g, gj + VL);
        g2.intoArray(g, gj + 2 * VL);
        g3.intoArray(g, gj + 3 * VL);
        f0.intoArray(g, gk);
        f1.intoArray(g, gk + VL);
        f2.intoArray(g, gk + 2 * VL);
        f3.intoArray(g, gk + 3 * VL);
    }

    /** Floats of the kept sigma(z) of every layer for a chunk: L layers of d x the padded rows (block-major). */
    static long keptFloats(ResidualMlp net, int chunk) {
        return (long) net.depth() * net.width() * LaneMath.roundUp(chunk, BLOCK);
    }

    @Override
    public long workspaceBytes() {
        return 4L * (h.length + (sig == null ? 0 : sig.length) + g.length + gz.length + accA.length + accB.length
                + gDelta.length + accDelta.length + zs.length + ds.length);
    }
}
