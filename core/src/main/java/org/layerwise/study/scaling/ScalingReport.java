package org.layerwise.study.scaling;

import java.nio.file.Path;
import org.layerwise.study.StudyPage;

/**
 * The self-contained report.html of a scaling study and its plots/, drawn from the analysis' numbers
 * ({@link ReportInputs}) and the run folders ({@link ScalingRunData}: loss.csv, entry_paths.npy) in the
 * page frame every study shares ({@link StudyPage}); computes nothing the analysis does not, except
 * what drawing needs (the seed mean of loss curves, reference slopes through the data).
 *
 * <p>What the page holds, in order: the verdict (regime label, or "undetermined" with its reason,
 * each exponent named with the sequence it belongs to, the summary's note), the two statistics the
 * regime rule uses (s_I and s_R) plotted against L with their fits and the H1/H2 predictions, the max
 * norms that give beta, the table of every fitted exponent, the training (loss curve of every depth,
 * final loss against epsilon), the weights along depth (rescaled norms, entries, layer x epoch
 * heatmaps of the deepest run's entry paths, the other roughness statistics as small multiples, hidden
 * states, trend/noise, delta), the runs with the
 * study's coverage and its absent or damaged runs, where every rule comes from ([paper], [code],
 * [inferred], [layerwise], as docs/scaling-study.md tags them), then the frame's ending: what could not
 * be drawn and the provenance, with a command that regenerates the report from anywhere.
 *
 * <p>Labels are written in the markup of {@link org.layerwise.report.Notation} ({@code |delta_k| A_k},
 * {@code L^beta}) and drawn as Unicode notation.
 */
final class ScalingReport {
    /** What the run folders hold, as the page's provenance lists them. */
    static final String RUN_FILES = "one folder per run under depths/ (A.npy, b.npy, delta.npy, loss.csv, hidden_norms.csv, result.json; the"
            + " deepest run also its entry paths)";

    private final ReportInputs in;

    ScalingReport(ReportInputs in) {
        this.in = in;
    }

    /** Draws every plot into plots/ and writes report.html. */
    Path write() {
        StudyPage frame = new StudyPage(ScalingStudy.INSTANCE, "Depth-scaling study of a residual MLP", in.folder(), in.cfg());
        DepthPlots plots = new DepthPlots(frame, in.data().ok(), in.folder().dir());
        boolean nothing = in.data().ok().isEmpty();
        VerdictSection verdict = new VerdictSection(in, plots);
        RuleFigures rules = new RuleFigures(in, plots);
        WeightFigures weights = new WeightFigures(in, plots);
        RunsSection runs = new RunsSection(in, plots);

        verdict.intro();
        verdict.verdict();
        frame.page().section("The statistics behind the verdict");
        if (nothing) {
            frame.page().paragraph("Nothing to plot: no run finished without diverging, so there is no statistic to fit.");
        }
        rules.ruleStatistics();
        verdict.exponentTable();
        new TrainingFigures(in, plots).add();
        frame.page().section("The trained weights along depth");
        if (nothing) {
            frame.page().paragraph("Nothing to draw: every run diverged.");
        }
        weights.profiles();
        new EntryPathFigures(in, plots).add();
        rules.roughness();
        weights.states();
        runs.runs();
        runs.rules();
        return frame.write(RUN_FILES);
    }
}
