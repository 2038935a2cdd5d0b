package org.layerwise.export.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.framework.HistogramProto;

/** The writer alone: its CRC against the published check value, its histograms, and its files read back by the independent decoder. */
class EventWriterTest {
    @Test
    void maskedCrcOfTheCheckString() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        // CRC-32C("123456789") = 0xe3069283 (the standard check value); masked by hand: rotate right 15, add 0xa282ead8
        assertEquals(0xc78ab0e5, TfRecord.maskedCrc32c(b, 0, b.length));
    }

    @Test
    void recordIsLengthCrcDataCrc() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TfRecord.write(out, new byte[] {7, 8, 9});
        byte[] r = out.toByteArray();
        assertEquals(8 + 4 + 3 + 4, r.length);
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(r, 8));
        assertEquals(0x0e4999b0, java.nio.ByteBuffer.wrap(r, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()); // masked CRC of the 8 length bytes
        assertArrayEquals(new byte[] {7, 8, 9}, java.util.Arrays.copyOfRange(r, 12, 15));
    }

    @Test
    void histogramBucketsCountEveryFiniteValueOnce() {
        HistogramProto h = Histograms.of(new double[] {1, 4, 2, Double.NaN, 3, Double.POSITIVE_INFINITY, 1});
        assertEquals(5, h.getNum());
        assertEquals(1, h.getMin());
        assertEquals(4, h.getMax());
        assertEquals(11, h.getSum());
        assertEquals(31, h.getSumSquares());
        assertEquals(Histograms.BUCKETS, h.getBucketCount());
        assertEquals(4, h.getBucketLimit(Histograms.BUCKETS - 1));
        assertEquals(2, h.getBucket(0)); // both 1s
        assertEquals(1, h.getBucket(Histograms.BUCKETS - 1)); // the maximum, in the last bucket
        assertEquals(1, h.getBucket(10)); // 2 = 1 + 3 * 10/30: at a limit, in the bucket above it
        assertEquals(5, h.getBucketList().stream().mapToDouble(Double::doubleValue).sum());

        HistogramProto same = Histograms.of(new double[] {2.5, 2.5});
        assertEquals(List.of(2.5), same.getBucketLimitList());
        assertEquals(List.of(2.0), same.getBucketList());
        assertNull(Histograms.of(new double[] {Double.NaN}));
        assertNull(Histograms.of(new double[0]));
    }

    /** Every value written, read back by Python's protobuf through the TFRecord framing; break-once: a wrong mask constant fails the CRC check there. */
    @Test
    void independentDecoderReadsEveryValueAndStep(@TempDir Path tmp) throws Exception {
        TensorBoardDecoder.assumeDecoder();
        Files.createDirectories(tmp.resolve("run"));
        Files.writeString(tmp.resolve("run/events.out.tfevents.1.old"), "an earlier export");
        Map<TensorBoardDecoder.Key, Double> scalars = new LinkedHashMap<>();
        double[] layers = {0.5, -1.25, 3e-7, 2.0, Double.NaN, 1e6};
        Path file = EventWriter.writeFile(tmp.resolve("run"), 1_700_000_000.25, w -> {
            w.describe("a/loss", "the loss");
            assertFalse(w.scalar("a/loss", 0, Double.NaN)); // left out; the description goes with the first value written
            for (long step : new long[] {0, 1, 7, 1L << 40}) {
                double v = Math.sin(step + 1) * 1e3;
                w.scalar("a/loss", step, v);
                scalars.put(new TensorBoardDecoder.Key("a/loss", step), (double) (float) v);
            }
            w.interval("b", 3, 0.7, 0.5, Double.NaN);
            scalars.put(new TensorBoardDecoder.Key("b", 3), (double) 0.7f);
            scalars.put(new TensorBoardDecoder.Key("b/lower", 3), (double) 0.5f);
            assertTrue(w.histogram("c/layers", 5, layers));
            assertFalse(w.histogram("c/layers", 6, new double[] {Double.NaN}));
        });
        try (Stream<Path> s = Files.list(tmp.resolve("run"))) {
            assertEquals(List.of(file), s.filter(p -> !p.getFileName().toString().startsWith(".")).toList(), "the earlier file is replaced");
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents.1700000000."), file.toString());

        TensorBoardDecoder.File f = TensorBoardDecoder.decode(file);
        for (JsonNode e : f.events()) {
            assertEquals(1_700_000_000.25, e.get("wall_time").asDouble());
        }
        assertEquals(scalars, TensorBoardDecoder.scalars(f));
        assertEquals(Map.of("a/loss", "the loss", "b", "", "b/lower", "", "c/layers", ""), TensorBoardDecoder.descriptions(f));
        Map<TensorBoardDecoder.Key, JsonNode> h = TensorBoardDecoder.histograms(f);
        assertEquals(List.of(new TensorBoardDecoder.Key("c/layers", 5)), List.copyOf(h.keySet()));
        JsonNode histo = h.values().iterator().next();
        assertEquals(5, histo.get("num").asDouble());
        assertEquals(-1.25, histo.get("min").asDouble());
        assertEquals(1e6, histo.get("max").asDouble());
        assertEquals(0.5 - 1.25 + 3e-7 + 2.0 + 1e6, histo.get("sum").asDouble(), 1e-9);
        assertEquals(0.25 + 1.5625 + 9e-14 + 4.0 + 1e12, histo.get("sum_squares").asDouble(), 1e-3);
        HistogramProto expected = Histograms.of(layers);
        assertEquals(expected.getBucketLimitList(), doubles(histo.get("bucket_limit")));
        assertEquals(expected.getBucketList(), doubles(histo.get("bucket")));
    }

    static List<Double> doubles(JsonNode a) {
        java.util.ArrayList<Double> out = new java.util.ArrayList<>();
        a.forEach(n -> out.add(n.asDouble()));
        return out;
    }
}
