package org.layerwise.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * An in-place parameter update with PyTorch's semantics (torch.optim), on float64 master weights.
 * State round-trips through a checkpoint so a resumed run continues bit-identically.
 */
public interface Optimizer {
    void step(double[] params, double[] grad);

    void writeState(DataOutputStream out) throws IOException;

    void readState(DataInputStream in) throws IOException;

    /** Adds weight decay the PyTorch way (L2 added to the gradient), in place. */
    static void decay(double[] grad, double[] params, double weightDecay) {
        if (weightDecay != 0) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] += weightDecay * params[i];
            }
        }
    }

    static void writeArray(DataOutputStream out, double[] a) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (double v : a) {
                out.writeDouble(v);
            }
        }
    }

    static double[] readArray(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }
}
