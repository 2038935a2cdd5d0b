package org.layerwise.train;

/**
 * torch.optim.Adam (not AdamW: weight decay is added to the gradient):
 * m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= (lr / (1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
 */
public final class Adam extends GroupedOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private double[] m;
    private double[] v;
    private long t;
    private double bc1;
    private double bc2Sqrt;

    public Adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(lr, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    void begin(int n) {
        if (m == null) {
            m = new double[n];
            v = new double[n];
        }
        t++;
        bc1 = 1 - Math.pow(beta1, t);
        bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    void update(double[] p, double[] g, int from, int to, double lr) {
        double stepSize = lr / bc1;
        for (int i = from; i < to; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / bc2Sqrt + eps);
        }
    }

    @Override
    public void saveState(Checkpoint c, String prefix) {
        c.putLong(prefix + "t", t);
        put(c, prefix + "exp_avg", m);
        put(c, prefix + "exp_avg_sq", v);
    }

    @Override
    public void restoreState(Checkpoint c, String prefix) {
        t = c.getLong(prefix + "t");
        m = get(c, prefix + "exp_avg");
        v = get(c, prefix + "exp_avg_sq");
    }
}
