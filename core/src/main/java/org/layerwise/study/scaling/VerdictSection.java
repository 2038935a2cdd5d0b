package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.ScalingText.exponent;
import static org.layerwise.study.scaling.ScalingText.intervalKind;
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
import org.layerwise.study.StudyPage;

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
        String headline = StudyPage.presetPrefix(in.folder()) + "Regime: " + label + (reason != null ? " (" + reason + ")" : "");
        if (summary.get("provisional") instanceof String why) {
            headline += "; provisional: " + Notation.format(why);
        }
        List<String> bullets = new ArrayList<>();
        String e = eff();
        ScalingFit maxNorm = fitOf(e, WeightStatistics.MAX_FROBENIUS);
        if (regime != null && maxNorm != null) {
            bullets.add(Notation.format("The rule reads the " + (e.equals("deltaA") ? "effective weights " : "weights ") + label(e) + ":"));
            bullets.add(Notation.format("beta = " + exponent(maxNorm, cfg.seeds()) + ", the exponent of max_k ||" + label(e) + "|| ~ L^-beta"));
            ScalingFit inc = regime.increment().shifted(regime.beta());
            bullets.add(Notation.format("s_I = " + slope(inc, cfg.seeds()) + ", the slope of L^beta max_k ||" + label(e) + " - " + previous(e)
                    + "|| against L (H1: below 0; H2: 0)"));
            bullets.add(Notation.format("s_R = " + slope(regime.rootSsq(), cfg.seeds()) + ", the slope of root-SSQ sqrt(sum_k ||" + label(e)
                    + "||^2) against L (H1: 1/2 - beta = " + String.format(Locale.ROOT, "%.3f", 0.5 - regime.beta()) + "; H2: 0)"));
            if (reason == null && !regime.evidence().isEmpty()) {
                bullets.add(Notation.format(regime.evidence().get(regime.evidence().size() - 1)));
            }
        }
        List<String> others = new ArrayList<>();
        for (String seq : List.of("A", "b", "deltaA")) {
            ScalingFit f = fitOf(seq, WeightStatistics.MAX_FROBENIUS);
            if (f != null && !(regime != null && seq.equals(e))) {
                others.add("beta of max_k ||" + label(seq) + "|| = " + exponent(f, cfg.seeds()));
            }
        }
        if (alpha != null && Double.isFinite(alpha.slope())) {
            others.add("alpha of the shared |delta| (|delta| ~ L^-alpha) = " + exponent(alpha, cfg.seeds()));
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
                + "when the 95%% interval of β, s_I or s_R is wider than %s. %s", Regime.MIN_DEPTHS, plain(Regime.MAX_INTERVAL_WIDTH), intervals()));
    }

    /** What the page's 95 % intervals are, as the verdict's note says it. */
    private String intervals() {
        return cfg.bootstrap() > 0
                ? String.format(Locale.ROOT, "Every 95%% interval is a percentile bootstrap over depths (%d resamples; a drawn depth brings all its "
                        + "seeds, so seeds that agree are not counted as independent depths), except a fit over fewer than 3 depths, which keeps "
                        + "its t-interval.", cfg.bootstrap())
                : "Every 95% interval is the t-interval of the OLS slope, which counts each run as a point: with several seeds per depth that "
                        + "agree, it is too narrow (--bootstrap N resamples depths instead).";
    }

    void exponentTable() {
        page.section("Every fitted exponent");
        List<String[]> names = new ArrayList<>();
        List<ScalingFit> rows = new ArrayList<>();
        fits.forEach((seq, m) -> m.forEach((st, f) -> {
            names.add(new String[] {Notation.format(label(seq)), Notation.format(WeightStatistics.DESCRIPTIONS.getOrDefault(st, st).replace("||_F", "||"))});
            rows.add(f);
        }));
        if (alpha != null && Double.isFinite(alpha.slope())) {
            names.add(new String[] {"|δ| (shared)", "value"});
            rows.add(alpha);
        }
        // one kind of interval for the whole table is named in its header; a mix gets a column of its own
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        rows.stream().filter(f -> Double.isFinite(f.lower())).forEach(f -> kinds.add(intervalKind(f.method(), cfg.seeds())));
        boolean mixed = kinds.size() > 1;
        String header = kinds.size() == 1 ? kinds.iterator().next().replaceFirst("^95% ", "95% interval: ") : "95% interval";
        HtmlReport.Table t = mixed ? new HtmlReport.Table("sequence", "statistic", "slope", "std. error", "95% interval", "interval", "R²", "runs")
                : new HtmlReport.Table("sequence", "statistic", "slope", "std. error", header, "R²", "runs");
        for (int i = 0; i < rows.size(); i++) {
            ScalingFit f = rows.get(i);
            String kind = Double.isFinite(f.lower()) ? intervalKind(f.method(), cfg.seeds()) : "–";
            if (mixed) {
                t.row(names.get(i)[0], names.get(i)[1], f.slope(), f.stdError(), range(f.lower(), f.upper()), kind, f.rSquared(), f.points());
            } else {
                t.row(names.get(i)[0], names.get(i)[1], f.slope(), f.stdError(), range(f.lower(), f.upper()), f.rSquared(), f.points());
            }
        }
        if (t.size() == 0) {
            page.paragraph("No exponent could be fitted: no run finished without diverging.");
            return;
        }
        page.table(t);
        page.note(Source.LAYERWISE, "‖·‖ is the Frobenius norm, except where the row says spectral. " + intervals());
        code("Slopes of ln(statistic) on ln(L) by OLS with intercept over every finished, non-diverged run [code]; beta = -slope of "
                + "the max norm, alpha = -slope of |delta| [code]. The increment row is the raw max increment; the rule adds beta. The "
                + "detrended cumulative sum is fitted on L >= 200 when 3 such depths exist [code], else on all depths [layerwise].");
    }
}
