package org.layerwise.study.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.layerwise.export.tensorboard.EventWriter;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.model.DeltaMode;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.TensorBoardExport;

/**
 * What TensorBoard shows of a depth-scaling study, in three kinds of TensorBoard run:
 * <ul>
 *   <li>{@code OUT/<run id>/} (one per depth and seed): {@code train/loss}, loss.csv's mean batch loss, stepped by epoch,
 *       so every depth's curve is in one chart;</li>
 *   <li>{@code OUT/depths-s<seed index>/}: stepped by the depth L, {@code depth/train_loss} (result.json's final
 *       training loss) and the histogram {@code depth/frobenius_<sequence>} of ‖W_k‖_F over the L layers of the
 *       effective sequence (A_k, or |δ_k| A_k with per-layer δ), so one panel shows the weights of every depth;</li>
 *   <li>{@code OUT/fits/}: at step 0, every exponent of summary.json ({@code exponent/beta_A} ...) with its
 *       95 % interval ({@code exponent/beta_A/lower}, {@code /upper}).</li>
 * </ul>
 * Diverged runs have their loss curve and nothing else; a number that is not finite is left out.
 */
final class ScalingTensorBoard implements TensorBoardExport {
    static final ScalingTensorBoard INSTANCE = new ScalingTensorBoard();
    static final String LOSS = "train/loss";
    static final String FINAL_LOSS = "depth/train_loss";
    static final String FROBENIUS = "depth/frobenius_";
    static final String FITS = "fits";
    static final String DEPTHS = "depths-s";

    private ScalingTensorBoard() {
    }

    @Override
    public String description() {
        return """
                per run (OUT/<run id>/) train/loss by epoch; per seed (OUT/depths-s0/ ...), by depth L: depth/train_loss
                and the histogram across the L layers depth/frobenius_A (||A_k||_F; frobenius_deltaA with per-layer
                delta); OUT/fits/: every exponent of summary.json with its 95 % interval (exponent/NAME/lower, /upper)""";
    }

    @Override
    public List<Path> write(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, Path out) {
        ScalingConfig cfg = (ScalingConfig) config;
        String effective = cfg.delta() == DeltaMode.PER_LAYER ? "deltaA" : "A";
        List<Path> files = new ArrayList<>();
        Map<Integer, List<TrainedRun>> bySeed = new TreeMap<>();
        for (RunSpec r : runs.complete()) {
            RunFolder f = folder.run(r);
            TrainedRun t = TrainedRun.load(r, f.dir(), cfg, effective);
            bySeed.computeIfAbsent(t.seedIndex, k -> new ArrayList<>()).add(t);
            Csv.Columns loss = Csv.readColumns(f.file("loss.csv"));
            files.add(EventWriter.writeFile(out.resolve(r.id()), EventWriter.wallTimeOf(f.file(RunFolder.RESULT)), w -> {
                w.describe(LOSS, "mean batch loss of each epoch (loss.csv)");
                double[] epoch = loss.column("epoch");
                double[] v = loss.column("mean_batch_loss");
                for (int i = 0; i < epoch.length; i++) {
                    w.scalar(LOSS, (long) epoch[i], v[i]);
                }
            }));
        }
        for (var e : bySeed.entrySet()) {
            List<TrainedRun> rs = e.getValue().stream().sorted((a, b) -> Integer.compare(a.depth, b.depth)).toList();
            double wall = rs.stream().mapToDouble(t -> EventWriter.wallTimeOf(t.dir.resolve(RunFolder.RESULT))).max().orElse(0);
            files.add(EventWriter.writeFile(out.resolve(DEPTHS + e.getKey()), wall, w -> {
                w.describe(FINAL_LOSS, "final training loss of the network of depth L = step (result.json train_loss)");
                w.describe(FROBENIUS + effective, "||W_k||_F of every layer k of the network of depth L = step, W_k = "
                        + (effective.equals("A") ? "A_k (A.npy)" : "|delta_k| A_k (A.npy, delta.npy)"));
                for (TrainedRun t : rs) {
                    if (t.trainLoss != null) {
                        w.scalar(FINAL_LOSS, t.depth, t.trainLoss);
                    }
                    if (t.usable()) {
                        w.histogram(FROBENIUS + effective, t.depth, t.effectiveNorms);
                    }
                }
            }));
        }
        Path summary = ScalingStudy.FILES.summary(folder.dir());
        if (Files.isRegularFile(summary)) {
            files.add(exponents(Json.read(summary).path("exponents"), summary, out.resolve(FITS)));
        }
        return files;
    }

    /** The exponents of a summary (name → {value, lower, upper}) at step 0. */
    static Path exponents(JsonNode exponents, Path summary, Path dir) {
        return EventWriter.writeFile(dir, EventWriter.wallTimeOf(summary), w -> {
            for (var it = exponents.fields(); it.hasNext(); ) {
                var e = it.next();
                String tag = "exponent/" + e.getKey();
                w.describe(tag, e.getKey() + " of summary.json (its 95 % interval: " + tag + "/lower, " + tag + "/upper)");
                JsonNode x = e.getValue();
                w.interval(tag, 0, number(x.path("value")), number(x.path("lower")), number(x.path("upper")));
            }
        });
    }

    /** A JSON number, or NaN for null (a number the summary does not have, with its reason beside it). */
    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
