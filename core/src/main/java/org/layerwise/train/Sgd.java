package org.layerwise.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** torch.optim.SGD: buf = mu*buf + (1-dampening)*g (buf = g on the first step); p -= lr*(nesterov ? g + mu*buf : buf). */
public final class Sgd implements Optimizer {
    private final double lr;
    private final double momentum;
    private final double dampening;
    private final double weightDecay;
    private final boolean nesterov;
    private double[] buf;

    public Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this.lr = lr;
        this.momentum = momentum;
        this.dampening = dampening;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    public void step(double[] p, double[] g) {
        Optimizer.decay(g, p, weightDecay);
        if (momentum != 0) {
            if (buf == null) {
                buf = g.clone();
            } else {
                for (int i = 0; i < p.length; i++) {
                    buf[i] = momentum * buf[i] + (1 - dampening) * g[i];
                }
            }
            for (int i = 0; i < p.length; i++) {
                double d = nesterov ? g[i] + momentum * buf[i] : buf[i];
                p[i] -= lr * d;
            }
        } else {
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * g[i];
            }
        }
    }

    @Override
    public void writeState(DataOutputStream out) throws IOException {
        Optimizer.writeArray(out, buf);
    }

    @Override
    public void readState(DataInputStream in) throws IOException {
        buf = Optimizer.readArray(in);
    }
}
