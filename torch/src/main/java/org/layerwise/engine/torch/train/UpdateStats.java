package org.layerwise.engine.torch.train;

/**
 * What an SGD step did to every parameter, computed from the step direction d (the gradient after
 * weight decay and momentum) and the weights w before the step, w' = w - lr·d:
 * ||w||^2, &lt;w,d&gt; and ||d||^2 are measured on the device (float64 accumulation) before the update;
 * norms and angles after it follow in exact arithmetic. They ignore only the float32 rounding of the
 * update itself (about 1e-7 relative per element), which the tests bound against a direct measurement.
 * This costs no copy of the weights.
 */
public final class UpdateStats {
    private final double[] lrs;
    private final double[] weightSq;
    private final double[] stepDot;
    private final double[] stepSq;

    UpdateStats(double[] lrs, double[] weightSq, double[] stepDot, double[] stepSq) {
        this.lrs = lrs;
        this.weightSq = weightSq;
        this.stepDot = stepDot;
        this.stepSq = stepSq;
    }

    public int size() {
        return lrs.length;
    }

    /** The learning rate parameter i was updated with. */
    public double lr(int i) {
        return lrs[i];
    }

    /** ||w||^2 before the step. */
    public double weightSqBefore(int i) {
        return weightSq[i];
    }

    /** ||w'||^2 = ||w||^2 - 2 lr &lt;w,d&gt; + lr^2 ||d||^2 after the step. */
    public double weightSqAfter(int i) {
        double lr = lrs[i];
        return weightSq[i] - 2 * lr * stepDot[i] + lr * lr * stepSq[i];
    }

    /** &lt;w,d&gt;: the step direction's component along the weights (≈ 0 for plain SGD on a normalized tensor). */
    public double stepDot(int i) {
        return stepDot[i];
    }

    /** ||d||^2 of the step direction (the gradient itself for plain SGD). */
    public double stepSq(int i) {
        return stepSq[i];
    }

    /** lr·||d|| / ||w||: the relative size of the step (the ELR for plain SGD). */
    public double relativeStep(int i) {
        return lrs[i] * Math.sqrt(stepSq[i] / weightSq[i]);
    }

    /** cos of the angle between w and w'. */
    public double cosine(int i) {
        return (weightSq[i] - lrs[i] * stepDot[i]) / Math.sqrt(weightSq[i] * weightSqAfter(i));
    }

    /**
     * The angle between w and w' in radians, from the step's components across and along w:
     * atan2(lr·||d_perp||, ||w|| - lr·&lt;w,d&gt;/||w||), accurate for tiny angles where acos(cosine) is not.
     */
    public double angle(int i) {
        double norm = Math.sqrt(weightSq[i]);
        double along = stepDot[i] / norm;
        double across = Math.sqrt(Math.max(0, stepSq[i] - along * along));
        return Math.atan2(lrs[i] * across, norm - lrs[i] * along);
    }
}
