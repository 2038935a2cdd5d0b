package org.layerwise.engine.torch.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.Tensors;

/**
 * ||w||^2, ||g||^2 and &lt;w,g&gt; of every parameter after a backward pass, in the stable order
 * (select normalized tensors with {@link ResNet#normalizedIndices()}, the classifier with
 * {@link ResNet#classifierIndices()}). Computed on the model's device with float64 accumulation;
 * the 3 x P results come to Java in one copy, never the tensors themselves.
 *
 * <p>From these follow the quantities of elr-model.md §2: sigma = ||w||, the base gradient
 * c = ||w||·||g||, the ELR eta·||g||/||w|| and the orthogonality check &lt;w,g&gt;/(||w||·||g||),
 * which scale invariance makes ≈ 0 for normalized tensors.
 */
public final class GradientStats {
    static {
        Natives.load();
    }

    private final double[] weightSq;
    private final double[] gradSq;
    private final double[] dot;

    private GradientStats(double[] weightSq, double[] gradSq, double[] dot) {
        this.weightSq = weightSq;
        this.gradSq = gradSq;
        this.dot = dot;
    }

    /** Measures every parameter; throws if a parameter has no gradient yet (no backward since creation). */
    @SuppressWarnings("try") // scope and guard act by existing
    public static GradientStats measure(ResNet model) {
        int count = model.parameterCount();
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector sums = new TensorVector();
            for (int i = 0; i < count; i++) {
                Tensor w = model.parameter(i);
                Tensor g = w.grad();
                if (!g.defined()) {
                    throw new IllegalStateException("parameter '" + model.parameterName(i)
                            + "' has no gradient: run TrainStep.forwardBackward before GradientStats.measure");
                }
                sums.push_back(doubleSum(w.mul(w)));
                sums.push_back(doubleSum(g.mul(g)));
                sums.push_back(doubleSum(w.mul(g)));
            }
            double[] all = Tensors.toDoubles(torch.stack(sums));
            double[] ww = new double[count];
            double[] gg = new double[count];
            double[] wg = new double[count];
            for (int i = 0; i < count; i++) {
                ww[i] = all[3 * i];
                gg[i] = all[3 * i + 1];
                wg[i] = all[3 * i + 2];
            }
            return new GradientStats(ww, gg, wg);
        }
    }

    /** Sum of all elements, accumulated in float64 whatever the tensor's type. */
    static Tensor doubleSum(Tensor t) {
        return t.sum(new ScalarTypeOptional(torch.ScalarType.Double));
    }

    /** Number of parameters measured. */
    public int size() {
        return weightSq.length;
    }

    /** ||w||^2 per parameter (a copy). */
    public double[] weightSq() {
        return weightSq.clone();
    }

    /** ||g||^2 per parameter (a copy). */
    public double[] gradSq() {
        return gradSq.clone();
    }

    /** &lt;w,g&gt; per parameter (a copy). */
    public double[] dot() {
        return dot.clone();
    }

    public double weightNorm(int i) {
        return Math.sqrt(weightSq[i]);
    }

    public double gradNorm(int i) {
        return Math.sqrt(gradSq[i]);
    }

    /** &lt;w,g&gt;/(||w||·||g||); ≈ 0 for a scale-invariant tensor; NaN where w or g is zero. */
    public double cosine(int i) {
        return dot[i] / Math.sqrt(weightSq[i] * gradSq[i]);
    }
}
