package org.layerwise.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.layerwise.data.image.TestFiles.cifar100Coarse;
import static org.layerwise.data.image.TestFiles.cifar100Fine;
import static org.layerwise.data.image.TestFiles.cifar10Label;
import static org.layerwise.data.image.TestFiles.cifarPixel;
import static org.layerwise.data.image.TestFiles.oneLine;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    @Test
    void cifar10TrainingRecordsInFileOrderFromTheParentFolder(@TempDir Path tmp) throws Exception {
        TestFiles.writeCifar10(tmp.resolve("cifar-10-batches-bin"), 3);
        ImageSet train = CifarReader.cifar10(tmp, Split.TRAIN, 3);
        assertEquals("cifar10-train", train.name());
        assertEquals(15, train.count());
        assertEquals(10, train.numClasses());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        for (int i : new int[] {0, 4, 7, 14}) {
            assertEquals(cifar10Label(i), train.labels()[i]);
            // channel-planar: green (c = 1), row 2, column 5 is byte 1024 + 2 * 32 + 5 of the record
            assertEquals(cifarPixel(i, 1024 + 2 * 32 + 5), train.pixel(i, 1, 2, 5));
            assertEquals(cifarPixel(i, 3071), train.pixel(i, 2, 31, 31));
        }
        ImageSet test = CifarReader.cifar10(tmp.resolve("cifar-10-batches-bin"), Split.TEST, 3);
        assertEquals("cifar10-test", test.name());
        assertEquals(3, test.count());
        assertEquals(cifar10Label(1002), test.labels()[2]);
        assertEquals(cifarPixel(1002, 0), test.pixel(2, 0, 0, 0));
    }

    @Test
    void cifar10PublicReaderWantsTheOfficialTenThousandRecords(@TempDir Path tmp) throws Exception {
        TestFiles.writeCifar10(tmp, 2);
        // a full-size test batch (30.7 MB) reads; the small training files are named with the size expected
        byte[] full = new byte[10_000 * 3073];
        for (int r = 0; r < 10_000; r++) {
            full[r * 3073] = (byte) (r % 10);
            full[r * 3073 + 1 + 3071] = (byte) r;
        }
        Files.write(tmp.resolve("test_batch.bin"), full);
        ImageSet test = CifarReader.cifar10(tmp, Split.TEST);
        assertEquals(10_000, test.count());
        assertEquals(9_999 % 10, test.labels()[9_999]);
        assertEquals(9_999 & 0xFF, test.pixel(9_999, 2, 31, 31));
        oneLine(() -> CifarReader.cifar10(tmp, Split.TRAIN), tmp.resolve("data_batch_1.bin").toString(),
                "6146 bytes, expected 30730000 (10000 CIFAR-10 records of 1 label byte + 3072 pixel bytes)");
    }

    @Test
    void cifar100FineAndCoarseLabels(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("cifar-100-binary");
        TestFiles.writeCifar100(dir, 4, 2);
        ImageSet fine = CifarReader.cifar100(tmp, Split.TRAIN, CifarReader.Labels.FINE, 4);
        ImageSet coarse = CifarReader.cifar100(dir, Split.TRAIN, CifarReader.Labels.COARSE, 4);
        assertEquals(100, fine.numClasses());
        assertEquals(20, coarse.numClasses());
        assertEquals("cifar100-coarse-train", coarse.name());
        for (int i = 0; i < 4; i++) {
            assertEquals(cifar100Fine(i), fine.labels()[i]);
            assertEquals(cifar100Coarse(i), coarse.labels()[i]);
            assertEquals(cifarPixel(i, 2048 + 31 * 32), fine.pixel(i, 2, 31, 0));
        }
        ImageSet test = CifarReader.cifar100(dir, Split.TEST, CifarReader.Labels.FINE, 2);
        assertEquals(cifar100Fine(1001), test.labels()[1]);
        assertEquals(cifarPixel(1001, 77), test.pixel(1, 0, 2, 13));
        oneLine(() -> CifarReader.cifar100(dir, Split.TEST, CifarReader.Labels.FINE), dir.resolve("test.bin").toString(),
                "6148 bytes, expected 30740000 (10000 CIFAR-100 records of coarse label byte + fine label byte + 3072 pixel bytes)");
    }

    @Test
    void truncatedOrForeignFilesAreNamedWithWhatWasExpected(@TempDir Path tmp) throws Exception {
        TestFiles.writeCifar10(tmp, 3);
        Path second = tmp.resolve("data_batch_2.bin");
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.truncate(3 * 3073 - 1);
        }
        oneLine(() -> CifarReader.cifar10(tmp, Split.TRAIN, 3), second.toString(), "9218 bytes, expected 9219", "truncated");
        TestFiles.writeCifar10(tmp, 3);
        byte[] b = Files.readAllBytes(second);
        b[3073] = (byte) 200;
        Files.write(second, b);
        oneLine(() -> CifarReader.cifar10(tmp, Split.TRAIN, 3), second.toString(), "record 1 has label 200, expected 0..9");
        Path c100 = tmp.resolve("c100");
        TestFiles.writeCifar100(c100, 2, 2);
        byte[] t = Files.readAllBytes(c100.resolve("train.bin"));
        t[3074] = 20; // coarse label of record 1: checked even when the fine labels are used
        Files.write(c100.resolve("train.bin"), t);
        oneLine(() -> CifarReader.cifar100(c100, Split.TRAIN, CifarReader.Labels.FINE, 2), "train.bin: record 1 has coarse label 20, expected 0..19");
    }

    @Test
    void missingDataSaysWhatToPutWhere(@TempDir Path tmp) throws Exception {
        oneLine(() -> CifarReader.cifar10(tmp, Split.TRAIN), "CIFAR-10 not found in " + tmp
                + ": put data_batch_1.bin ... data_batch_5.bin and test_batch.bin there (the binary version from https://www.cs.toronto.edu/~kriz/cifar.html)");
        oneLine(() -> CifarReader.cifar100(tmp, Split.TEST, CifarReader.Labels.FINE), "CIFAR-100 not found in " + tmp
                + ": put train.bin and test.bin there (the binary version from https://www.cs.toronto.edu/~kriz/cifar.html)");
        Path dir = tmp.resolve("cifar-10-batches-bin");
        TestFiles.writeCifar10(dir, 1);
        Files.delete(dir.resolve("data_batch_4.bin"));
        oneLine(() -> CifarReader.cifar10(tmp, Split.TEST, 1), "CIFAR-10 in " + dir + " is incomplete: data_batch_4.bin is missing");
    }
}
