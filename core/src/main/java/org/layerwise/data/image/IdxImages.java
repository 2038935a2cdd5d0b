package org.layerwise.data.image;

import java.nio.file.Files;
import java.nio.file.Path;
import org.layerwise.data.DataException;
import org.layerwise.data.IdxReader;

/**
 * MNIST-format IDX data (MNIST, Fashion-MNIST) shaped like CIFAR so the same ResNets run on it:
 * each 28 x 28 grey image is padded with zeros to 32 x 32 (2 pixels on every side) and replicated
 * to 3 identical channels. This is a stand-in for CIFAR where CIFAR is not available [derived]; the
 * paper trains on CIFAR-10/100 and ImageNet only.
 */
public final class IdxImages {
    /** Side of the CIFAR-shaped images. */
    public static final int SIZE = 32;
    /** Where Debian's dataset-fashion-mnist package installs the files. */
    public static final Path FASHION_MNIST_DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

    private static final String FILES = "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"
            + " and t10k-labels-idx1-ubyte.gz (or the same names without .gz)";

    private IdxImages() {
    }

    /** Fashion-MNIST (10 classes, 60,000 training / 10,000 test images) from {@code dir}. */
    public static ImageSet fashionMnist(Path dir, Split split) {
        return read(dir, split, "fashion-mnist", "Fashion-MNIST not found in " + dir
                + ": apt-get install dataset-fashion-mnist (Debian; it installs the IDX files in " + FASHION_MNIST_DEBIAN
                + ") or put " + FILES + " there");
    }

    /**
     * Any MNIST-format pair {@code train-*} / {@code t10k-*} in {@code dir} with labels 0..9, named
     * {@code <name>-train} or {@code <name>-test}.
     */
    public static ImageSet read(Path dir, Split split, String name) {
        return read(dir, split, name, name + " not found in " + dir + ": put " + FILES + " there");
    }

    private static ImageSet read(Path dir, Split split, String name, String missing) {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        if (!anyIdxFile(dir, prefix)) {
            throw new DataException(missing);
        }
        return toCifarShape(IdxReader.readRaw(dir, prefix), name + "-" + (split == Split.TRAIN ? "train" : "test"), 10);
    }

    /** Whether any file of the pair is there: if one is, IdxReader names the one that is missing. */
    private static boolean anyIdxFile(Path dir, String prefix) {
        for (String f : new String[] {"-images-idx3-ubyte", "-labels-idx1-ubyte"}) {
            if (Files.exists(dir.resolve(prefix + f)) || Files.exists(dir.resolve(prefix + f + ".gz"))) {
                return true;
            }
        }
        return false;
    }

    /** Pads grey images of at most 32 x 32 to 32 x 32 (centred, zeros) and replicates them to 3 channels. */
    public static ImageSet toCifarShape(IdxReader.Raw raw, String name, int numClasses) {
        int rows = raw.rows();
        int cols = raw.cols();
        if (rows > SIZE || cols > SIZE) {
            throw new DataException(raw.imagesFile() + ": images are " + rows + "x" + cols + ", at most " + SIZE + "x" + SIZE
                    + " can be padded to the CIFAR shape");
        }
        for (int i = 0; i < raw.count(); i++) {
            if (raw.labels()[i] >= numClasses) {
                throw new DataException(raw.labelsFile() + ": label " + raw.labels()[i] + " of image " + i + ", expected 0.."
                        + (numClasses - 1));
            }
        }
        int top = (SIZE - rows) / 2;
        int left = (SIZE - cols) / 2;
        int plane = SIZE * SIZE;
        if ((long) raw.count() * 3 * plane > Integer.MAX_VALUE - 8) {
            throw new DataException(raw.imagesFile() + ": " + raw.count() + " images are too many to hold as 3x32x32 in memory");
        }
        byte[] out = new byte[raw.count() * 3 * plane];
        byte[] in = raw.pixels();
        for (int i = 0; i < raw.count(); i++) {
            int base = i * 3 * plane;
            for (int y = 0; y < rows; y++) {
                System.arraycopy(in, (i * rows + y) * cols, out, base + (top + y) * SIZE + left, cols);
            }
            System.arraycopy(out, base, out, base + plane, plane);
            System.arraycopy(out, base, out, base + 2 * plane, plane);
        }
        return new ImageSet(name, raw.count(), 3, SIZE, SIZE, numClasses, out, raw.labels().clone());
    }
}
