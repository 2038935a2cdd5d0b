package org.layerwise.export.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The tests' independent reader of event files: Debian's Python ({@code /usr/bin/python3}) runs
 * {@code decode_events.py}, which checks the TFRecord framing and both CRCs with its own CRC32C and
 * parses every Event with Python's protobuf runtime on the descriptors protoc made from the vendored
 * .proto files (target/tensorboard-protos.binpb). Nothing of the Java writer is involved. Tests that use
 * it are skipped, saying why, where python3-protobuf is missing (CI installs it).
 */
public final class TensorBoardDecoder {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private TensorBoardDecoder() {
    }

    /** One decoded event file. */
    public record File(Path path, List<JsonNode> events) {
        /** The events after the file-version event. */
        public List<JsonNode> summaries() {
            return events.subList(1, events.size());
        }
    }

    /** A summary value at a step: (tag, step) is what a test compares. */
    public record Key(String tag, long step) {
    }

    /** Skips the calling test, saying why, where Python's protobuf runtime is not installed. */
    public static void assumeDecoder() {
        boolean ok = Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import google.protobuf")).exit == 0;
        assumeTrue(ok, "python3-protobuf is not installed (apt-get install python3-protobuf; .ci/run installs it): "
                + "the event files cannot be decoded independently of the writer");
    }

    /** The descriptors protoc wrote at build time (the core module's target/). */
    static Path descriptors() {
        for (Path p : List.of(Path.of("target/tensorboard-protos.binpb"), Path.of("../core/target/tensorboard-protos.binpb"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("target/tensorboard-protos.binpb is missing: the build's protobuf-maven-plugin writes it");
    }

    /** Decodes the files (each must pass every CRC check) in the order given. */
    public static List<File> decode(List<Path> files) {
        assumeDecoder();
        Path script;
        try {
            script = Path.of(Objects.requireNonNull(TensorBoardDecoder.class.getResource("decode_events.py")).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), descriptors().toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Result r = run(cmd);
        assertEquals(0, r.exit, "decode_events.py failed: " + r.err);
        List<File> out = new ArrayList<>();
        for (String line : r.out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode j = JSON.readTree(line);
                List<JsonNode> events = new ArrayList<>();
                j.get("events").forEach(events::add);
                out.add(new File(Path.of(j.get("file").asText()), events));
            } catch (IOException e) {
                throw new AssertionError("unreadable decoder output: " + line, e);
            }
        }
        assertEquals(files.size(), out.size(), r.out);
        return out;
    }

    /** One decoded file, whose first event is the file-version event. */
    public static File decode(Path file) {
        File f = decode(List.of(file)).get(0);
        assertTrue(!f.events().isEmpty(), file + " holds no event");
        assertEquals(EventWriter.FILE_VERSION, f.events().get(0).path("file_version").asText(), "first event of " + file);
        return f;
    }

    /** Every scalar of a file by (tag, step); a (tag, step) written twice fails. */
    public static Map<Key, Double> scalars(File f) {
        return values(f, "simple_value", v -> v.get("simple_value").asDouble());
    }

    /** Every histogram of a file by (tag, step). */
    public static Map<Key, JsonNode> histograms(File f) {
        return values(f, "histo", v -> v.get("histo"));
    }

    private static <T> Map<Key, T> values(File f, String kind, java.util.function.Function<JsonNode, T> get) {
        Map<Key, T> m = new LinkedHashMap<>();
        for (JsonNode e : f.summaries()) {
            assertEquals(1, e.get("values").size(), "one value per event");
            JsonNode v = e.get("values").get(0);
            if (v.has(kind)) {
                T old = m.put(new Key(v.get("tag").asText(), e.get("step").asLong()), get.apply(v));
                assertTrue(old == null, "written twice: " + v.get("tag") + " at step " + e.get("step"));
            }
        }
        return m;
    }

    /** The description each tag's first value carries; fails when a later value carries one again or a tag has none. */
    public static Map<String, String> descriptions(File f) {
        Map<String, String> m = new LinkedHashMap<>();
        for (JsonNode e : f.summaries()) {
            JsonNode v = e.get("values").get(0);
            String tag = v.get("tag").asText();
            if (m.containsKey(tag)) {
                assertTrue(!v.has("metadata"), tag + ": metadata again at step " + e.get("step"));
            } else {
                m.put(tag, v.path("metadata").path("description").asText(""));
            }
        }
        return m;
    }

    /**
     * A decoded histogram is that of {@code values}, recounted the obvious way: the finite values, their
     * min, max, sum and sum of squares; 30 equal-width buckets from min to max (one when all are equal), the
     * last limit max; bucket i counts the values v with limit[i-1] ≤ v &lt; limit[i] (the maximum in the last).
     */
    public static void assertHistogramOf(double[] values, JsonNode h, String where) {
        List<Double> finite = new ArrayList<>();
        for (double v : values) {
            if (Double.isFinite(v)) {
                finite.add(v);
            }
        }
        double min = finite.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = finite.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double sum = 0;
        double squares = 0;
        for (double v : finite) {
            sum += v;
            squares += v * v;
        }
        assertEquals(finite.size(), h.get("num").asDouble(), where + ": num");
        assertEquals(min, h.get("min").asDouble(), where + ": min");
        assertEquals(max, h.get("max").asDouble(), where + ": max");
        assertEquals(sum, h.get("sum").asDouble(), 1e-12 * Math.max(1, Math.abs(sum)) * finite.size(), where + ": sum");
        assertEquals(squares, h.get("sum_squares").asDouble(), 1e-12 * Math.max(1, squares) * finite.size(), where + ": sum_squares");
        JsonNode limits = h.get("bucket_limit");
        JsonNode counts = h.get("bucket");
        int k = min == max ? 1 : 30;
        assertEquals(k, limits.size(), where + ": buckets");
        assertEquals(k, counts.size(), where + ": counts");
        assertEquals(max, limits.get(k - 1).asDouble(), where + ": last limit");
        for (int i = 0; i < k; i++) {
            assertEquals(min + (max - min) * (i + 1) / k, limits.get(i).asDouble(), 1e-12 * Math.max(1, Math.abs(max - min)), where + ": limit " + i);
        }
        double[] expected = new double[k];
        for (double v : finite) {
            int b = 0;
            while (b < k - 1 && limits.get(b).asDouble() <= v) {
                b++;
            }
            expected[b]++;
        }
        for (int i = 0; i < k; i++) {
            assertEquals(expected[i], counts.get(i).asDouble(), where + ": bucket " + i);
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> cmd) {
        try {
            Path out = Files.createTempFile("decode", ".out");
            Path err = Files.createTempFile("decode", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("decoder did not finish in 120 s: " + cmd);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
