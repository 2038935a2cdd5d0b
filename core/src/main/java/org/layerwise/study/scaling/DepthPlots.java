package org.layerwise.study.scaling;

import java.nio.file.Path;
import java.util.List;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.report.Notation;
import org.layerwise.study.StudyPage;

/**
 * How the scaling report's sections put figures on the page: captions and notes in {@link Notation}
 * markup, charts saved into plots/, and the axes they share: depth L over the sound runs, fitted power
 * laws and reference slopes through them, and s = k/L along a network.
 */
final class DepthPlots {
    private final StudyPage page;
    private final List<TrainedRun> ok;

    DepthPlots(StudyPage page, List<TrainedRun> ok) {
        this.page = page;
        this.ok = ok;
    }

    StudyPage page() {
        return page;
    }

    /** Adds a drawn figure with its caption (written in Notation markup); a figure that could not be drawn is skipped. */
    void figure(Figure f, String caption) {
        page.figure(f, Notation.format(caption));
    }

    /** The chart saved as plots/NAME.png and .svg, or null when it holds nothing. */
    Figure save(Chart c, String name) {
        Path plots = page.plots();
        return c.isEmpty() ? null : c.saveFigure(plots, name);
    }

    /** A note on what the authors' code does, in Notation markup. */
    void code(String text) {
        page.page().note(Source.CODE, Notation.format(text));
    }

    static double[] depths(List<TrainedRun> rs) {
        return rs.stream().mapToDouble(r -> r.depth).toArray();
    }

    /** The distinct depths of these runs, for labelled ticks on a depth axis. */
    static double[] depthTicks(List<TrainedRun> rs) {
        return rs.stream().mapToDouble(r -> r.depth).distinct().sorted().toArray();
    }

    /** One statistic of one sequence for every sound run, NaN where a run has none. */
    double[] stat(String seq, String st) {
        return ok.stream().mapToDouble(r -> r.stats.containsKey(seq) && r.stats.get(seq).get(st) != null
                ? r.stats.get(seq).get(st) : Double.NaN).toArray();
    }

    private double[] depthRange() {
        double lo = ok.stream().mapToInt(r -> r.depth).min().orElse(1);
        double hi = ok.stream().mapToInt(r -> r.depth).max().orElse(1);
        return new double[] {lo, hi};
    }

    /** The fitted line exp(intercept) L^(slope + shift) over the depth range. */
    double[][] fitLine(ScalingFit f, double shift) {
        double[] r = depthRange();
        double[] x = {r[0], Math.sqrt(r[0] * r[1]), r[1]};
        double[] y = new double[3];
        for (int i = 0; i < 3; i++) {
            y[i] = Math.exp(f.intercept()) * Math.pow(x[i], f.slope() + shift);
        }
        return new double[][] {x, y};
    }

    /** A line of the given slope through the fitted line's value at the geometric middle of the depth range. */
    double[][] referenceLine(ScalingFit f, double shift, double slope) {
        double[] r = depthRange();
        double mid = Math.sqrt(r[0] * r[1]);
        double at = Math.exp(f.intercept()) * Math.pow(mid, f.slope() + shift);
        return new double[][] {{r[0], r[1]}, {at * Math.pow(r[0] / mid, slope), at * Math.pow(r[1] / mid, slope)}};
    }

    /** s = k/L for the layers of a network of depth len. */
    static double[] along(int len) {
        double[] s = new double[len];
        for (int k = 0; k < len; k++) {
            s[k] = (double) k / len;
        }
        return s;
    }
}
