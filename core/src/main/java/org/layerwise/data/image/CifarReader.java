package org.layerwise.data.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.data.DataException;

/**
 * CIFAR-10 and CIFAR-100, "binary version" (https://www.cs.toronto.edu/~kriz/cifar.html).
 * <ul>
 *   <li>CIFAR-10 ({@code cifar-10-batches-bin/}): {@code data_batch_1.bin} ... {@code data_batch_5.bin}
 *       (training, 10,000 records each) and {@code test_batch.bin} (10,000); a record is 1 label byte
 *       (0..9) and 3072 pixel bytes.</li>
 *   <li>CIFAR-100 ({@code cifar-100-binary/}): {@code train.bin} (50,000 records) and {@code test.bin}
 *       (10,000); a record is a coarse label byte (0..19), a fine label byte (0..99) and 3072 pixel bytes.</li>
 * </ul>
 * The 3072 pixel bytes are channel-planar: 1024 red, then green, then blue, each 32 rows of 32,
 * which is already the NCHW layout of {@link ImageSet}. Either the folder holding the files or its
 * parent (holding {@code cifar-10-batches-bin/} or {@code cifar-100-binary/}) is accepted. Every
 * file must have exactly the official number of records; a truncated or foreign file is named with
 * the size that was expected.
 */
public final class CifarReader {
    /** Where both data sets are published. */
    public static final String SOURCE = "https://www.cs.toronto.edu/~kriz/cifar.html";
    /** Pixel bytes of one image: 3 channels of 32 x 32. */
    public static final int IMAGE_BYTES = 3 * 32 * 32;

    static final String CIFAR10_FOLDER = "cifar-10-batches-bin";
    static final String CIFAR100_FOLDER = "cifar-100-binary";
    static final int CIFAR10_RECORDS_PER_FILE = 10_000;
    static final int CIFAR100_TRAIN_RECORDS = 50_000;
    static final int CIFAR100_TEST_RECORDS = 10_000;

    /** Which of CIFAR-100's two labels to use. */
    public enum Labels {
        /** The 100 classes (the usual benchmark). */
        FINE,
        /** The 20 superclasses. */
        COARSE
    }

    private CifarReader() {
    }

    /** CIFAR-10 training (50,000 images) or test (10,000) set, 10 classes. */
    public static ImageSet cifar10(Path dir, Split split) {
        return cifar10(dir, split, CIFAR10_RECORDS_PER_FILE);
    }

    /** CIFAR-100 training (50,000 images) or test (10,000) set with fine (100) or coarse (20) labels. */
    public static ImageSet cifar100(Path dir, Split split, Labels labels) {
        return cifar100(dir, split, labels, split == Split.TRAIN ? CIFAR100_TRAIN_RECORDS : CIFAR100_TEST_RECORDS);
    }

    /** As {@link #cifar10(Path, Split)} with another record count per file: tests write small files. */
    static ImageSet cifar10(Path dir, Split split, int recordsPerFile) {
        List<String> all = new ArrayList<>();
        for (int b = 1; b <= 5; b++) {
            all.add("data_batch_" + b + ".bin");
        }
        all.add("test_batch.bin");
        String hint = "put data_batch_1.bin ... data_batch_5.bin and test_batch.bin there (the binary version from " + SOURCE + ")";
        Path folder = locate(dir, CIFAR10_FOLDER, all, "CIFAR-10", hint);
        List<String> files = split == Split.TRAIN ? all.subList(0, 5) : all.subList(5, 6);
        int n = recordsPerFile * files.size();
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        for (int f = 0; f < files.size(); f++) {
            Path file = folder.resolve(files.get(f));
            byte[] data = readExactly(file, recordsPerFile, 1, "CIFAR-10", "1 label byte + 3072 pixel bytes");
            readRecords(file, data, recordsPerFile, new int[] {10}, 0, f * recordsPerFile, pixels, labels, "CIFAR-10");
        }
        return new ImageSet("cifar10-" + (split == Split.TRAIN ? "train" : "test"), n, 3, 32, 32, 10, pixels, labels);
    }

    /** As {@link #cifar100(Path, Split, Labels)} with another record count: tests write small files. */
    static ImageSet cifar100(Path dir, Split split, Labels which, int records) {
        List<String> all = List.of("train.bin", "test.bin");
        String hint = "put train.bin and test.bin there (the binary version from " + SOURCE + ")";
        Path folder = locate(dir, CIFAR100_FOLDER, all, "CIFAR-100", hint);
        Path file = folder.resolve(split == Split.TRAIN ? "train.bin" : "test.bin");
        byte[] data = readExactly(file, records, 2, "CIFAR-100", "coarse label byte + fine label byte + 3072 pixel bytes");
        byte[] pixels = new byte[records * IMAGE_BYTES];
        int[] labels = new int[records];
        boolean fine = which == Labels.FINE;
        readRecords(file, data, records, new int[] {20, 100}, fine ? 1 : 0, 0, pixels, labels, "CIFAR-100");
        String name = "cifar100-" + (fine ? "" : "coarse-") + (split == Split.TRAIN ? "train" : "test");
        return new ImageSet(name, records, 3, 32, 32, fine ? 100 : 20, pixels, labels);
    }

    /**
     * The folder that holds the files: {@code dir} itself or {@code dir/sub}. Missing entirely: one
     * line saying what to put where; partly there: the first missing file is named.
     */
    private static Path locate(Path dir, String sub, List<String> files, String dataset, String hint) {
        Path folder = null;
        for (Path candidate : new Path[] {dir, dir.resolve(sub)}) {
            if (files.stream().anyMatch(f -> Files.exists(candidate.resolve(f)))) {
                folder = candidate;
                break;
            }
        }
        if (folder == null) {
            throw new DataException(dataset + " not found in " + dir + ": " + hint);
        }
        for (String f : files) {
            if (!Files.isRegularFile(folder.resolve(f))) {
                throw new DataException(dataset + " in " + folder + " is incomplete: " + f + " is missing (" + hint + ")");
            }
        }
        return folder;
    }

    /** The whole file, after checking its size is exactly {@code records} records. */
    private static byte[] readExactly(Path file, int records, int labelBytes, String dataset, String layout) {
        long expected = (long) records * (labelBytes + IMAGE_BYTES);
        try {
            long size = Files.size(file);
            if (size != expected) {
                String what = size < expected ? "truncated or" : "too long,";
                throw new DataException(file + ": " + size + " bytes, expected " + expected + " (" + records + " " + dataset
                        + " records of " + layout + "): " + what + " not a " + dataset + " binary file");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException("could not read " + file + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    /**
     * Copies {@code records} records into {@code pixels}/{@code labels} from image {@code first} on,
     * taking the label from byte {@code labelAt}; every label byte is checked against its class count.
     */
    private static void readRecords(Path file, byte[] data, int records, int[] classes, int labelAt,
                                    int first, byte[] pixels, int[] labels, String dataset) {
        int labelBytes = classes.length;
        int recordBytes = labelBytes + IMAGE_BYTES;
        for (int r = 0; r < records; r++) {
            for (int b = 0; b < labelBytes; b++) {
                int label = data[r * recordBytes + b] & 0xFF;
                if (label >= classes[b]) {
                    String which = labelBytes == 1 ? "label" : b == 0 ? "coarse label" : "fine label";
                    throw new DataException(file + ": record " + r + " has " + which + " " + label + ", expected 0.." + (classes[b] - 1)
                            + " (not a " + dataset + " binary file?)");
                }
            }
            labels[first + r] = data[r * recordBytes + labelAt] & 0xFF;
            System.arraycopy(data, r * recordBytes + labelBytes, pixels, (first + r) * IMAGE_BYTES, IMAGE_BYTES);
        }
    }
}
