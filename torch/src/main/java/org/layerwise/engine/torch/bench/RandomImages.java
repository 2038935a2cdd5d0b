package org.layerwise.engine.torch.bench;

import org.layerwise.data.image.SampleSource;
import org.layerwise.util.Rng;

/**
 * A fixed pool of N(0, 1) images (channels x size x size floats) with uniform random labels, drawn
 * once from a seed: the benchmark's input, so a step's cost is the network's and not the data's
 * (preparing a sample is one array copy, as cheap as the Python peer's pre-made batches).
 */
final class RandomImages implements SampleSource {
    private final int count;
    private final int channels;
    private final int size;
    private final int classes;
    private final float[] pixels;
    private final int[] labels;

    RandomImages(int count, int channels, int size, int classes, long seed) {
        this.count = count;
        this.channels = channels;
        this.size = size;
        this.classes = classes;
        Rng rng = Rng.derive(seed, "bench-random-images", 0);
        pixels = new float[count * channels * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rng.nextGaussian();
        }
        labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = rng.nextInt(classes);
        }
    }

    @Override
    public String name() {
        return "random N(0,1) images";
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public int numClasses() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void write(int index, Rng rng, float[] out, int offset) {
        int n = channels * size * size;
        System.arraycopy(pixels, index * n, out, offset, n);
    }

    /** The images of samples {@code from .. from + n - 1}, NCHW, as one batch array (a copy). */
    float[] images(int from, int n) {
        int sample = channels * size * size;
        float[] out = new float[n * sample];
        System.arraycopy(pixels, from * sample, out, 0, n * sample);
        return out;
    }

    /** The labels of samples {@code from .. from + n - 1} (a copy). */
    int[] labels(int from, int n) {
        int[] out = new int[n];
        System.arraycopy(labels, from, out, 0, n);
        return out;
    }
}
