package org.layerwise.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * torch.optim.Adam (not AdamW: weight decay is added to the gradient):
 * m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= (lr / (1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 */
public final class Adam implements Optimizer {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private double[] m;
    private double[] v;
    private long t;

    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double[] p, double[] g) {
        Optimizer.decay(g, p, weightDecay);
        if (m == null) {
            m = new double[p.length];
            v = new double[p.length];
        }
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / bc1;
        for (int i = 0; i < p.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps);
        }
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        out.writeLong(t);
        Optimizer.writeArray(out, m);
        Optimizer.writeArray(out, v);
    }

    @Override
    public void readState(DataInputStream in) throws IOException {
        t = in.readLong();
        m = Optimizer.readArray(in);
        v = Optimizer.readArray(in);
    }
}
