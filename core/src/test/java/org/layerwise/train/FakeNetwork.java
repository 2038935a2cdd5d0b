package org.layerwise.train;

import java.nio.ByteBuffer;
import org.layerwise.util.Rng;

/**
 * A pure-Java stand-in for a normalized network, to test the image training loop and the ELR probe
 * without libtorch. Tensors 0..k-1 are scale-invariant by construction: the loss depends on them only
 * through w/||w|| (loss_l = 0.5 ||w/||w|| - t_l(batch)||^2), so &lt;w, g&gt; = 0 and plain SGD gives
 * sigma'^2 = sigma^2 (1 + e^2) exactly, as for a BatchNorm layer. The last tensor ("classifier") is
 * an ordinary quadratic. The batch's mean pixel moves the targets, so gradients change from step to step.
 */
public final class FakeNetwork implements TrainableNetwork {
    private final int[] sizes;
    private final double[][] w;
    private final double[][] g;
    private final double[][] before;
    private final double[][] targets;
    private final double momentum;
    private double[][] velocity;

    public FakeNetwork(int[] sizes, long seed, double momentum) {
        this.sizes = sizes.clone();
        this.momentum = momentum;
        Rng rng = new Rng(seed);
        w = new double[sizes.length][];
        g = new double[sizes.length][];
        before = new double[sizes.length][];
        targets = new double[sizes.length][];
        for (int l = 0; l < sizes.length; l++) {
            w[l] = new double[sizes[l]];
            g[l] = new double[sizes[l]];
            targets[l] = new double[sizes[l]];
            double scale = Math.pow(3, l); // layers of very different norms: a wide initial ELR spread
            for (int i = 0; i < sizes[l]; i++) {
                w[l][i] = scale * rng.nextGaussian();
                targets[l][i] = rng.nextGaussian() / Math.sqrt(sizes[l]);
            }
        }
    }

    private boolean invariant(int l) {
        return l < sizes.length - 1;
    }

    @Override
    public Outcome forwardBackward(float[] images, int[] labels, int count, int channels, int height, int width) {
        double mean = 0;
        for (int i = 0; i < count * channels * height * width; i++) {
            mean += images[i];
        }
        mean /= (double) count * channels * height * width;
        double loss = 0;
        for (int l = 0; l < sizes.length; l++) {
            double norm = invariant(l) ? norm(w[l]) : 1;
            double[] d = new double[sizes[l]];
            double du = 0;
            for (int i = 0; i < sizes[l]; i++) {
                double t = targets[l][i] * (1 + 0.3 * Math.sin(7 * mean + i));
                d[i] = w[l][i] / norm - t;
                loss += 0.5 * d[i] * d[i];
                du += d[i] * w[l][i] / norm;
            }
            for (int i = 0; i < sizes[l]; i++) {
                // gradient of f(w/||w||): (I - u u^T) grad_u f / ||w||
                g[l][i] = invariant(l) ? (d[i] - du * w[l][i] / norm) / norm : d[i];
            }
        }
        return new Outcome(loss, 0.5);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    @Override
    public Parameters parameters() {
        return new Parameters() {
            @Override
            public int count() {
                return sizes.length;
            }

            @Override
            public String name(int i) {
                return invariant(i) ? "conv" + i + ".weight" : "fc.weight";
            }

            @Override
            public long size(int i) {
                return sizes[i];
            }

            @Override
            public boolean scaleInvariant(int i) {
                return invariant(i);
            }

            @Override
            public double normSquared(int i) {
                return dot(w[i], w[i]);
            }

            @Override
            public double gradNormSquared(int i) {
                return dot(g[i], g[i]);
            }

            @Override
            public double dot(int i) {
                return dot(w[i], g[i]);
            }

            private double dot(double[] a, double[] b) {
                double s = 0;
                for (int k = 0; k < a.length; k++) {
                    s += a[k] * b[k];
                }
                return s;
            }

            @Override
            public double[] values(int i) {
                return w[i].clone();
            }

            @Override
            public double[] gradient(int i) {
                return g[i].clone();
            }

            @Override
            public double updateCosine(int i) {
                return before[i] == null ? Double.NaN : dot(before[i], w[i]) / Math.sqrt(dot(before[i], before[i]) * dot(w[i], w[i]));
            }
        };
    }

    @Override
    public void update(double[] lrs) {
        if (momentum != 0 && velocity == null) {
            velocity = new double[sizes.length][];
            for (int l = 0; l < sizes.length; l++) {
                velocity[l] = g[l].clone();
            }
        } else if (momentum != 0) {
            for (int l = 0; l < sizes.length; l++) {
                for (int i = 0; i < sizes[l]; i++) {
                    velocity[l][i] = momentum * velocity[l][i] + g[l][i];
                }
            }
        }
        for (int l = 0; l < sizes.length; l++) {
            before[l] = w[l].clone();
            double[] step = momentum != 0 ? velocity[l] : g[l];
            for (int i = 0; i < sizes[l]; i++) {
                w[l][i] -= lrs[l] * step[i];
            }
        }
    }

    @Override
    public Outcome evaluate(float[] images, int[] labels, int count, int channels, int height, int width) {
        return new Outcome(count * 1.0, count / 2.0);
    }

    @Override
    public byte[] state() {
        int n = 0;
        for (int s : sizes) {
            n += s;
        }
        ByteBuffer b = ByteBuffer.allocate(8 * n * 2 + 1);
        b.put((byte) (velocity == null ? 0 : 1));
        for (int l = 0; l < sizes.length; l++) {
            for (int i = 0; i < sizes[l]; i++) {
                b.putDouble(w[l][i]);
                b.putDouble(velocity == null ? 0 : velocity[l][i]);
            }
        }
        return b.array();
    }

    @Override
    public void restore(byte[] state) {
        ByteBuffer b = ByteBuffer.wrap(state);
        boolean v = b.get() == 1;
        velocity = v ? new double[sizes.length][] : null;
        for (int l = 0; l < sizes.length; l++) {
            if (v) {
                velocity[l] = new double[sizes[l]];
            }
            for (int i = 0; i < sizes[l]; i++) {
                w[l][i] = b.getDouble();
                double x = b.getDouble();
                if (v) {
                    velocity[l][i] = x;
                }
            }
        }
    }

    @Override
    public String describe() {
        return "fake normalized network";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void close() {
    }
}
