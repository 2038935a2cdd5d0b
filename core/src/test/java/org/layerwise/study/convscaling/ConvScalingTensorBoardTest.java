package org.layerwise.study.convscaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.export.tensorboard.TensorBoardDecoder;
import org.layerwise.export.tensorboard.TensorBoardDecoder.Key;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyExport;
import org.layerwise.study.StudyFolder;

/**
 * A conv scaling folder's TensorBoard export, decoded independently ({@link TensorBoardDecoder}). The
 * folder is written here with the study's own writers (loss.csv, spectra.json, result.json, summary.json:
 * no libtorch in core), with one diverged run (no spectra) and a summary exponent that is null.
 */
class ConvScalingTensorBoardTest {
    @Test
    void lossCurvesSpectraByDepthAndExponents(@TempDir Path tmp) throws Exception {
        TensorBoardDecoder.assumeDecoder();
        ConvScalingStudy study = new ConvScalingStudy();
        StudyConfig c = StudyConfigs.resolve(study, null, null, Map.of("dataset", "synthetic", "width", "2", "depths", "8,11,12", "seeds", "2"));
        Path dir = tmp.resolve("study");
        Files.createDirectories(dir);
        StudyFolder folder = new StudyFolder(dir);
        folder.writeConfig(c);
        List<RunSpec> plan = study.plan(c);
        Map<String, Map<Key, Double>> expected = new HashMap<>();
        Map<Key, double[]> histograms = new HashMap<>();
        for (RunSpec s : plan) {
            ConvRun.Point p = ConvRun.Point.of(s);
            boolean diverged = p.depth() == 11 && p.seedIndex() == 1;
            RunFolder f = folder.run(s);
            Files.createDirectories(f.dir());
            List<List<Object>> rows = new ArrayList<>();
            Map<Key, Double> loss = new HashMap<>();
            for (int e = 0; e < 4; e++) {
                double v = 2.3 / (1 + e + p.depth() * 0.01 + p.seedIndex());
                rows.add(List.of(e, 31 * (e + 1), v));
                loss.put(new Key("train/loss", 31L * (e + 1)), (double) (float) v);
            }
            Csv.write(f.file(ConvRun.LOSS), List.of("epoch", "updates", "mean_train_loss"), rows);
            expected.put(s.id(), loss);
            String seedRun = "depths-s" + p.seedIndex();
            Map<Key, Double> byDepth = expected.computeIfAbsent(seedRun, k -> new HashMap<>());
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("depth", p.depth());
            res.put("seed_index", p.seedIndex());
            res.put("stop_reason", diverged ? "DIVERGED" : "MAX_UPDATES");
            res.put("final_train_loss", diverged ? null : 1.0 / p.depth() + p.seedIndex());
            res.put("test_accuracy", diverged ? null : 0.1 * p.seedIndex() + p.depth() / 100.0);
            if (!diverged) {
                byDepth.put(new Key("depth/train_loss", p.depth()), (double) (float) (1.0 / p.depth() + p.seedIndex()));
                byDepth.put(new Key("depth/test_accuracy", p.depth()), (double) (float) (0.1 * p.seedIndex() + p.depth() / 100.0));
                List<ConvResNetLayout.Block> blocks = ConvResNetLayout.blocks(p.depth(), 2, ConvRun.IMAGE_SIZE);
                double[] a = new double[blocks.size()];
                double[] delta = new double[blocks.size()];
                for (int k = 0; k < a.length; k++) {
                    a[k] = 1 + Math.sin(k + p.depth()) * 0.3;
                    delta[k] = 0.5 + 0.01 * k * k + p.seedIndex();
                }
                BlockSpectra.Increments none = new BlockSpectra.Increments(new int[0], new int[0], new double[0]);
                SpectraJson.write(f.file(ConvRun.SPECTRA), new BlockSpectra(blocks, a, delta, new int[0], new double[0], none, none), 2,
                        ConvRun.IMAGE_SIZE);
                histograms.put(new Key(seedRun + " depth/sigma_A", p.depth()), a);
                histograms.put(new Key(seedRun + " depth/sigma_Delta", p.depth()), delta);
            }
            f.complete(res);
        }
        Map<String, Object> alpha = new LinkedHashMap<>();
        alpha.put("value", null);
        alpha.put("value_why_null", "too few depths");
        Json.write(dir.resolve("summary.json"), Map.of("beta_A", Map.of("value", -0.25, "lower", -0.5, "upper", 0.125), "alpha_Delta", alpha));
        expected.put("fits", Map.of(new Key("exponent/beta_A", 0), -0.25, new Key("exponent/beta_A/lower", 0), -0.5,
                new Key("exponent/beta_A/upper", 0), 0.125));

        StudyExport.Result r = StudyExport.tensorBoard(dir, tmp.resolve("tb").toString(), new PrintStream(OutputStream.nullOutputStream()));
        assertEquals(plan.size() + 3, r.files().size());
        Map<String, TensorBoardDecoder.File> decoded = new HashMap<>();
        TensorBoardDecoder.decode(r.files()).forEach(f -> decoded.put(f.path().getParent().getFileName().toString(), f));
        assertEquals(expected.keySet(), decoded.keySet());
        expected.forEach((run, values) -> assertEquals(values, TensorBoardDecoder.scalars(decoded.get(run)), run));
        int seen = 0;
        for (int seed : List.of(0, 1)) {
            String run = "depths-s" + seed;
            for (var e : TensorBoardDecoder.histograms(decoded.get(run)).entrySet()) {
                double[] v = histograms.get(new Key(run + " " + e.getKey().tag(), e.getKey().step()));
                assertTrue(v != null, run + " " + e.getKey() + " was not written");
                TensorBoardDecoder.assertHistogramOf(v, e.getValue(), run + " " + e.getKey());
                seen++;
            }
        }
        assertEquals(histograms.size(), seen, "two histograms per run with spectra");
        JsonNode first = decoded.get("depths-s0").summaries().get(0);
        assertEquals(8, first.get("step").asLong(), "depths in ascending order");
    }
}
