package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.DepthPlots.depthTicks;
import static org.layerwise.study.scaling.DepthPlots.depths;
import static org.layerwise.study.scaling.ScalingText.exponent;
import static org.layerwise.study.scaling.ScalingText.label;
import static org.layerwise.study.scaling.ScalingText.previous;
import static org.layerwise.study.scaling.ScalingText.round3;
import static org.layerwise.study.scaling.ScalingText.slope;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.report.Chart;
import org.layerwise.report.ChartGrid;
import org.layerwise.report.Figure;

/**
 * The figures of the statistics against depth: the two the regime rule reads (s_I, the rescaled largest
 * increment, and s_R, the root sum of squares) with their fits and the H1/H2 predictions, the max norms
 * that give beta, and the other roughness statistics.
 */
final class RuleFigures extends ScalingSection {
    RuleFigures(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    /** s_I against L, then s_R, then the max norms: the statistics behind the verdict. */
    void ruleStatistics() {
        figure(incrementPlot(), "The first statistic of the regime rule: s_I, the slope of the largest layer-to-layer increment after "
                + "rescaling by L^beta. Hypothesis 1 (smooth limit) [paper] needs s_I < 0: rescaled increments vanish as L grows; "
                + "a smooth profile f(k/L) has increments of order 1/L, slope -1 [derived]. Hypothesis 2 (diffusive limit) [paper] "
                + "predicts s_I = 0. The reference lines pass through the centre of the points.", plots.fitFiles());
        figure(rootSsqPlot(), "The second statistic: s_R, the slope of the root sum of squares sqrt(sum_k ||W_k||^2). If every layer "
                + "scales as L^-beta, root-SSQ scales as L^(1/2 - beta) [derived]: the rule's Hypothesis 1 line; Hypothesis 2 "
                + "(beta = 1/2) makes it flat [paper].", plots.fitFiles());
        figure(maxNormPlot(), "Where beta comes from: max_k ||W_k|| ~ L^-beta for each weight sequence [code]. beta = 1 is the "
                + "neural-ODE scaling of the weights themselves, beta = 1/2 the diffusive one [paper].", plots.fitFiles());
    }

    /** The other roughness statistics of the effective sequence against L. */
    void roughness() {
        figure(roughnessPlot(), "Other roughness statistics of the same sequence, one panel each with its own y range (their values lie "
                + "decades apart), with their fitted slopes [code]; the detrended cumulative sum staying O(1) as L grows (slope near 0) is the "
                + "diffusive signature.", plots.fitFiles());
    }

    private Figure incrementPlot() {
        String e = eff();
        ScalingFit fit = fitOf(e, WeightStatistics.MAX_INCREMENT);
        if (fit == null || ok.isEmpty() || !Double.isFinite(fit.slope())) {
            return null;
        }
        double b = beta();
        double[] x = depths(ok);
        double[] y = stat(e, WeightStatistics.MAX_INCREMENT);
        for (int i = 0; i < y.length; i++) {
            y[i] *= Math.pow(x[i], b);
        }
        ScalingFit shown = fit.shifted(b);
        Chart c = new Chart("s_I: the largest increment of " + label(e) + " along depth, rescaled by L^beta",
                String.format(Locale.ROOT, "one point per run; beta = %.3f from the max norm", b), "depth L",
                "L^beta max_k ||" + label(e) + " - " + previous(e) + "||", true, true).onlyTicksX(depthTicks(ok));
        c.points("runs", x, y, 0);
        double[][] line = fitLine(fit, b);
        c.line("OLS fit: s_I = " + slope(shown, cfg.seeds()), line[0], line[1], 0);
        double[][] h1 = referenceLine(fit, b, -1);
        c.line("H1, smooth profile: slope -1 (the rule asks only s_I < 0)", h1[0], h1[1], 2);
        // dashed and drawn over the points, so it stays visible where the fit is flat too
        c.horizontal("H2, diffusive: slope 0, at the level of the points' centre", round3(referenceLine(fit, b, 0)[1][0]));
        return save(c, "hypothesis_" + e);
    }

    private Figure rootSsqPlot() {
        String e = eff();
        ScalingFit fit = fitOf(e, WeightStatistics.ROOT_SSQ);
        if (fit == null || ok.isEmpty() || !Double.isFinite(fit.slope())) {
            return null;
        }
        double b = beta();
        Chart c = new Chart("s_R: the root sum of squares of " + label(e) + " vs depth",
                String.format(Locale.ROOT, "one point per run; beta = %.3f from the max norm", b), "depth L",
                "sqrt(sum_k ||" + label(e) + "||^2)", true, true).onlyTicksX(depthTicks(ok));
        c.points("runs", depths(ok), stat(e, WeightStatistics.ROOT_SSQ), 0);
        double[][] line = fitLine(fit, 0);
        c.line("OLS fit: s_R = " + slope(fit, cfg.seeds()), line[0], line[1], 0);
        double[][] h1 = referenceLine(fit, 0, 0.5 - b);
        c.line(String.format(Locale.ROOT, "H1: slope 1/2 - beta = %.3f", 0.5 - b), h1[0], h1[1], 2);
        c.horizontal("H2: slope 0, at the level of the points' centre", round3(referenceLine(fit, 0, 0)[1][0]));
        return save(c, "root_ssq_" + e);
    }

    private Figure maxNormPlot() {
        if (ok.isEmpty()) {
            return null;
        }
        ScalingFit first = fitOf(eff(), WeightStatistics.MAX_FROBENIUS);
        Chart c = new Chart("Largest layer weight vs depth", "points: runs; lines: OLS fits of ln max norm on ln L; beta with its "
                + (first == null ? "95% interval" : ScalingText.intervalKind(first.method(), cfg.seeds())),
                "depth L", "max_k ||W_k||", true, true).onlyTicksX(depthTicks(ok));
        int colour = 0;
        for (String seq : List.of("A", "b", "deltaA")) {
            ScalingFit mf = fitOf(seq, WeightStatistics.MAX_FROBENIUS);
            if (mf == null) {
                continue;
            }
            c.points("max_k ||" + label(seq) + "||: beta = " + exponent(mf), depths(ok), stat(seq, WeightStatistics.MAX_FROBENIUS), colour);
            if (Double.isFinite(mf.slope())) {
                double[][] line = fitLine(mf, 0);
                c.line("fit, " + label(seq), line[0], line[1], colour);
            }
            colour++;
        }
        ScalingFit sf = fitOf("A", WeightStatistics.MAX_SPECTRAL);
        if (sf != null) {
            c.points("max_k of the spectral norm of A_k: beta = " + exponent(sf), depths(ok), stat("A", WeightStatistics.MAX_SPECTRAL), 4);
        }
        return save(c, "max_norm_vs_depth");
    }

    private Figure roughnessPlot() {
        String e = eff();
        Map<String, ScalingFit> f = fits.get(e);
        if (f == null || ok.isEmpty()) {
            return null;
        }
        String[][] stats = {{WeightStatistics.QUADRATIC_VARIATION, "quadratic variation", "sum_k ||" + label(e) + " - " + previous(e) + "||^2"},
            {WeightStatistics.H1, "H^1 seminorm", "sqrt(L sum_k ||" + label(e) + " - " + previous(e) + "||^2)"},
            {WeightStatistics.DETRENDED_CUMSUM, "detrended cumulative sum", "detrended ||sum_k " + label(e) + "||"},
            {WeightStatistics.CUMSUM, "cumulative sum", "||sum_k " + label(e) + "||"}};
        ChartGrid grid = new ChartGrid("Other roughness statistics of " + label(e) + " vs depth",
                "one panel per statistic, each over its own y range; points: runs; line: OLS fit of ln statistic on ln L", 2);
        long deep = ok.stream().filter(r -> r.depth >= 200).map(r -> r.depth).distinct().count();
        for (String[] s : stats) {
            ScalingFit fit = f.get(s[0]);
            if (fit == null) {
                continue;
            }
            String on = s[0].equals(WeightStatistics.DETRENDED_CUMSUM) && deep >= 3 ? ", fitted on L >= 200" : "";
            Chart c = new Chart(s[1], "slope " + slope(fit, cfg.seeds()) + on, "depth L", s[2], true, true).onlyTicksX(depthTicks(ok));
            c.points("runs", depths(ok), stat(e, s[0]), 0);
            if (Double.isFinite(fit.slope())) {
                double[][] line = fitLine(fit, 0);
                c.line("OLS fit", line[0], line[1], 0);
            }
            grid.add(c);
        }
        return grid.isEmpty() ? null : grid.saveFigure(plots.page().plots(), "roughness_" + e);
    }
}
