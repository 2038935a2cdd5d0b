package org.layerwise.study;

import org.layerwise.config.ConfigException;
import org.layerwise.data.image.ImageSet;

/**
 * The images an image study trains and tests on: the first {@code train-size} training images (0 = all;
 * more than the set holds is refused, naming the key), the first {@code test-size} test images (0 or
 * more than the set holds = all), and a {@code batch-size} no larger than the training images.
 */
public record ImageSubsets(ImageSet train, ImageSet test) {
    /** Throws {@link ConfigException} naming train-size or batch-size when the sets cannot serve them. */
    public static ImageSubsets of(ImageSet train, ImageSet test, int trainSize, int testSize, int batchSize) {
        if (trainSize > train.count()) {
            throw new ConfigException("train-size: " + trainSize + " images asked, the " + train.name() + " training set has " + train.count());
        }
        ImageSet tr = trainSize > 0 ? train.head(trainSize) : train;
        ImageSet te = testSize > 0 && testSize < test.count() ? test.head(testSize) : test;
        if (batchSize > tr.count()) {
            throw new ConfigException("batch-size: " + batchSize + " is more than the " + tr.count() + " training images");
        }
        return new ImageSubsets(tr, te);
    }
}
