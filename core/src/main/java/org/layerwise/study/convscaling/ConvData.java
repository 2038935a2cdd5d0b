package org.layerwise.study.convscaling;

import java.nio.file.Path;
import java.util.Map;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.CifarReader;
import org.layerwise.data.image.IdxImages;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.ImageSetSource;
import org.layerwise.data.image.Normalization;
import org.layerwise.data.image.SampleSource;
import org.layerwise.data.image.Split;
import org.layerwise.data.image.SyntheticImages;
import org.layerwise.study.ImageSubsets;

/**
 * The images of one study invocation, read once and shared by its runs; a missing data set fails here,
 * in one line, before anything is written.
 *
 * <p>CIFAR-10 is normalised with the reference code's constants, mean (0.4914, 0.4822, 0.4465) and std
 * (0.2023, 0.1994, 0.2010) [REPO cifar_utils.py; these are not the training set's population stds
 * (0.247, 0.243, 0.261), and the reference uses them]; the training images are augmented with a random
 * 32x32 crop of the 4-pixel zero-padded image and a horizontal flip [REPO]. Fashion-MNIST (padded to
 * 3x32x32) and synthetic images are normalised with their own statistics [layerwise].
 */
final class ConvData {
    /** [REPO cifar_utils.py:139-171] */
    static final Normalization REFERENCE_CIFAR10 = new Normalization("cifar10 (reference code's constants)",
            new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2023, 0.1994, 0.2010});

    final SampleSource train;
    final SampleSource test;

    private ConvData(SampleSource train, SampleSource test) {
        this.train = train;
        this.test = test;
    }

    static ConvData load(ConvScalingConfig c) {
        ImageSet train;
        ImageSet test;
        Normalization norm = null;
        switch (c.dataset()) {
            case "cifar10" -> {
                if (c.dataPath().isEmpty()) {
                    throw new org.layerwise.data.DataException("data-path: the cifar10 data set has no default location; set --data-path to the"
                            + " folder with data_batch_1.bin ... data_batch_5.bin and test_batch.bin (the binary version from " + CifarReader.SOURCE + ")");
                }
                Path p = Path.of(c.dataPath());
                train = CifarReader.cifar10(p, Split.TRAIN);
                test = CifarReader.cifar10(p, Split.TEST);
                norm = REFERENCE_CIFAR10;
            }
            case "fashion-mnist" -> {
                Path p = c.dataPath().isEmpty() ? Path.of(ConvScalingConfig.FASHION_MNIST) : Path.of(c.dataPath());
                train = IdxImages.fashionMnist(p, Split.TRAIN);
                test = IdxImages.fashionMnist(p, Split.TEST);
            }
            case "synthetic" -> {
                train = SyntheticImages.of(Math.max(c.trainSize(), 512), c.seed(), "train");
                test = SyntheticImages.of(Math.max(Math.min(c.testSize(), 1000), 256), c.seed(), "test");
            }
            default -> throw new IllegalStateException(c.dataset());
        }
        ImageSubsets used = ImageSubsets.of(train, test, c.trainSize(), c.testSize(), c.batchSize());
        train = used.train();
        test = used.test();
        if (norm == null) {
            norm = Normalization.of(train);
        }
        return new ConvData(c.augment() ? ImageSetSource.train(train, norm) : ImageSetSource.eval(train, norm), ImageSetSource.eval(test, norm));
    }

    BatchLoader trainLoader(ConvScalingConfig c, long seed) {
        return BatchLoader.builder(train).batchSize(c.batchSize()).seed(seed).threads(1).prefetch(2).build();
    }

    BatchLoader testLoader() {
        return BatchLoader.builder(test).batchSize(Math.min(256, Math.max(1, test.size()))).shuffle(false).dropLast(false).threads(1).build();
    }

    Map<String, Object> describe() {
        return Map.of("train", Map.of("name", train.name(), "images", train.size(), "classes", train.numClasses(),
                "shape", train.channels() + "x" + train.height() + "x" + train.width()), "test", Map.of("name", test.name(), "images", test.size()));
    }
}
