package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.DepthPlots.depthTicks;
import static org.layerwise.study.scaling.DepthPlots.depths;

import java.util.List;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport;

/** The training: the loss curve of every depth (seeds averaged) and the final loss against epsilon. */
final class TrainingFigures extends ScalingSection {
    TrainingFigures(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    void add() {
        page.section("Training");
        ScalingRunData.LossCurves curves = in.data().lossCurves(this::skipped);
        Figure losses = lossCurvesPlot(curves);
        if (losses != null) {
            figure(losses, "The mean batch loss of each epoch, the quantity the stopping rule compares with epsilon [code], one curve per depth "
                    + "coloured by L (viridis, log scale; the colour bar names trained depths). " + (curves.averaged() > 1 ? "The seeds of a depth "
                    + "are averaged at each epoch all of them reached; a diverged seed is left out unless every seed of its depth diverged "
                    + "[layerwise]. " : "") + "A curve that ends early reached epsilon"
                    + (cfg.stopRule() == org.layerwise.train.StopRule.PLATEAU ? ", stopped on a plateau" : "") + " or diverged.",
                    DepthPlots.runFiles(runs, "loss.csv"));
        } else {
            page.paragraph("No loss curve to draw: no run completed an epoch (loss.csv records one mean batch loss per finished epoch).");
        }
        figure(finalLossPlot(), "Each sound run's training loss on the full training set after its last update, marked by why it stopped "
                + "(the stopping rule compares the epoch's mean batch loss with epsilon [paper], [code], so a run can stop just above or below the "
                + "line); diverged runs are listed in the runs table, not drawn.", plots.studyFile(ScalingStudy.METRICS));
    }

    /** One curve per depth: the run's loss.csv, or with several seeds their mean at each epoch all of them reached. */
    private Figure lossCurvesPlot(ScalingRunData.LossCurves curves) {
        double spread = curves.spread();
        String subtitle = curves.averaged() > 1
                ? "one curve per depth: the mean of its seeds, which differ by at most " + HtmlReport.number(100 * spread, spread < 0.01 ? 2 : 1)
                    + " % at any epoch"
                : "one curve per run";
        Chart c = new Chart("Training loss of every depth", subtitle, "epoch (counted from 1)", "mean batch loss (MSE)", true, true)
                .colourKey("depth L", true).labelKeysOnly().horizontal("target epsilon", cfg.epsilon());
        boolean drawable = curves.mean().values().stream().anyMatch(y -> java.util.Arrays.stream(y).anyMatch(v -> Double.isFinite(v) && v > 0));
        if (!drawable) {
            return null;
        }
        curves.mean().forEach((depth, y) -> {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            c.curve(depth, x, y);
        });
        return save(c, "loss_curves");
    }

    private Figure finalLossPlot() {
        if (ok.isEmpty()) {
            return null;
        }
        Chart c = new Chart("Final training loss vs depth", "measured on the full training set after the last update; marked by why each run stopped",
                "depth L", "training loss (MSE)", true, true).onlyTicksX(depthTicks(ok)).horizontal("target epsilon", cfg.epsilon());
        String[][] reasons = {{"CONVERGED", "reached epsilon"}, {"MAX_UPDATES", "stopped at Tmax = " + cfg.maxUpdates() + " updates"},
            {"PLATEAU", "stopped on a plateau"}};
        int colour = 0;
        for (String[] why : reasons) {
            List<TrainedRun> these = ok.stream().filter(r -> why[0].equals(r.reason)).toList();
            if (!these.isEmpty()) {
                c.points(why[1] + " (" + these.size() + " runs)", depths(these),
                        these.stream().mapToDouble(r -> r.trainLoss == null ? Double.NaN : r.trainLoss).toArray(), colour);
            }
            colour++;
        }
        return save(c, "final_loss_vs_depth");
    }
}
