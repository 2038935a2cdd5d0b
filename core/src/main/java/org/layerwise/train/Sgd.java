package org.layerwise.train;

/** torch.optim.SGD: buf = mu*buf + (1-dampening)*g (buf = g on the first step); p -= lr*(nesterov ? g + mu*buf : buf). */
public final class Sgd extends GroupedOptimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private double[] buf;
    private boolean first;

    public Sgd(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(lr, weightDecay);
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    void begin(int n) {
        first = momentum != 0 && buf == null;
        if (first) {
            buf = new double[n];
        }
    }

    @Override
    void update(double[] p, double[] g, int from, int to, double lr) {
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                p[i] -= lr * g[i];
            }
            return;
        }
        for (int i = from; i < to; i++) {
            buf[i] = first ? g[i] : momentum * buf[i] + (1 - dampening) * g[i];
            double d = nesterov ? g[i] + momentum * buf[i] : buf[i];
            p[i] -= lr * d;
        }
    }

    @Override
    public void saveState(Checkpoint c, String prefix) {
        put(c, prefix + "momentum_buffer", buf);
    }

    @Override
    public void restoreState(Checkpoint c, String prefix) {
        buf = get(c, prefix + "momentum_buffer");
    }
}
