package org.layerwise.data.image;

import org.layerwise.util.Rng;

/** Image sets generated from a seed, for tests and smoke runs that need no files. */
public final class SyntheticImages {
    private SyntheticImages() {
    }

    /**
     * Random 3x32x32 images with a learnable signal (the label brightens one channel's central square),
     * generated from the seed: a data set for tests and smoke runs that needs no files.
     */
    public static ImageSet of(int n, long seed, String split) {
        Rng rng = Rng.derive(seed, "synthetic-images-" + split, 0);
        int size = 32;
        byte[] px = new byte[n * 3 * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int v = rng.nextInt(128);
                        boolean signal = c == labels[i] % 3 && Math.abs(y - 16) < 4 + labels[i] && Math.abs(x - 16) < 4 + labels[i];
                        px[((i * 3 + c) * size + y) * size + x] = (byte) (signal ? v + 128 : v);
                    }
                }
            }
        }
        return new ImageSet("synthetic", n, 3, size, size, 10, px, labels);
    }
}
