package org.layerwise.study.convscaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.layerwise.export.tensorboard.EventWriter;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.TensorBoardExport;

/**
 * What TensorBoard shows of a conv depth-scaling study, in three kinds of TensorBoard run:
 * <ul>
 *   <li>{@code OUT/<run id>/} (one per depth and seed): {@code train/loss}, loss.csv's mean training loss of each
 *       epoch, stepped by the updates taken at the epoch's end;</li>
 *   <li>{@code OUT/depths-s<seed index>/}: stepped by the depth L, {@code depth/train_loss} and {@code depth/test_accuracy}
 *       (result.json) and, over the network's blocks, the histograms {@code depth/sigma_A} and {@code depth/sigma_Delta}
 *       of the blocks' largest singular values (spectra.json);</li>
 *   <li>{@code OUT/fits/}: at step 0, {@code exponent/beta_A} and {@code exponent/alpha_Delta} of summary.json with their
 *       intervals ({@code /lower}, {@code /upper}).</li>
 * </ul>
 * A diverged run has its loss curve only (it has no spectra); numbers that are not finite are left out.
 */
final class ConvScalingTensorBoard implements TensorBoardExport {
    static final ConvScalingTensorBoard INSTANCE = new ConvScalingTensorBoard();
    static final String LOSS = "train/loss";
    static final String FINAL_LOSS = "depth/train_loss";
    static final String TEST_ACCURACY = "depth/test_accuracy";
    static final String SIGMA_A = "depth/sigma_A";
    static final String SIGMA_DELTA = "depth/sigma_Delta";
    static final String FITS = "fits";
    static final String DEPTHS = "depths-s";
    static final List<String> EXPONENTS = List.of("beta_A", "alpha_Delta");

    private ConvScalingTensorBoard() {
    }

    /** What one finished run adds to its seed's depth-stepped run. */
    private record Point(int depth, double trainLoss, double testAccuracy, BlockSpectra spectra, Path result) {
    }

    @Override
    public String description() {
        return """
                per run (OUT/<run id>/) train/loss by updates; per seed (OUT/depths-s0/ ...), by depth L:
                depth/train_loss, depth/test_accuracy and the histograms across blocks depth/sigma_A, depth/sigma_Delta;
                OUT/fits/: exponent/beta_A and exponent/alpha_Delta with their intervals (/lower, /upper)""";
    }

    @Override
    public List<Path> write(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, Path out) {
        List<Path> files = new ArrayList<>();
        Map<Integer, List<Point>> bySeed = new TreeMap<>();
        for (RunSpec r : runs.complete()) {
            RunFolder f = folder.run(r);
            JsonNode res = f.result();
            Path spectra = f.file(ConvRun.SPECTRA);
            bySeed.computeIfAbsent(res.path("seed_index").asInt(), k -> new ArrayList<>()).add(new Point(res.path("depth").asInt(),
                    number(res.path("final_train_loss")), number(res.path("test_accuracy")),
                    Files.isRegularFile(spectra) ? SpectraJson.read(spectra) : null, f.file(RunFolder.RESULT)));
            Csv.Columns loss = Csv.readColumns(f.file(ConvRun.LOSS));
            files.add(EventWriter.writeFile(out.resolve(r.id()), EventWriter.wallTimeOf(f.file(RunFolder.RESULT)), w -> {
                w.describe(LOSS, "mean training loss of each epoch (loss.csv mean_train_loss), at the updates taken by its end");
                double[] updates = loss.column("updates");
                double[] v = loss.column("mean_train_loss");
                for (int i = 0; i < updates.length; i++) {
                    w.scalar(LOSS, (long) updates[i], v[i]);
                }
            }));
        }
        for (var e : bySeed.entrySet()) {
            List<Point> ps = e.getValue().stream().sorted(Comparator.comparingInt(Point::depth)).toList();
            double wall = ps.stream().mapToDouble(p -> EventWriter.wallTimeOf(p.result())).max().orElse(0);
            files.add(EventWriter.writeFile(out.resolve(DEPTHS + e.getKey()), wall, w -> {
                w.describe(FINAL_LOSS, "final epoch's mean training loss of the network of depth L = step (result.json final_train_loss)");
                w.describe(TEST_ACCURACY, "held-out accuracy of the network of depth L = step (result.json test_accuracy)");
                w.describe(SIGMA_A, "largest singular value of every block's conv1 (A_k) in the network of depth L = step (spectra.json sigma_A)");
                w.describe(SIGMA_DELTA, "largest singular value of every block's conv2 (Delta_k) in the network of depth L = step"
                        + " (spectra.json sigma_Delta)");
                for (Point p : ps) {
                    w.scalar(FINAL_LOSS, p.depth(), p.trainLoss());
                    w.scalar(TEST_ACCURACY, p.depth(), p.testAccuracy());
                    if (p.spectra() != null) {
                        w.histogram(SIGMA_A, p.depth(), p.spectra().a());
                        w.histogram(SIGMA_DELTA, p.depth(), p.spectra().delta());
                    }
                }
            }));
        }
        Path summary = StudyFiles.STANDARD.summary(folder.dir());
        if (Files.isRegularFile(summary)) {
            JsonNode s = Json.read(summary);
            files.add(EventWriter.writeFile(out.resolve(FITS), EventWriter.wallTimeOf(summary), w -> {
                for (String name : EXPONENTS) {
                    String tag = "exponent/" + name;
                    w.describe(tag, name + " of summary.json (its interval: " + tag + "/lower, " + tag + "/upper)");
                    JsonNode x = s.path(name);
                    w.interval(tag, 0, number(x.path("value")), number(x.path("lower")), number(x.path("upper")));
                }
            }));
        }
        return files;
    }

    /** A JSON number, or NaN for null or absent (a number the file does not have). */
    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
