package org.layerwise.data;

import org.layerwise.util.Rng;

/**
 * The reference code's low-dimensional MNIST embedding (generate_dataset.py): two random, untrained
 * convolutions with PyTorch's default init, conv(1->1, k5, s2) then conv(1->1, k3, s2), map a 28x28
 * image to 5x5 = 25 numbers, scaled to unit norm. The target is the one-hot label padded to 25.
 * As in the reference, raw pixels (0..255) are used: the Normalize transform is defined there but not
 * applied. The two convolutions are seeded here; the reference sets no seed.
 */
public final class MnistEmbedding {
    public static final int DIM = 25;

    private MnistEmbedding() {
    }

    public static Dataset embed(LabelledImages images, int limit, long seed, String name) {
        if (images.rows() != 28 || images.cols() != 28) {
            throw new DataException("the MNIST embedding needs 28x28 images, got " + images.rows() + "x" + images.cols());
        }
        int n = limit > 0 ? Math.min(limit, images.count()) : images.count();
        Rng rng = Rng.derive(seed, "mnist-convs", 0);
        // PyTorch default for Conv2d: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        double[] w1 = uniform(rng, 25, 1 / Math.sqrt(25));
        double b1 = rng.uniform(-1 / Math.sqrt(25), 1 / Math.sqrt(25));
        double[] w2 = uniform(rng, 9, 1 / Math.sqrt(9));
        double b2 = rng.uniform(-1 / Math.sqrt(9), 1 / Math.sqrt(9));
        float[] x = new float[n * DIM];
        float[] y = new float[n * DIM];
        double[] img = new double[784];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < 784; i++) {
                img[i] = images.pixels()[r * 784 + i];
            }
            double[] c1 = conv(img, 28, w1, 5, b1);   // 12 x 12
            double[] c2 = conv(c1, 12, w2, 3, b2);    // 5 x 5
            double norm = OdeDataset.norm(c2);
            for (int i = 0; i < DIM; i++) {
                x[r * DIM + i] = (float) (c2[i] / norm);
            }
            y[r * DIM + images.labels()[r]] = 1f;
        }
        return new Dataset(name, n, DIM, x, y);
    }

    private static double[] uniform(Rng rng, int n, double bound) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = rng.uniform(-bound, bound);
        }
        return w;
    }

    /** Valid (no padding) cross-correlation with stride 2, as torch.nn.Conv2d. */
    static double[] conv(double[] in, int size, double[] k, int ks, double bias) {
        int out = (size - ks) / 2 + 1;
        double[] o = new double[out * out];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < out; c++) {
                double s = bias;
                for (int i = 0; i < ks; i++) {
                    for (int j = 0; j < ks; j++) {
                        s += k[i * ks + j] * in[(2 * r + i) * size + (2 * c + j)];
                    }
                }
                o[r * out + c] = s;
            }
        }
        return o;
    }
}
