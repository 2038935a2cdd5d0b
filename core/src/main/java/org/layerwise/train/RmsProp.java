package org.layerwise.train;

/** torch.optim.RMSprop (centered=False): sq = a sq + (1-a) g^2;  p -= lr * g / (sqrt(sq) + eps), with optional momentum buffer. */
public final class RmsProp extends GroupedOptimizer {
    private final double alpha;
    private final double eps;
    private final double momentum;
    private double[] sq;
    private double[] buf;

    public RmsProp(double lr, double alpha, double eps, double momentum, double weightDecay) {
        super(lr, weightDecay);
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
    }

    @Override
    void begin(int n) {
        if (sq == null) {
            sq = new double[n];
            buf = momentum != 0 ? new double[n] : null;
        }
    }

    @Override
    void update(double[] p, double[] g, int from, int to, double lr) {
        for (int i = from; i < to; i++) {
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
    public void saveState(Checkpoint c, String prefix) {
        put(c, prefix + "square_avg", sq);
        put(c, prefix + "momentum_buffer", buf);
    }

    @Override
    public void restoreState(Checkpoint c, String prefix) {
        sq = get(c, prefix + "square_avg");
        buf = get(c, prefix + "momentum_buffer");
    }
}
