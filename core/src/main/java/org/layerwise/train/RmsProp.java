package org.layerwise.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** torch.optim.RMSprop (centered=False): sq = a sq + (1-a) g^2;  p -= lr * g / (sqrt(sq) + eps), with optional momentum buffer. */
public final class RmsProp implements Optimizer {
    private final double lr;
    private final double alpha;
    private final double eps;
    private final double momentum;
    private final double weightDecay;
    private double[] sq;
    private double[] buf;

    public RmsProp(double lr, double alpha, double eps, double momentum, double weightDecay) {
        this.lr = lr;
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void step(double[] p, double[] g) {
        Optimizer.decay(g, p, weightDecay);
        if (sq == null) {
            sq = new double[p.length];
            buf = momentum != 0 ? new double[p.length] : null;
        }
        for (int i = 0; i < p.length; i++) {
            sq[i] = alpha * sq[i] + (1 - alpha) * g[i] * g[i];
            double avg = Math.sqrt(sq[i]) + eps;
            if (buf != null) {
                buf[i] = momentum * buf[i] + g[i] / avg;
                p[i] -= lr * buf[i];
            } else {
                p[i] -= lr * g[i] / avg;
            }
        }
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        Optimizer.writeArray(out, sq);
        Optimizer.writeArray(out, buf);
    }

    @Override
    public void readState(DataInputStream in) throws IOException {
        sq = Optimizer.readArray(in);
        buf = Optimizer.readArray(in);
    }
}
