package org.layerwise.study.scaling;

import java.util.List;
import java.util.Map;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport;

/**
 * What every section of the scaling report works with: the inputs ({@link ReportInputs}) under short
 * names, the page, and the drawing helpers of {@link DepthPlots}. A section only lays out and draws
 * what the analysis computed.
 */
abstract class ScalingSection {
    final ReportInputs in;
    final DepthPlots plots;
    final HtmlReport page;
    final ScalingConfig cfg;
    final List<TrainedRun> runs;
    final List<TrainedRun> ok;
    final Map<String, Map<String, ScalingFit>> fits;
    final ScalingFit alpha;
    final Regime regime;
    final Map<String, Object> trendNoise;
    final Map<String, Object> summary;

    ScalingSection(ReportInputs in, DepthPlots plots) {
        this.in = in;
        this.plots = plots;
        this.page = plots.page().page();
        this.cfg = in.cfg();
        this.runs = in.data().runs();
        this.ok = in.data().ok();
        this.fits = in.fits();
        this.alpha = in.alpha();
        this.regime = in.regime();
        this.trendNoise = in.trendNoise();
        this.summary = in.summary();
    }

    String eff() {
        return in.eff();
    }

    double beta() {
        return in.beta();
    }

    ScalingFit fitOf(String seq, String stat) {
        return in.fitOf(seq, stat);
    }

    void figure(Figure f, String caption, java.nio.file.Path... data) {
        plots.figure(f, caption, data);
    }

    Figure save(Chart c, String name) {
        return plots.save(c, name);
    }

    void code(String text) {
        plots.code(text);
    }

    /** Names something that could not be drawn, and why. */
    void skipped(String what) {
        plots.page().skipped(what);
    }

    double[] stat(String seq, String st) {
        return plots.stat(seq, st);
    }

    double[][] fitLine(ScalingFit f, double shift) {
        return plots.fitLine(f, shift);
    }

    double[][] referenceLine(ScalingFit f, double shift, double slope) {
        return plots.referenceLine(f, shift, slope);
    }
}
