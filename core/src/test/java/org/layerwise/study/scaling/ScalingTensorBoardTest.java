package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.export.tensorboard.TensorBoardDecoder;
import org.layerwise.export.tensorboard.TensorBoardDecoder.Key;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyExport;

/**
 * A depth-scaling study's TensorBoard export, decoded independently ({@link TensorBoardDecoder}) and
 * compared with the folder's files: each run's loss.csv by epoch, each seed's final losses (result.json)
 * and ||A_k||_F histograms (A.npy) by depth, and summary.json's exponents with their intervals.
 */
class ScalingTensorBoardTest {
    @Test
    void lossCurvesDepthSeriesAndExponents(@TempDir Path tmp) {
        TensorBoardDecoder.assumeDecoder();
        ScalingConfig cfg = ScalingConfig.resolve(null, null, Map.of("train-size", "200", "batch-size", "50", "max-updates", "40",
                "depth-min", "3", "depth-max", "20", "depth-base", "2", "seeds", "2", "threads", "2", "checkpoint-every", "0"));
        Path dir = tmp.resolve("study");
        ScalingStudyTest.run(cfg, dir, new PrintStream(OutputStream.nullOutputStream()));
        Path tb = tmp.resolve("tb");
        StudyExport.Result r = StudyExport.tensorBoard(dir, tb.toString(), new PrintStream(OutputStream.nullOutputStream()));
        List<RunSpec> plan = ScalingStudy.INSTANCE.plan(cfg);
        assertEquals(6, plan.size(), "depths 4, 8, 16 and two seeds");
        assertEquals(plan.size() + 3, r.files().size(), "a file per run, per seed, and the fits");

        Map<Path, TensorBoardDecoder.File> decoded = new HashMap<>();
        TensorBoardDecoder.decode(r.files()).forEach(f -> decoded.put(f.path().getParent().getFileName(), f));
        Map<Integer, Map<Key, Double>> lossBySeed = new HashMap<>();
        Map<Integer, Map<Key, double[]>> normsBySeed = new HashMap<>();
        for (RunSpec s : plan) {
            Path run = dir.resolve(s.folder());
            Csv.Columns loss = Csv.readColumns(run.resolve("loss.csv"));
            Map<Key, Double> expected = new HashMap<>();
            double[] epoch = loss.column("epoch");
            for (int i = 0; i < epoch.length; i++) {
                expected.put(new Key("train/loss", (long) epoch[i]), (double) (float) loss.column("mean_batch_loss")[i]);
            }
            assertTrue(expected.size() >= 10, "40 updates of 4 batches: 10 epochs");
            TensorBoardDecoder.File f = decoded.get(Path.of(s.id()));
            assertEquals(expected, TensorBoardDecoder.scalars(f), s.id());

            JsonNode res = Json.read(run.resolve("result.json"));
            int depth = res.get("depth").asInt();
            int seed = res.get("seed_index").asInt();
            lossBySeed.computeIfAbsent(seed, k -> new HashMap<>()).put(new Key("depth/train_loss", depth), (double) (float) res.get("train_loss").asDouble());
            Npy.Array a = Npy.read(run.resolve("A.npy"));
            int d = a.shape()[1];
            double[] norms = new double[depth];
            for (int k = 0; k < depth; k++) {
                double ss = 0;
                for (int e = 0; e < d * d; e++) {
                    ss += a.data()[k * d * d + e] * a.data()[k * d * d + e];
                }
                norms[k] = Math.sqrt(ss);
            }
            normsBySeed.computeIfAbsent(seed, k -> new HashMap<>()).put(new Key("depth/frobenius_A", depth), norms);
        }
        for (int seed : List.of(0, 1)) {
            TensorBoardDecoder.File f = decoded.get(Path.of("depths-s" + seed));
            assertEquals(lossBySeed.get(seed), TensorBoardDecoder.scalars(f), "seed " + seed);
            Map<Key, JsonNode> h = TensorBoardDecoder.histograms(f);
            assertEquals(normsBySeed.get(seed).keySet(), h.keySet());
            normsBySeed.get(seed).forEach((k, v) -> TensorBoardDecoder.assertHistogramOf(v, h.get(k), "seed " + seed + " " + k));
        }

        JsonNode exponents = Json.read(dir.resolve("summary.json")).get("exponents");
        Map<Key, Double> expected = new HashMap<>();
        exponents.fields().forEachRemaining(e -> {
            for (String part : List.of("value", "lower", "upper")) {
                if (e.getValue().path(part).isNumber()) {
                    String tag = "exponent/" + e.getKey() + (part.equals("value") ? "" : "/" + part);
                    expected.put(new Key(tag, 0), (double) (float) e.getValue().get(part).asDouble());
                }
            }
        });
        assertTrue(expected.containsKey(new Key("exponent/beta_A", 0)) && expected.containsKey(new Key("exponent/alpha/upper", 0)), expected.toString());
        assertEquals(expected, TensorBoardDecoder.scalars(decoded.get(Path.of("fits"))));
    }
}
