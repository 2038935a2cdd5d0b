package org.layerwise.study.elr;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.train.ElrProbe;

/**
 * What one ELR run's folder holds, read back for the analysis: the probe's per-step table, its
 * per-layer matrices (rows = recorded steps), the held-out evaluations and, for a finished run,
 * result.json. Works on a run still training too (what its probe has flushed), for live reports.
 */
final class ElrRunData {
    final RunSpec spec;
    final boolean complete;
    final JsonNode result;        // null while training
    final List<String> layers;
    final double[] step;
    final double[] lr;
    final double[] spread;
    final double[] logSpread;
    final double[] criticalLr;
    final double[] loss;
    final double[] accuracy;
    final double[] evalStep;
    final double[] testAccuracy;
    final double[] testLoss;
    private final Path dir;

    private ElrRunData(RunSpec spec, Path dir, boolean complete) {
        this.spec = spec;
        this.dir = dir;
        this.complete = complete;
        this.result = complete ? Json.read(dir.resolve(RunFolder.RESULT)) : null;
        JsonNode meta = Json.read(dir.resolve(ElrProbe.LAYERS));
        List<String> names = new ArrayList<>();
        meta.path("layers").forEach(n -> names.add(n.asText()));
        this.layers = names;
        Csv.Columns s = Csv.readColumns(dir.resolve(ElrProbe.STEPS));
        int n = Math.min(s.rows(), rows("elr"));
        step = head(s.column("step"), n);
        lr = head(s.column("lr"), n);
        spread = head(s.column("spread"), n);
        logSpread = head(s.column("log_spread"), n);
        criticalLr = head(s.column("critical_lr_predicted"), n);
        loss = head(s.column("loss"), n);
        accuracy = head(s.column("accuracy"), n);
        Csv.Columns e = Csv.readColumns(dir.resolve(ElrProbe.EVAL));
        evalStep = e.column("step");
        testAccuracy = e.column("test_accuracy");
        testLoss = e.column("test_loss");
    }

    /** The run's data, or null when its probe has not written anything yet. */
    static ElrRunData load(RunSpec spec, RunFolder folder, boolean complete) {
        if (!Files.exists(folder.file(ElrProbe.LAYERS)) || !Files.exists(folder.file(ElrProbe.STEPS))) {
            return null;
        }
        return new ElrRunData(spec, folder.dir(), complete);
    }

    private int rows(String quantity) {
        return Npy.read(dir.resolve(quantity + ".npy")).shape()[0];
    }

    private static double[] head(double[] a, int n) {
        return java.util.Arrays.copyOf(a, Math.min(n, a.length));
    }

    /** A per-layer quantity of the probe as [recorded step][layer], cut to the rows of the step table. */
    double[][] matrix(String quantity) {
        Npy.Array a = Npy.read(dir.resolve(quantity + ".npy"));
        int rows = Math.min(a.shape()[0], step.length);
        int cols = a.shape()[1];
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a.data(), r * cols, m[r], 0, cols);
        }
        return m;
    }

    Path dir() {
        return dir;
    }

    /** exp(mean ln S) over the recorded steps: the spread "averaged over the training run" (geometric mean, as spreads are ratios). */
    double meanSpread() {
        double s = 0;
        int n = 0;
        for (double v : logSpread) {
            if (Double.isFinite(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(s / n);
    }

    /** The last held-out accuracy (result.json for a finished run). */
    double finalTestAccuracy() {
        if (result != null && result.path("test_accuracy").isNumber()) {
            return result.get("test_accuracy").asDouble();
        }
        return testAccuracy.length == 0 ? Double.NaN : testAccuracy[testAccuracy.length - 1];
    }

    boolean diverged() {
        return result != null && "DIVERGED".equals(result.path("stop_reason").asText());
    }

    String setting(String key) {
        Object v = spec.settings().get(key);
        return v == null ? "" : v.toString();
    }
}
