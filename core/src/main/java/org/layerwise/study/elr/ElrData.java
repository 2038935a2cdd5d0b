package org.layerwise.study.elr;

import java.nio.file.Path;
import java.util.Map;
import org.layerwise.data.DataException;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.CifarReader;
import org.layerwise.data.image.IdxImages;
import org.layerwise.data.image.ImageNetSource;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.ImageSetSource;
import org.layerwise.data.image.Normalization;
import org.layerwise.data.image.SampleSource;
import org.layerwise.data.image.Split;
import org.layerwise.data.image.SyntheticImages;
import org.layerwise.study.ImageSubsets;

/**
 * The training and held-out images an ELR study config names, read once per study invocation and
 * shared by its runs. A missing data set fails here, in one line naming what to put where, before
 * anything is written.
 */
final class ElrData {
    final SampleSource train;
    final SampleSource test;

    private ElrData(SampleSource train, SampleSource test) {
        this.train = train;
        this.test = test;
    }

    static ElrData load(ElrConfig c) {
        String ds = c.dataset();
        if (ds.equals("imagenet")) {
            Path root = requirePath(c, "ImageNet: the folder that holds train/<class>/*.JPEG and val/<class>/*.JPEG");
            return new ElrData(ImageNetSource.train(root), ImageNetSource.eval(root));
        }
        ImageSet train;
        ImageSet test;
        Normalization norm;
        switch (ds) {
            case "fashion-mnist" -> {
                Path p = c.dataPath().isEmpty() ? Path.of(ElrConfig.FASHION_MNIST) : Path.of(c.dataPath());
                train = IdxImages.fashionMnist(p, Split.TRAIN);
                test = IdxImages.fashionMnist(p, Split.TEST);
                norm = null;
            }
            case "mnist-idx" -> {
                Path p = requirePath(c, "MNIST: the folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte");
                train = IdxImages.read(p, Split.TRAIN, "mnist");
                test = IdxImages.read(p, Split.TEST, "mnist");
                norm = null;
            }
            case "cifar10" -> {
                Path p = requirePath(c, "CIFAR-10: the folder with data_batch_1.bin ... data_batch_5.bin and test_batch.bin (the binary version from "
                        + CifarReader.SOURCE + ")");
                train = CifarReader.cifar10(p, Split.TRAIN);
                test = CifarReader.cifar10(p, Split.TEST);
                norm = Normalization.CIFAR10;
            }
            case "cifar100" -> {
                Path p = requirePath(c, "CIFAR-100: the folder with train.bin and test.bin (the binary version from " + CifarReader.SOURCE + ")");
                train = CifarReader.cifar100(p, Split.TRAIN, CifarReader.Labels.FINE);
                test = CifarReader.cifar100(p, Split.TEST, CifarReader.Labels.FINE);
                norm = Normalization.CIFAR100;
            }
            case "synthetic" -> {
                train = SyntheticImages.of(Math.max(c.trainSize(), 512), c.seed(), "train");
                test = SyntheticImages.of(Math.max(c.testSize(), 256), c.seed(), "test");
                norm = null;
            }
            default -> throw new IllegalStateException(ds);
        }
        ImageSubsets used = ImageSubsets.of(train, test, c.trainSize(), c.testSize(), c.batchSize());
        train = used.train();
        test = used.test();
        if (norm == null) {
            norm = Normalization.of(train);
        }
        SampleSource trainSource = c.augment() ? ImageSetSource.train(train, norm) : ImageSetSource.eval(train, norm);
        return new ElrData(trainSource, ImageSetSource.eval(test, norm));
    }

    private static Path requirePath(ElrConfig c, String what) {
        if (c.dataPath().isEmpty()) {
            throw new DataException("data-path: the " + c.dataset() + " data set has no default location; set --data-path to " + what);
        }
        return Path.of(c.dataPath());
    }

    BatchLoader trainLoader(ElrConfig c, long seed) {
        return BatchLoader.builder(train).batchSize(c.batchSize()).seed(seed).threads(1).prefetch(2).build();
    }

    BatchLoader testLoader(ElrConfig c) {
        return BatchLoader.builder(test).batchSize(Math.min(256, Math.max(1, test.size()))).shuffle(false).dropLast(false).threads(1).build();
    }

    Map<String, Object> describe() {
        return Map.of("train", Map.of("name", train.name(), "images", train.size(), "classes", train.numClasses(),
                "shape", train.channels() + "x" + train.height() + "x" + train.width()), "test", Map.of("name", test.name(), "images", test.size()));
    }
}
