package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.ScalingText.label;
import static org.layerwise.study.scaling.ScalingText.plain;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.Notation;

/**
 * The runs of the study (its coverage, the absent or damaged runs and why, a row per finished run) and
 * where each rule of the study comes from, as docs/scaling-study.md tags them.
 */
final class RunsSection extends ScalingSection {
    RunsSection(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    @SuppressWarnings("unchecked")
    void runs() {
        page.section("Runs");
        Map<String, Object> absent = summary.get("absent_runs") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Object coverage = summary.getOrDefault("coverage", runs.size() + " runs");
        long diverged = runs.stream().filter(r -> !r.usable()).count();
        StringBuilder p = new StringBuilder("Coverage: ").append(coverage).append(" finished and sound");
        if (absent.isEmpty()) {
            p.append("; none is absent or damaged.");
        } else {
            p.append("; absent or damaged: ").append(String.join(", ", absent.keySet()))
                    .append(". The analysis uses the sound runs only; rerun the study to redo the others.");
        }
        if (diverged > 0) {
            p.append(" ").append(diverged).append(" of the finished runs diverged and are left out of every fit.");
        }
        page.paragraph(p.toString());
        if (!absent.isEmpty()) {
            HtmlReport.Table t = new HtmlReport.Table("absent run", "why");
            absent.forEach((id, why) -> t.row(id, String.valueOf(why)));
            page.table(t);
        }
        String e = eff();
        HtmlReport.Table t = new HtmlReport.Table("run", "L", "seed", "stopped", "updates", "train loss", Notation.format("max_k ||" + label(e) + "||"));
        for (TrainedRun r : runs) {
            Map<String, Double> st = r.stats.get(e);
            t.row(r.id(), r.depth, r.seedIndex, r.reason, r.updates, r.trainLoss,
                    st == null ? null : st.get(WeightStatistics.MAX_FROBENIUS));
        }
        page.table(t);
    }

    /** The base of the reference code's grid (scaling_experiments.py get_depths). */
    static final double REFERENCE_BASE = 1.2;

    /** The rule of the depth grid, with this study's own base, range and depths, read from its settings. */
    String grid() {
        List<Integer> d = cfg.depths();
        String list = d.size() <= 14 ? d.stream().map(String::valueOf).collect(Collectors.joining(", "))
                : d.get(0) + ", " + d.get(1) + ", " + d.get(2) + ", …, " + d.get(d.size() - 1);
        return "Geometric depth grid: the distinct floor(baseⁿ) from Lmin to Lmax; this study: base " + plain(cfg.depthBase()) + ", L = "
                + cfg.depthMin() + " to " + cfg.depthMax() + ", " + d.size() + " depths (" + list + ")"
                + (cfg.depthBase() == REFERENCE_BASE ? ", the reference code's base" : "; the reference code's base is " + plain(REFERENCE_BASE));
    }

    void rules() {
        page.section("Where each rule comes from");
        page.paragraph("As docs/scaling-study.md tags them: [paper] stated in Cohen, Cont, Rossier & Xu (ICML 2021) or its Appendix A; [code] "
                + "what the authors' public code does; [derived] a short derivation from the paper; [inferred] deduced where the paper is "
                + "silent; [layerwise] a choice made here.");
        HtmlReport.Table t = new HtmlReport.Table("rule", "source");
        t.row(Notation.format("Network h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k)"), "[paper] eq. (1), [code]");
        t.row(Notation.format("Stop when the training loss < epsilon or after Tmax updates"), "[paper]");
        t.row("The loss compared with ε: the mean of the epoch's batch losses, checked at epoch ends", "[code]");
        t.row(grid(), cfg.depthBase() == REFERENCE_BASE ? "[code]" : "grid [code]; base " + plain(cfg.depthBase()) + " [layerwise]");
        t.row("Statistics of each run (max norm, root-SSQ, increments, H¹, quadratic variation, cumulative sums)", "[code]; true spectral norm [layerwise]");
        t.row(Notation.format("The effective weight |delta_k| A_k (per-layer delta)"), "[code]; that it is the effective weight [inferred]");
        t.row("OLS of ln(statistic) on ln(L) with intercept, every seed a point", "[code]");
        t.row(cfg.bootstrap() > 0 ? "Standard error; 95 % intervals by a percentile bootstrap over depths (" + cfg.bootstrap() + " resamples, a drawn "
                + "depth with all its seeds)" : "Standard error; 95 % t-intervals of the OLS slope (each run a point; --bootstrap 0)", "[layerwise]");
        t.row(Notation.format("beta = -slope of the max norm; alpha = -slope of |delta|"), "[code]");
        t.row(Notation.format("Root-SSQ ~ L^(1/2 - beta) when every layer scales as L^-beta"), "[derived]");
        t.row("Hypothesis 1 (smooth ODE-like limit) and Hypothesis 2 (diffusive SDE-like limit)", "[paper]");
        t.row("The regime rule on s_I and s_R and its tolerance", "[inferred]");
        t.row("Undetermined with fewer than " + Regime.MIN_DEPTHS + " depths or an interval wider than " + plain(Regime.MAX_INTERVAL_WIDTH)
                + "; provisional when no run reached ε; the note on runs stopped at Tmax", "[layerwise]");
        t.row("Trend/noise decomposition", "[code]; fitted β, 4 deepest depths averaged [layerwise]");
        t.row("Entry paths of the deepest run after every epoch", "[code]; streamed and thinned to a disk budget [layerwise]");
        t.row("Loss curves averaged over seeds; colour maps", "[layerwise]");
        page.table(t);
    }
}
