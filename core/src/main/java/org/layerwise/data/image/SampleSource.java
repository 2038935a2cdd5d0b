package org.layerwise.data.image;

import org.layerwise.util.Rng;

/**
 * Random access to the prepared samples of a data set, as a {@link BatchLoader} needs them: each
 * sample decoded, transformed and normalized into {@code channels x height x width} floats.
 *
 * <p>Implementations must be safe to call from several threads at once for different samples, and
 * must draw every random number of a sample from the {@code rng} they are given (and nothing else),
 * so the output depends only on (index, rng) and not on which thread prepared it or when.
 */
public interface SampleSource {
    /** A short name for messages and provenance. */
    String name();

    /** Number of samples. */
    int size();

    /** Channels of a prepared sample. */
    int channels();

    /** Rows of a prepared sample. */
    int height();

    /** Columns of a prepared sample. */
    int width();

    /** Number of classes; labels are in [0, numClasses). */
    int numClasses();

    /** Label of sample {@code index}. */
    int label(int index);

    /**
     * Writes sample {@code index} as {@code channels * height * width} floats (NCHW order within the
     * sample) into {@code out} from {@code offset} on.
     *
     * @param rng the sample's own random stream, for augmentation; evaluation transforms ignore it
     * @throws org.layerwise.data.DataException when the sample cannot be read (the message names the file)
     */
    void write(int index, Rng rng, float[] out, int offset);
}
