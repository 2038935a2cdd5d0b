package org.layerwise.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small sweeps of the scaling study's quick preset that train in milliseconds, and helpers to run and inspect them. */
public final class TinySweeps {
    private TinySweeps() {
    }

    /** The quick preset shrunk: depths 4 and 8 (base 2), one seed, 60 updates; crossed over two activations: 4 runs. */
    public static final String TINY = """
            name: tiny
            study: scaling
            base:
              preset: quick
              settings: {train-size: 200, batch-size: 50, max-updates: 60, depth-min: 3, depth-max: 8, depth-base: 2, seeds: 1,
                         epsilon: 0, checkpoint-every: 20}
            axes:
              activation: [tanh, relu]
            """;

    /**
     * One entry, depths 16, 32, 64, 128, runs of about a second each that checkpoint every 50 updates:
     * slow enough to be caught mid-run.
     */
    public static final String SLOW = """
            name: slow
            study: scaling
            base:
              preset: quick
              settings: {train-size: 200, batch-size: 50, max-updates: 1500, depth-min: 16, depth-max: 128, depth-base: 2, seeds: 1,
                         epsilon: 0, checkpoint-every: 50}
            """;

    public static Path spec(Path dir, String text) throws Exception {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("spec.yaml"), text);
    }

    /** Plans the spec into {@code sweepDir} (no calibration) and returns the manifest. */
    public static Manifest plan(Path spec, Path sweepDir) {
        return Sweep.plan(spec, sweepDir, new CostModel.Rate(0, ""), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    public static LocalExecutor.Result runLocal(Path sweepDir, int threads, int parallel, ByteArrayOutputStream log) {
        SweepFolder f = new SweepFolder(sweepDir);
        return new LocalExecutor(f, f.manifest(), new LocalExecutor.Options(threads, parallel, 0, false, false, false, List.of("test")),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    }

    /** How many times each run was trained (its "trained" events), by run key. */
    public static Map<String, Integer> trainedCounts(Path sweepDir) {
        Map<String, Integer> m = new TreeMap<>();
        for (JsonNode e : new SweepFolder(sweepDir).events()) {
            if (e.path("event").asText().equals("trained")) {
                m.merge(e.path("run").asText(), 1, Integer::sum);
            }
        }
        return m;
    }

    /** The run folder of manifest run {@code index}. */
    public static Path runDir(Path sweepDir, int index) {
        SweepFolder f = new SweepFolder(sweepDir);
        return Slurm.runFolder(f, f.manifest().slot(index)).dir();
    }
}
