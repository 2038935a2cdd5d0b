package org.layerwise.study.elr;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.export.tensorboard.EventWriter;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.TensorBoardExport;

/**
 * What TensorBoard shows of an ELR study (every study of {@code layerwise elr}): one TensorBoard run
 * per training run ({@code OUT/<run id>/}), stepped by the training step of steps.csv and eval.csv.
 * Scalars: the batch loss and accuracy, the learning rate beside the predicted critical learning rate,
 * the ELR spread, the held-out loss and accuracy. Histograms over the normalized layers at every
 * recorded step: ln ELR, σ and ‖g‖ (from elr.npy, sigma.npy, grad_norm.npy), so a ResNet-110's
 * layers are one panel each. A number that is not finite (a step with no prediction) is left out.
 */
final class ElrTensorBoard implements TensorBoardExport {
    static final ElrTensorBoard INSTANCE = new ElrTensorBoard();

    /** Scalar tags and their steps.csv columns. */
    static final String LOSS = "train/loss";
    static final String ACCURACY = "train/accuracy";
    static final String LR = "lr/lr";
    static final String CRITICAL_LR = "lr/critical_lr_predicted";
    static final String SPREAD = "elr/spread";
    static final String TEST_LOSS = "test/loss";
    static final String TEST_ACCURACY = "test/accuracy";
    /** Histogram tags across layers. */
    static final String LOG_ELR = "layers/log_elr";
    static final String SIGMA = "layers/sigma";
    static final String GRAD_NORM = "layers/grad_norm";

    private ElrTensorBoard() {
    }

    @Override
    public String description() {
        return """
                one TensorBoard run per training run (OUT/<run id>/), by training step: the scalars train/loss,
                train/accuracy, lr/lr, lr/critical_lr_predicted, elr/spread, test/loss, test/accuracy, and the
                histograms across the normalized layers layers/log_elr (ln ELR), layers/sigma, layers/grad_norm""";
    }

    @Override
    public List<Path> write(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, Path out) {
        List<Path> files = new ArrayList<>();
        for (RunSpec r : runs.complete()) {
            RunFolder f = folder.run(r);
            ElrRunData d = ElrRunData.load(r, f, true, (ElrConfig) config);
            if (d == null) {
                continue; // a run that recorded no step (the probe writes its files with the first one)
            }
            files.add(EventWriter.writeFile(out.resolve(r.id()), EventWriter.wallTimeOf(f.file(RunFolder.RESULT)), w -> run(d, w)));
        }
        return files;
    }

    private static void run(ElrRunData d, EventWriter w) throws IOException {
        w.describe(LOSS, "training loss of the step's batch (steps.csv loss)");
        w.describe(ACCURACY, "training accuracy of the step's batch (steps.csv accuracy)");
        w.describe(LR, "the learning rate of the step (steps.csv lr)");
        w.describe(CRITICAL_LR, "the critical learning rate the ELR model predicts at the step (steps.csv critical_lr_predicted)");
        w.describe(SPREAD, "ELR spread: largest over smallest ELR across the normalized layers (steps.csv spread)");
        w.describe(TEST_LOSS, "held-out loss (eval.csv test_loss)");
        w.describe(TEST_ACCURACY, "held-out accuracy (eval.csv test_accuracy)");
        w.describe(LOG_ELR, "ln of each normalized layer's effective learning rate (elr.npy), one value per layer");
        w.describe(SIGMA, "each normalized layer's weight norm sigma (sigma.npy), one value per layer");
        w.describe(GRAD_NORM, "each normalized layer's gradient norm ||g|| (grad_norm.npy), one value per layer");
        double[][] elr = d.matrix("elr");
        double[][] sigma = d.matrix("sigma");
        double[][] grad = d.matrix("grad_norm");
        for (int i = 0; i < d.rows(); i++) {
            long step = (long) d.step[i];
            w.scalar(LOSS, step, d.loss[i]);
            w.scalar(ACCURACY, step, d.accuracy[i]);
            w.scalar(LR, step, d.lr[i]);
            w.scalar(CRITICAL_LR, step, d.criticalLr[i]);
            w.scalar(SPREAD, step, d.spread[i]);
            double[] logElr = new double[elr[i].length];
            for (int l = 0; l < logElr.length; l++) {
                logElr[l] = Math.log(elr[i][l]);
            }
            w.histogram(LOG_ELR, step, logElr);
            w.histogram(SIGMA, step, sigma[i]);
            w.histogram(GRAD_NORM, step, grad[i]);
        }
        for (int i = 0; i < d.evalStep.length; i++) {
            long step = (long) d.evalStep[i];
            w.scalar(TEST_LOSS, step, d.testLoss[i]);
            w.scalar(TEST_ACCURACY, step, d.testAccuracy[i]);
        }
    }
}
