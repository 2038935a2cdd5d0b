package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.ScalingText.exponent;
import static org.layerwise.study.scaling.ScalingText.label;
import static org.layerwise.study.scaling.ScalingText.plain;
import static org.layerwise.study.scaling.ScalingText.previous;
import static org.layerwise.study.scaling.ScalingText.range;
import static org.layerwise.study.scaling.ScalingText.slope;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.report.HtmlReport;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.report.Notation;

/**
 * The words of the scaling report: the intro (the network and the setting), the verdict (the regime
 * label or why it is undetermined, each exponent named with its sequence, the rule and its sources) and
 * the table of every fitted exponent.
 */
final class VerdictSection extends ScalingSection {
    VerdictSection(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    void intro() {
        page.intro(Notation.format("h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k)") + ", trained at each depth L of the grid; after Cohen, "
                + "Cont, Rossier & Xu, Scaling Properties of Deep Residual Networks, ICML 2021. "
                + String.format(Locale.ROOT, "Setting: %s data, σ = %s, δ %s, init %s (scale %s), d = %d, %s with learning rate %s, batch %d, "
                        + "ε = %s, Tmax = %d updates, %d seed(s) per depth.", cfg.dataset(), cfg.activation().key(), cfg.delta().key(),
                        cfg.init().key(), plain(cfg.initScale()), cfg.width(), cfg.optimizer(), plain(cfg.lr()), cfg.batchSize(),
                        plain(cfg.epsilon()), cfg.maxUpdates(), cfg.seeds()));
    }

    @SuppressWarnings("unchecked")
    void verdict() {
        page.section("Verdict");
        Map<String, Object> rg = summary.get("regime") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        String label = regime != null ? regime.label() : String.valueOf(rg.getOrDefault("label", Regime.UNDETERMINED));
        String reason = regime != null ? regime.reason() : (String) rg.get("reason");
        String headline = "Regime: " + label + (reason != null ? " (" + reason + ")" : "");
        List<String> bullets = new ArrayList<>();
        String e = eff();
        ScalingFit maxNorm = fitOf(e, WeightStatistics.MAX_FROBENIUS);
        if (regime != null && maxNorm != null) {
            bullets.add(Notation.format("The rule reads the " + (e.equals("deltaA") ? "effective weights " : "weights ") + label(e) + ":"));
            bullets.add(Notation.format("beta = " + exponent(maxNorm) + ", the exponent of max_k ||" + label(e) + "|| ~ L^-beta"));
            ScalingFit inc = regime.increment().shifted(regime.beta());
            bullets.add(Notation.format("s_I = " + slope(inc) + ", the slope of L^beta max_k ||" + label(e) + " - " + previous(e)
                    + "|| against L (H1: below 0; H2: 0)"));
            bullets.add(Notation.format("s_R = " + slope(regime.rootSsq()) + ", the slope of root-SSQ sqrt(sum_k ||" + label(e)
                    + "||^2) against L (H1: 1/2 - beta = " + String.format(Locale.ROOT, "%.3f", 0.5 - regime.beta()) + "; H2: 0)"));
            if (reason == null && !regime.evidence().isEmpty()) {
                bullets.add(Notation.format(regime.evidence().get(regime.evidence().size() - 1)));
            }
        }
        List<String> others = new ArrayList<>();
        for (String seq : List.of("A", "b", "deltaA")) {
            ScalingFit f = fitOf(seq, WeightStatistics.MAX_FROBENIUS);
            if (f != null && !(regime != null && seq.equals(e))) {
                others.add("beta of max_k ||" + label(seq) + "|| = " + exponent(f));
            }
        }
        if (alpha != null && Double.isFinite(alpha.slope())) {
            others.add("alpha of the shared |delta| (|delta| ~ L^-alpha) = " + exponent(alpha));
        }
        if (!others.isEmpty()) {
            bullets.add(Notation.format("Other exponents: " + String.join("; ", others) + "."));
        }
        Object note = summary.get("note");
        if (note != null) {
            bullets.add("Note: " + Notation.format(String.valueOf(note)));
        }
        page.verdict(headline, bullets);
        page.note(Source.INFERRED, Notation.format(String.format(Locale.ROOT, "The rule: smooth ODE-like if the 95%% interval of s_I lies below 0 "
                + "and s_R is consistent with 1/2 - beta; diffusive SDE-like if beta, s_I and s_R are consistent with 1/2, 0 and 0; "
                + "otherwise neither. Consistent means the 95%% interval overlaps the target +- %s. The paper's own thresholds are not "
                + "public; the hypotheses themselves are the paper's Hypotheses 1 and 2 [paper].", plain(cfg.regimeTolerance()))));
        page.note(Source.LAYERWISE, String.format(Locale.ROOT, "Undetermined when fewer than %d distinct depths trained without diverging, or "
                + "when the 95%% interval of β, s_I or s_R is wider than %s. Intervals are %s over the runs (each seed a point).",
                Regime.MIN_DEPTHS, plain(Regime.MAX_INTERVAL_WIDTH),
                cfg.bootstrap() > 0 ? "percentile bootstrap over depths (" + cfg.bootstrap() + " resamples)" : "t-intervals of the OLS slope"));
    }

    void exponentTable() {
        page.section("Every fitted exponent");
        HtmlReport.Table t = new HtmlReport.Table("sequence", "statistic", "slope", "std. error", "95% interval", "R²", "runs");
        fits.forEach((seq, m) -> m.forEach((st, f) -> t.row(Notation.format(label(seq)),
                Notation.format(WeightStatistics.DESCRIPTIONS.getOrDefault(st, st).replace("||_F", "||")), f.slope(), f.stdError(), range(f.lower(), f.upper()),
                f.rSquared(), f.points())));
        if (alpha != null && Double.isFinite(alpha.slope())) {
            t.row("|δ| (shared)", "value", alpha.slope(), alpha.stdError(), range(alpha.lower(), alpha.upper()), alpha.rSquared(), alpha.points());
        }
        if (t.size() == 0) {
            page.paragraph("No exponent could be fitted: no run finished without diverging.");
            return;
        }
        page.table(t);
        page.note(Source.LAYERWISE, "‖·‖ is the Frobenius norm, except where the row says spectral.");
        code("Slopes of ln(statistic) on ln(L) by OLS with intercept over every finished, non-diverged run [code]; beta = -slope of "
                + "the max norm, alpha = -slope of |delta| [code]. The increment row is the raw max increment; the rule adds beta. The "
                + "detrended cumulative sum is fitted on L >= 200 when 3 such depths exist [code], else on all depths [layerwise].");
    }
}
