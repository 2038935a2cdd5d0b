package org.layerwise.train;

import java.util.Arrays;

/** What every optimizer shares: weight decay and learning rates per contiguous parameter group. */
abstract class GroupedOptimizer implements Optimizer {
    private final double weightDecay;
    private int[] bounds;       // null: one group over everything
    private double[] lrs = new double[1];

    GroupedOptimizer(double lr, double weightDecay) {
        this.lrs[0] = lr;
        this.weightDecay = weightDecay;
    }

    @Override
    public final void step(double[] p, double[] g) {
        Optimizer.decay(g, p, weightDecay);
        begin(p.length);
        if (bounds == null) {
            update(p, g, 0, p.length, lrs[0]);
            return;
        }
        if (bounds[bounds.length - 1] != p.length) {
            throw new IllegalArgumentException("groups cover " + bounds[bounds.length - 1] + " parameters, the network has " + p.length);
        }
        for (int i = 0; i + 1 < bounds.length; i++) {
            update(p, g, bounds[i], bounds[i + 1], lrs[i]);
        }
    }

    /** Called once per step before the group updates (allocate state, advance step counters). */
    abstract void begin(int n);

    /** Updates p[from, to) with learning rate lr. */
    abstract void update(double[] p, double[] g, int from, int to, double lr);

    @Override
    public void setLearningRate(double lr) {
        Arrays.fill(lrs, lr);
    }

    @Override
    public void setGroups(int[] b) {
        if (b.length < 2 || b[0] != 0) {
            throw new IllegalArgumentException("group bounds must start at 0 and hold at least one group");
        }
        for (int i = 1; i < b.length; i++) {
            if (b[i] < b[i - 1]) {
                throw new IllegalArgumentException("group bounds must not decrease: " + Arrays.toString(b));
            }
        }
        double lr = lrs[0];
        bounds = b.clone();
        lrs = new double[b.length - 1];
        Arrays.fill(lrs, lr);
    }

    @Override
    public void setGroupLearningRates(double[] r) {
        if (r.length != lrs.length) {
            throw new IllegalArgumentException(r.length + " learning rates for " + lrs.length + " groups");
        }
        lrs = r.clone();
    }

    static void put(Checkpoint c, String name, double[] a) {
        if (a != null) {
            c.putDoubles(name, a);
        }
    }

    static double[] get(Checkpoint c, String name) {
        return c.has(name) ? c.getDoubles(name) : null;
    }
}
