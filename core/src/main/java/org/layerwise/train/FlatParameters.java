package org.layerwise.train;

import org.layerwise.model.DeltaMode;
import org.layerwise.model.ResidualMlp;

/**
 * The residual MLP's flat parameter array seen as named tensors: A_0, b_0, A_1, b_1, ..., then
 * "delta" (one value when shared, L values per layer) when the network has one.
 */
public final class FlatParameters implements Parameters {
    private final ResidualMlp net;
    private double[] params;
    private double[] grad;

    public FlatParameters(ResidualMlp net) {
        this.net = net;
    }

    /** Points the view at the current arrays (no copy); {@code grad} may be null. */
    public FlatParameters at(double[] params, double[] grad) {
        this.params = params;
        this.grad = grad;
        return this;
    }

    @Override
    public int count() {
        return 2 * net.depth() + (net.deltaMode() == DeltaMode.NONE ? 0 : 1);
    }

    @Override
    public String name(int i) {
        if (i >= 2 * net.depth()) {
            return "delta";
        }
        return (i % 2 == 0 ? "A_" : "b_") + i / 2;
    }

    private int offset(int i) {
        if (i >= 2 * net.depth()) {
            return net.offsetDelta();
        }
        return i % 2 == 0 ? net.offsetA(i / 2) : net.offsetB(i / 2);
    }

    @Override
    public long size(int i) {
        if (i >= 2 * net.depth()) {
            return net.deltaMode().count(net.depth());
        }
        return i % 2 == 0 ? (long) net.width() * net.width() : net.width();
    }

    @Override
    public double normSquared(int i) {
        return dot(params, params, offset(i), (int) size(i));
    }

    @Override
    public double gradNormSquared(int i) {
        return grad == null ? Double.NaN : dot(grad, grad, offset(i), (int) size(i));
    }

    @Override
    public double dot(int i) {
        return grad == null ? Double.NaN : dot(params, grad, offset(i), (int) size(i));
    }

    private static double dot(double[] a, double[] b, int off, int n) {
        double s = 0;
        for (int k = off; k < off + n; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    @Override
    public double[] values(int i) {
        return java.util.Arrays.copyOfRange(params, offset(i), offset(i) + (int) size(i));
    }

    @Override
    public double[] gradient(int i) {
        return grad == null ? null : java.util.Arrays.copyOfRange(grad, offset(i), offset(i) + (int) size(i));
    }

    /** The value of tensor i at flat index j (no copy): for probes that read a few entries of every layer. */
    public double value(int i, int j) {
        return params[offset(i) + j];
    }
}
