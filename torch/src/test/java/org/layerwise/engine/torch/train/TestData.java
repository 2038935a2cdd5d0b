package org.layerwise.engine.torch.train;

import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.util.Rng;

/** Deterministic random batches for the training tests. */
final class TestData {
    private TestData() {
    }

    /** Batch {@code index} of a fixed stream: N(0,1) images (n x C x size x size) and labels 0..classes-1. */
    static Batch batch(ResNet model, int n, int size, long index) {
        Rng rng = Rng.derive(1234, "test-batch", index);
        int c = model.spec().inputChannels();
        float[] x = new float[n * c * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(model.spec().classes());
        }
        return Batch.of(model, x, y, size, size);
    }
}
