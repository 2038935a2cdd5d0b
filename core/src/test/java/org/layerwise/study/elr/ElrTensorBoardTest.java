package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.export.tensorboard.TensorBoardDecoder;
import org.layerwise.export.tensorboard.TensorBoardDecoder.Key;
import org.layerwise.io.Csv;
import org.layerwise.io.Npy;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyExport;
import org.layerwise.study.StudyFolder;
import org.layerwise.train.ElrProbe;

/**
 * An ELR study folder's TensorBoard export, decoded independently (Python's protobuf runtime,
 * {@link TensorBoardDecoder}) and compared with the run folders' own files: every scalar of steps.csv
 * and eval.csv at its step, and a histogram across layers of ln ELR, σ and ‖g‖ (the .npy rows) at every
 * recorded step, nothing more.
 */
class ElrTensorBoardTest {
    private static final ElrTrainStudy TRAIN = new ElrTrainStudy();

    @Test
    void everyStepAndValueOfEveryRun(@TempDir Path tmp) {
        TensorBoardDecoder.assumeDecoder();
        ElrConfig c = ElrTestFolders.config(TRAIN, Map.of("steps", "13", "lr", "0.3", "eval-every", "4", "probe-every", "3", "seeds", "2"));
        StudyFolder folder = ElrTestFolders.build(TRAIN, c, tmp.resolve("study"), 0, null, null);
        StudyExport.Result r = StudyExport.tensorBoard(folder.dir(), tmp.resolve("tb").toString(), new PrintStream(OutputStream.nullOutputStream()));
        List<RunSpec> plan = TRAIN.plan(c);
        assertEquals(2, r.runs());
        assertEquals(plan.stream().map(s -> tmp.resolve("tb").resolve(s.id())).toList(), r.files().stream().map(Path::getParent).toList());

        List<TensorBoardDecoder.File> decoded = TensorBoardDecoder.decode(r.files());
        for (int i = 0; i < plan.size(); i++) {
            Path run = folder.run(plan.get(i)).dir();
            TensorBoardDecoder.File f = decoded.get(i);
            Csv.Columns steps = Csv.readColumns(run.resolve(ElrProbe.STEPS));
            Csv.Columns eval = Csv.readColumns(run.resolve(ElrProbe.EVAL));
            Map<Key, Double> expected = new HashMap<>();
            put(expected, "train/loss", steps, "loss");
            put(expected, "train/accuracy", steps, "accuracy");
            put(expected, "lr/lr", steps, "lr");
            put(expected, "lr/critical_lr_predicted", steps, "critical_lr_predicted");
            put(expected, "elr/spread", steps, "spread");
            put(expected, "test/loss", eval, "test_loss");
            put(expected, "test/accuracy", eval, "test_accuracy");
            assertEquals(List.of(0.0, 3.0, 6.0, 9.0, 12.0), List.of(box(steps.column("step"))), "probe-every 3 over 13 steps");
            assertEquals(List.of(4.0, 8.0, 12.0, 13.0), List.of(box(eval.column("step"))), "eval-every 4, and at the end");
            assertEquals(expected, TensorBoardDecoder.scalars(f), plan.get(i).id());

            Map<Key, JsonNode> histograms = TensorBoardDecoder.histograms(f);
            double[] step = steps.column("step");
            Map<String, String> matrices = Map.of("layers/log_elr", "elr", "layers/sigma", "sigma", "layers/grad_norm", "grad_norm");
            assertEquals(3 * step.length, histograms.size(), "three histograms per recorded step: " + histograms.keySet());
            String id = plan.get(i).id();
            matrices.forEach((tag, quantity) -> {
                Npy.Array m = Npy.read(run.resolve(quantity + ".npy"));
                int layers = m.shape()[1];
                assertEquals(step.length, m.shape()[0]);
                assertEquals(ElrTestFolders.SIZES.length - 1, layers, "the normalized tensors; the classifier is reported apart");
                for (int row = 0; row < step.length; row++) {
                    double[] v = new double[layers];
                    for (int l = 0; l < layers; l++) {
                        double x = m.data()[row * layers + l];
                        v[l] = tag.equals("layers/log_elr") ? Math.log(x) : x;
                    }
                    JsonNode h = histograms.get(new Key(tag, (long) step[row]));
                    assertTrue(h != null, tag + " at step " + step[row] + " missing: " + histograms.keySet());
                    TensorBoardDecoder.assertHistogramOf(v, h, id + " " + tag + " step " + step[row]);
                }
            });
            Map<String, String> d = TensorBoardDecoder.descriptions(f);
            assertEquals(Set.of("train/loss", "train/accuracy", "lr/lr", "lr/critical_lr_predicted", "elr/spread", "test/loss", "test/accuracy",
                    "layers/log_elr", "layers/sigma", "layers/grad_norm"), d.keySet());
            d.forEach((tag, text) -> assertTrue(text.length() > 10, tag + " has no description"));
        }
    }

    /** The finite values of a column by (tag, step), as float32 (simple_value's type). */
    private static void put(Map<Key, Double> m, String tag, Csv.Columns t, String column) {
        double[] step = t.column("step");
        double[] v = t.column(column);
        for (int i = 0; i < step.length; i++) {
            if (Double.isFinite(v[i])) {
                m.put(new Key(tag, (long) step[i]), (double) (float) v[i]);
            }
        }
    }

    private static Double[] box(double[] a) {
        return java.util.Arrays.stream(a).boxed().toArray(Double[]::new);
    }
}
