package org.layerwise.engine;

import static org.layerwise.engine.LaneMath.S;
import static org.layerwise.engine.LaneMath.VL;

import jdk.incubator.vector.FloatVector;
import org.layerwise.data.Dataset;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;

/**
 * The fused kernel's layout for wide layers: SIMD lanes run across features. A sample's d features
 * are one row padded to {@code dp} (a multiple of the vector length), so each of the three products
 * of a layer is a sum of rank-1 updates computed by one register-tiled micro-kernel ({@link #gemm}):
 * 8 rows x 2 vectors of outputs held in 16 registers while the inner index runs, two vector loads and
 * eight broadcasts per 16 FMAs, no horizontal sums:
 * <pre>
 *   forward       z[r][i]  = b[i] + sum_j h[r][j] A^T[j][i]
 *   input grad    g[r][j] += sum_i gz[r][i] A[i][j]
 *   weight grad  dA[i][j]  = sum_r gz[r][i] h[r][j]      (the chunk's samples, in order)
 * </pre>
 * Padded lanes hold zeros throughout (their weights are zero, sigma(0) = 0), padded rows have zero
 * loss gradient. As in the other layout, h_0..h_L are kept, and sigma(z) of every layer where the
 * kernel keeps it (else z is recomputed in the backward pass: the same floats).
 */
final class FeatureLanes implements ChunkEngine {
    /** Rows per micro-tile. */
    static final int R = 8;

    private final ResidualMlp net;
    private final int d;
    private final int dp;
    private final int cap;
    private final float[] h;     // (L+1) layers of cap rows x dp
    private final float[] sig;   // L layers of sigma(z), cap rows x dp; null: recompute z in the backward pass
    private final float[] g;     // cap x dp: dLoss/dh at the current layer
    private final float[] z;     // cap x dp: z, then sigma(z)
    private final float[] ds;    // cap x dp: sigma'(z), then gz
    private final float[] at;    // A^T packed for gemm: k = j, lanes over i
    private final float[] ar;    // A packed for gemm: k = i, lanes over j
    private final float[] hp;    // h_k packed for the weight gradient: k = r, lanes over j
    private final float[] bias;  // dp
    private final float[] dA;    // roundUp(d, R) x dp
    private final float[] db;    // dp
    private final float[] gDelta;
    private final float[] lanes = new float[VL];

    FeatureLanes(ResidualMlp net, int chunk, boolean keep) {
        this.net = net;
        this.d = net.width();
        this.dp = LaneMath.roundUp(d, VL);
        this.cap = LaneMath.roundUp(chunk, R);
        this.h = new float[(net.depth() + 1) * cap * dp];
        this.sig = keep ? new float[Math.toIntExact(keptFloats(net, chunk))] : null;
        this.g = new float[cap * dp];
        this.z = new float[cap * dp];
        this.ds = new float[cap * dp];
        this.at = new float[d * dp];
        this.ar = new float[d * dp];
        this.hp = new float[cap * dp];
        this.bias = new float[dp];
        this.dA = new float[LaneMath.roundUp(d, R) * dp];
        this.db = new float[dp];
        this.gDelta = new float[net.depth()];
    }

    @Override
    public double run(float[] w, Dataset data, int[] rows, int from, int m, int batch, boolean backward, float[] grad) {
        final int depth = net.depth();
        final int mp = LaneMath.roundUp(m, R);
        final float[] x = data.x();
        for (int r = 0; r < m; r++) {
            int src = rows[from + r] * d;
            System.arraycopy(x, src, h, r * dp, d);
            java.util.Arrays.fill(h, r * dp + d, (r + 1) * dp, 0f);
        }
        java.util.Arrays.fill(h, m * dp, mp * dp, 0f);
        for (int k = 0; k < depth; k++) {
            forwardLayer(w, k, mp, backward);
        }
        // loss, and dLoss/dh_L = 2 (h_L - y) / (B d); padded rows and lanes get 0
        final float[] y = data.y();
        final int out = depth * cap * dp;
        final float scale = (float) (2.0 / ((double) batch * d));
        double sse = 0;
        java.util.Arrays.fill(g, 0, mp * dp, 0f);
        for (int r = 0; r < m; r++) {
            int src = rows[from + r] * d;
            for (int i = 0; i < d; i++) {
                float e = h[out + r * dp + i] - y[src + i];
                sse += (double) e * e;
                g[r * dp + i] = scale * e;
            }
        }
        if (!backward) {
            return sse;
        }
        for (int k = depth - 1; k >= 0; k--) {
            backwardLayer(w, k, m, mp, grad);
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
     * Layer k's A, packed ({@link #packed}) for the forward product (columns: element (k = j, lane n = i) is
     * A[i][j]) and/or for the input gradient (rows: element (k = i, lane n = j) is A[i][j]); padded lanes stay
     * zero. Panel by panel, so rows are block copies and columns a transpose with no index arithmetic per element.
     */
    private void loadLayer(float[] w, int k, boolean columns, boolean rows) {
        final int a = net.offsetA(k);
        final int nv = dp / VL;
        for (int n0 = 0; n0 < d; ) {
            int width = nv - n0 / VL >= 2 ? 2 * VL : VL;
            int base = n0 / (2 * VL) * d * 2 * VL;
            int lanes = Math.min(width, d - n0);
            if (rows) {
                for (int i = 0; i < d; i++) {
                    System.arraycopy(w, a + i * d + n0, ar, base + i * width, lanes);
                }
            }
            if (columns) {
                for (int i = n0; i < n0 + lanes; i++) {
                    int src = a + i * d;
                    int dst = base + i - n0;
                    for (int j = 0; j < d; j++) {
                        at[dst + j * width] = w[src + j];
                    }
                }
            }
            n0 += width;
        }
    }

    /** z = A_k h_k + b_k for the chunk's mp rows, then sigma (and sigma' into ds when asked). */
    private void preActivate(float[] w, int k, int mp, boolean derivative) {
        loadLayer(w, k, true, derivative);
        System.arraycopy(w, net.offsetB(k), bias, 0, d);
        for (int r = 0; r < mp; r++) {
            System.arraycopy(bias, 0, z, r * dp, dp);
        }
        gemm(h, k * cap * dp, dp, 1, d, at, 0, dp / VL, z, 0, dp, mp);
        LaneMath.activate(net.activation(), z, derivative ? ds : null, mp * dp);
    }

    /** h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k). */
    private void forwardLayer(float[] w, int k, int mp, boolean keep) {
        preActivate(w, k, mp, false);
        final int in = k * cap * dp;
        if (keep && sig != null) {
            System.arraycopy(z, 0, sig, in, mp * dp);
        }
        final int out = in + cap * dp;
        final FloatVector delta = FloatVector.broadcast(S, LaneMath.delta(net, w, k));
        for (int e = 0; e < mp * dp; e += VL) {
            FloatVector.fromArray(S, z, e).fma(delta, FloatVector.fromArray(S, h, in + e)).intoArray(h, out + e);
        }
    }

    /**
     * Given g = dLoss/dh_{k+1}: gz = g * delta * sigma'(z); db = sum_r gz; d delta = sum g . sigma(z);
     * dA = gz^T h_k over the chunk's m rows; then g += gz A_k (g becomes dLoss/dh_k).
     */
    private void backwardLayer(float[] w, int k, int m, int mp, float[] grad) {
        if (sig != null) { // sigma(z) as the forward pass left it; A packed by rows only, for the input gradient
            System.arraycopy(sig, k * cap * dp, z, 0, mp * dp);
            LaneMath.derivative(net.activation(), z, 0, ds, mp * dp);
            loadLayer(w, k, false, true);
        } else {
            preActivate(w, k, mp, true); // z = sigma(z), ds = sigma'(z)
        }
        final FloatVector delta = FloatVector.broadcast(S, LaneMath.delta(net, w, k));
        FloatVector dAcc = FloatVector.zero(S);
        for (int v = 0; v < dp; v += VL) {
            FloatVector bAcc = FloatVector.zero(S);
            for (int r = 0; r < mp; r++) {
                int e = r * dp + v;
                FloatVector gv = FloatVector.fromArray(S, g, e);
                dAcc = gv.fma(FloatVector.fromArray(S, z, e), dAcc);
                FloatVector q = gv.mul(FloatVector.fromArray(S, ds, e)).mul(delta);
                q.intoArray(ds, e); // ds now holds gz
                bAcc = bAcc.add(q);
            }
            bAcc.intoArray(db, v);
        }
        final int mA = LaneMath.roundUp(d, R);
        final int in = k * cap * dp;
        // dA[i][j] = sum_r gz[r][i] h[r][j]: the rows i of gz are its lanes, the inner index r its rows
        java.util.Arrays.fill(dA, 0f);
        if (dp <= 2 * VL) { // one panel: h_k's rows are already the packed layout
            gemm(ds, 0, 1, dp, m, h, in, dp / VL, dA, 0, dp, mA);
        } else {
            for (int r = 0; r < m; r++) {
                for (int v = 0; v < dp; v += 2 * VL) {
                    System.arraycopy(h, in + r * dp + v, hp, packed(r, v, m, dp), Math.min(2 * VL, dp - v));
                }
            }
            gemm(ds, 0, 1, dp, m, hp, 0, dp / VL, dA, 0, dp, mA);
        }
        // g[r][j] += sum_i gz[r][i] A[i][j]
        gemm(ds, 0, dp, 1, d, ar, 0, dp / VL, g, 0, dp, mp);
        final int a = net.offsetA(k);
        for (int i = 0; i < d; i++) {
            System.arraycopy(dA, i * dp, grad, a + i * d, d);
        }
        System.arraycopy(db, 0, grad, net.offsetB(k), d);
        if (net.deltaMode() != DeltaMode.NONE) {
            dAcc.intoArray(lanes, 0);
            gDelta[k] = LaneMath.sumLanes(lanes, 0);
        }
    }

    /**
     * Where element (k, lane n) of a K x dp matrix sits when packed for {@link #gemm}: in panels of two
     * vectors (the last one alone when dp / VL is odd), each panel K rows of its lanes, so the
     * micro-kernel walks its weights with a constant stride (the JIT then drops the bounds checks; a
     * variable stride measured 1.6x slower). The broadcast operand may be strided: transposing gz
     * for the weight gradient instead cost more than it saved (the strided x is 1.13-1.25x faster).
     */
    static int packed(int k, int n, int kk, int dp) {
        int v = n / VL;
        int pair = v / 2;
        int width = (dp / VL - 2 * pair) >= 2 ? 2 * VL : VL;
        return pair * kk * 2 * VL + k * width + (n - 2 * pair * VL);
    }

    /**
     * out[m][n] += sum_{k < K} x[xo + m*xm + k*xk] * W[k][n] for rows m < M (a multiple of R) and the nv
     * vectors of n, W packed by {@link #packed} from wo on; out's rows are om apart. Each output is one FMA chain
     * in k order, the same whatever the tiling.
     */
    static void gemm(float[] x, int xo, int xm, int xk, int kk, float[] wp, int wo, int nv, float[] out, int oo, int om, int rowsM) {
        for (int n = 0; n + 1 < nv; n += 2) {
            for (int mm = 0; mm < rowsM; mm += R) {
                tile8x2(x, xo + mm * xm, xm, xk, kk, wp, wo + (n / 2) * kk * 2 * VL, out, oo + mm * om + n * VL, om);
            }
        }
        if (nv % 2 == 1) {
            for (int mm = 0; mm < rowsM; mm += R) {
                tile8x1(x, xo + mm * xm, xm, xk, kk, wp, wo + (nv / 2) * kk * 2 * VL, out, oo + mm * om + (nv - 1) * VL, om);
            }
        }
    }

    private static void tile8x2(float[] x, int xo, int xm, int xk, int kk, float[] w, int wo, float[] out, int oo, int om) {
        FloatVector c00 = FloatVector.fromArray(S, out, oo);
        FloatVector c01 = FloatVector.fromArray(S, out, oo + VL);
        FloatVector c10 = FloatVector.fromArray(S, out, oo + om);
        FloatVector c11 = FloatVector.fromArray(S, out, oo + om + VL);
        FloatVector c20 = FloatVector.fromArray(S, out, oo + 2 * om);
        FloatVector c21 = FloatVector.fromArray(S, out, oo + 2 * om + VL);
        FloatVector c30 = FloatVector.fromArray(S, out, oo + 3 * om);
        FloatVector c31 = FloatVector.fromArray(S, out, oo + 3 * om + VL);
        FloatVector c40 = FloatVector.fromArray(S, out, oo + 4 * om);
        FloatVector c41 = FloatVector.fromArray(S, out, oo + 4 * om + VL);
        FloatVector c50 = FloatVector.fromArray(S, out, oo + 5 * om);
        FloatVector c51 = FloatVector.fromArray(S, out, oo + 5 * om + VL);
        FloatVector c60 = FloatVector.fromArray(S, out, oo + 6 * om);
        FloatVector c61 = FloatVector.fromArray(S, out, oo + 6 * om + VL);
        FloatVector c70 = FloatVector.fromArray(S, out, oo + 7 * om);
        FloatVector c71 = FloatVector.fromArray(S, out, oo + 7 * om + VL);
        for (int k = 0; k < kk; k++) {
            int wk = wo + k * (2 * VL);
            FloatVector w0 = FloatVector.fromArray(S, w, wk);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + VL);
            int xa = xo + k * xk;
            FloatVector a = FloatVector.broadcast(S, x[xa]);
            c00 = w0.fma(a, c00);
            c01 = w1.fma(a, c01);
            a = FloatVector.broadcast(S, x[xa + xm]);
            c10 = w0.fma(a, c10);
            c11 = w1.fma(a, c11);
            a = FloatVector.broadcast(S, x[xa + 2 * xm]);
            c20 = w0.fma(a, c20);
            c21 = w1.fma(a, c21);
            a = FloatVector.broadcast(S, x[xa + 3 * xm]);
            c30 = w0.fma(a, c30);
            c31 = w1.fma(a, c31);
            a = FloatVector.broadcast(S, x[xa + 4 * xm]);
            c40 = w0.fma(a, c40);
            c41 = w1.fma(a, c41);
            a = FloatVector.broadcast(S, x[xa + 5 * xm]);
            c50 = w0.fma(a, c50);
            c51 = w1.fma(a, c51);
            a = FloatVector.broadcast(S, x[xa + 6 * xm]);
            c60 = w0.fma(a, c60);
            c61 = w1.fma(a, c61);
            a = FloatVector.broadcast(S, x[xa + 7 * xm]);
            c70 = w0.fma(a, c70);
            c71 = w1.fma(a, c71);
        }
        c00.intoArray(out, oo);
        c01.intoArray(out, oo + VL);
        c10.intoArray(out, oo + om);
        c11.intoArray(out, oo + om + VL);
        c20.intoArray(out, oo + 2 * om);
        c21.intoArray(out, oo + 2 * om + VL);
        c30.intoArray(out, oo + 3 * om);
        c31.intoArray(out, oo + 3 * om + VL);
        c40.intoArray(out, oo + 4 * om);
        c41.intoArray(out, oo + 4 * om + VL);
        c50.intoArray(out, oo + 5 * om);
        c51.intoArray(out, oo + 5 * om + VL);
        c60.intoArray(out, oo + 6 * om);
        c61.intoArray(out, oo + 6 * om + VL);
        c70.intoArray(out, oo + 7 * om);
        c71.intoArray(out, oo + 7 * om + VL);
    }

    private static void tile8x1(float[] x, int xo, int xm, int xk, int kk, float[] w, int wo, float[] out, int oo, int om) {
        FloatVector c0 = FloatVector.fromArray(S, out, oo);
        FloatVector c1 = FloatVector.fromArray(S, out, oo + om);
        FloatVector c2 = FloatVector.fromArray(S, out, oo + 2 * om);
        FloatVector c3 = FloatVector.fromArray(S, out, oo + 3 * om);
        FloatVector c4 = FloatVector.fromArray(S, out, oo + 4 * om);
        FloatVector c5 = FloatVector.fromArray(S, out, oo + 5 * om);
        FloatVector c6 = FloatVector.fromArray(S, out, oo + 6 * om);
        FloatVector c7 = FloatVector.fromArray(S, out, oo + 7 * om);
        for (int k = 0; k < kk; k++) {
            FloatVector w0 = FloatVector.fromArray(S, w, wo + k * VL);
            int xa = xo + k * xk;
            c0 = w0.fma(FloatVector.broadcast(S, x[xa]), c0);
            c1 = w0.fma(FloatVector.broadcast(S, x[xa + xm]), c1);
            c2 = w0.fma(FloatVector.broadcast(S, x[xa + 2 * xm]), c2);
            c3 = w0.fma(FloatVector.broadcast(S, x[xa + 3 * xm]), c3);
            c4 = w0.fma(FloatVector.broadcast(S, x[xa + 4 * xm]), c4);
            c5 = w0.fma(FloatVector.broadcast(S, x[xa + 5 * xm]), c5);
            c6 = w0.fma(FloatVector.broadcast(S, x[xa + 6 * xm]), c6);
            c7 = w0.fma(FloatVector.broadcast(S, x[xa + 7 * xm]), c7);
        }
        c0.intoArray(out, oo);
        c1.intoArray(out, oo + om);
        c2.intoArray(out, oo + 2 * om);
        c3.intoArray(out, oo + 3 * om);
        c4.intoArray(out, oo + 4 * om);
        c5.intoArray(out, oo + 5 * om);
        c6.intoArray(out, oo + 6 * om);
        c7.intoArray(out, oo + 7 * om);
    }

    /** Floats of the kept sigma(z) of every layer for a chunk: L layers of the padded rows x the padded width. */
    static long keptFloats(ResidualMlp net, int chunk) {
        return (long) net.depth() * LaneMath.roundUp(chunk, R) * LaneMath.roundUp(net.width(), VL);
    }

    @Override
    public long workspaceBytes() {
        return 4L * (h.length + (sig == null ? 0 : sig.length) + g.length + z.length + ds.length + at.length + ar.length + hp.length + bias.length + dA.length + db.length + gDelta.length);
    }
}
