package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.layerwise.config.ConfigException;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.SyntheticImages;

/** {@link ImageSubsets}: the heads of the sets, and one line naming the key when a size cannot be served. */
class ImageSubsetsTest {
    private final ImageSet train = SyntheticImages.of(600, 1, "train");
    private final ImageSet test = SyntheticImages.of(300, 1, "test");

    @Test
    void takesTheFirstImagesAndZeroMeansAll() {
        ImageSubsets s = ImageSubsets.of(train, test, 100, 50, 32);
        assertEquals(100, s.train().count());
        assertEquals(50, s.test().count());
        ImageSubsets all = ImageSubsets.of(train, test, 0, 0, 32);
        assertEquals(600, all.train().count());
        assertEquals(300, all.test().count());
        assertEquals(300, ImageSubsets.of(train, test, 0, 10_000, 32).test().count(), "a larger test-size takes the whole test set");
    }

    @Test
    void tooManyImagesOrTooLargeABatchNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ImageSubsets.of(train, test, 601, 0, 32));
        assertEquals("train-size: 601 images asked, the " + train.name() + " training set has 600", e.getMessage());
        ConfigException b = assertThrows(ConfigException.class, () -> ImageSubsets.of(train, test, 100, 0, 101));
        assertEquals("batch-size: 101 is more than the 100 training images", b.getMessage());
    }
}
