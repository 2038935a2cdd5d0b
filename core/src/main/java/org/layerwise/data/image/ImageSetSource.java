package org.layerwise.data.image;

import org.layerwise.util.Rng;

/**
 * Samples of an in-memory {@link ImageSet}: normalized, and for training augmented with the
 * standard CIFAR augmentation ({@link CifarAugmentation}, padding 4).
 */
public final class ImageSetSource implements SampleSource {
    private final ImageSet set;
    private final Normalization norm;
    private final boolean augment;

    public ImageSetSource(ImageSet set, Normalization norm, boolean augment) {
        if (norm.channels() != set.channels()) {
            throw new IllegalArgumentException("normalization " + norm.name() + " has " + norm.channels() + " channels, image set "
                    + set.name() + " has " + set.channels());
        }
        this.set = set;
        this.norm = norm;
        this.augment = augment;
    }

    /** Training samples: random crop from the 4-pixel zero-padded image, horizontal flip with p = 1/2, normalization. */
    public static ImageSetSource train(ImageSet set, Normalization norm) {
        return new ImageSetSource(set, norm, true);
    }

    /** Evaluation samples: normalization only. */
    public static ImageSetSource eval(ImageSet set, Normalization norm) {
        return new ImageSetSource(set, norm, false);
    }

    public ImageSet set() {
        return set;
    }

    public Normalization normalization() {
        return norm;
    }

    public boolean augmented() {
        return augment;
    }

    @Override
    public String name() {
        return set.name();
    }

    @Override
    public int size() {
        return set.count();
    }

    @Override
    public int channels() {
        return set.channels();
    }

    @Override
    public int height() {
        return set.height();
    }

    @Override
    public int width() {
        return set.width();
    }

    @Override
    public int numClasses() {
        return set.numClasses();
    }

    @Override
    public int label(int index) {
        return set.labels()[index];
    }

    @Override
    public void write(int index, Rng rng, float[] out, int offset) {
        if (augment) {
            CifarAugmentation.write(set, index, CifarAugmentation.draw(rng, CifarAugmentation.PADDING),
                    CifarAugmentation.PADDING, norm, out, offset);
        } else {
            CifarAugmentation.writePlain(set, index, norm, out, offset);
        }
    }
}
