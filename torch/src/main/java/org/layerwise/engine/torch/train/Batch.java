package org.layerwise.engine.torch.train;

import org.bytedeco.pytorch.Tensor;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.model.Device;
import org.layerwise.engine.torch.model.Precision;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.Tensors;

/**
 * A minibatch on a model's device: images N x C x H x W in the model's precision and int64 labels.
 * Closing it frees both tensors; a batch made inside a PointerScope is also freed with the scope.
 *
 * @param images NCHW images
 * @param labels class indices, one per image
 */
public record Batch(Tensor images, Tensor labels) implements AutoCloseable {
    static {
        Natives.load();
    }

    /**
     * Copies a batch from Java arrays for {@code model}: {@code images} row-major NCHW with N =
     * {@code labels.length}; every label must be a class of the model.
     */
    public static Batch of(ResNet model, float[] images, int[] labels, int height, int width) {
        return of(images, labels, model.spec().inputChannels(), height, width, model.spec().classes(), model.device(),
                model.precision());
    }

    /** Copies a batch from Java arrays onto {@code device} in {@code precision}; labels must lie in 0..classes-1. */
    public static Batch of(float[] images, int[] labels, int channels, int height, int width, int classes, Device device,
            Precision precision) {
        int n = labels.length;
        long expected = (long) n * channels * height * width;
        if (n == 0 || images.length != expected) {
            throw new IllegalArgumentException("batch of " + n + " labels needs " + expected + " image values (N x "
                    + channels + " x " + height + " x " + width + "): got " + images.length);
        }
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.." + (classes - 1));
            }
            y[i] = labels[i];
        }
        long[] shape = {n, channels, height, width};
        Tensor x = precision == Precision.FLOAT32 ? Tensors.create(images, shape, device)
                : Tensors.onDevice(Tensor.create(images, shape), device).to(Tensors.scalarType(precision));
        return new Batch(x, Tensors.onDevice(Tensor.create(y, n), device));
    }

    /** Number of images. */
    public int size() {
        return (int) labels.size(0);
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
