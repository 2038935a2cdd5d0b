package org.layerwise.study.convscaling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.study.convscaling.ConvScalingFits.Network;
import org.layerwise.study.convscaling.ConvScalingFits.RunStats;
import org.layerwise.study.convscaling.ConvScalingFits.SequenceFits;

/**
 * The conv scaling fits as the map that goes into summary.json. No NaN reaches it: a number that
 * could not be computed is null with a {@code reason} beside it (style.md, SummaryValues).
 *
 * <p>Keys: {@code beta_A}, {@code alpha_Delta} (value, std_error, lower, upper, points, interval and
 * {@code legend}, the value rounded to 1 decimal with -0.0 shown as 0.0, as the reference's
 * custom_round labels its figures); {@code fits.A}, {@code fits.Delta} (max_norm, root_ssq,
 * increment, rescaled_increment: slope, intercept, std_error, lower, upper, r_squared, points,
 * interval, and {@code legend} = custom_round(-slope) for the two the reference's hypothesis plots
 * label); {@code regime_A}, {@code regime_Delta}; {@code per_depth} (means over seeds and the per-seed
 * values); {@code seeds} and {@code increment_exponent}, which say how those were done.
 */
final class ConvScalingSummary {
    private ConvScalingSummary() {
    }

    static Map<String, Object> of(List<Network> networks, SequenceFits a, SequenceFits d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("beta_A", exponent(a));
        m.put("alpha_Delta", exponent(d));
        Map<String, Object> fits = new LinkedHashMap<>();
        fits.put(ConvScalingFits.A, fits(a));
        fits.put(ConvScalingFits.DELTA, fits(d));
        m.put("fits", fits);
        m.put("regime_A", regime(a));
        m.put("regime_Delta", regime(d));
        m.put("per_depth", perDepth(networks, a, d));
        m.put("seeds", "every network is one point of the fits (seeds are not averaged first); bootstrap intervals resample depths,"
                + " each with all its seeds; per_depth shows the mean over seeds");
        m.put("increment_exponent", "rescaled increment = L^e max_k sigma_max(W_{k+1} - W_k), e the fitted exponent of the same"
                + " sequence (beta_A, alpha_Delta); the reference's choice was not found");
        return m;
    }

    private static Map<String, Object> exponent(SequenceFits s) {
        ScalingFit f = s.maxNorm();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", num(-f.slope()));
        m.put("std_error", num(f.stdError()));
        m.put("lower", num(-f.upper()));
        m.put("upper", num(-f.lower()));
        m.put("points", f.points());
        m.put("interval", f.method());
        m.put("legend", Double.isFinite(f.slope()) ? customRound(-f.slope()) : null);
        String why = reason(f);
        if (why != null) {
            m.put("reason", why);
        }
        return m;
    }

    private static Map<String, Object> fits(SequenceFits s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_norm", fit(s.maxNorm(), false));
        m.put("root_ssq", fit(s.rootSsq(), true));
        m.put("increment", fit(s.increment(), false));
        m.put("rescaled_increment", fit(s.rescaledIncrement(), true));
        return m;
    }

    private static Map<String, Object> fit(ScalingFit f, boolean legend) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slope", num(f.slope()));
        m.put("intercept", num(f.intercept()));
        m.put("std_error", num(f.stdError()));
        m.put("lower", num(f.lower()));
        m.put("upper", num(f.upper()));
        m.put("r_squared", num(f.rSquared()));
        m.put("points", f.points());
        m.put("interval", f.method());
        if (legend) {
            m.put("legend", Double.isFinite(f.slope()) ? customRound(-f.slope()) : null);
        }
        String why = reason(f);
        if (why != null) {
            m.put("reason", why);
        }
        return m;
    }

    private static Map<String, Object> regime(SequenceFits s) {
        Regime r = s.regime();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", r.label());
        m.put("reason", r.reason());
        m.put("sequence", s.sequence().equals(ConvScalingFits.A) ? "A_k = conv1 kernels, sigma_max" : "Delta_k = conv2 kernels, sigma_max");
        m.put("exponent", s.exponentName());
        m.put("beta", num(r.beta()));
        m.put("s_I", fit(s.rescaledIncrement(), false));
        m.put("s_R", fit(s.rootSsq(), false));
        m.put("tolerance", r.tolerance());
        m.put("evidence", r.evidence());
        m.put("rule", "[INFERRED] from Hypotheses 1/2 of the paper (analysis.Regime); beta is this sequence's exponent");
        return m;
    }

    private static List<Map<String, Object>> perDepth(List<Network> networks, SequenceFits a, SequenceFits d) {
        var byA = ConvScalingFits.byDepth(a.runs());
        var byD = ConvScalingFits.byDepth(d.runs());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (var e : byA.entrySet()) {
            int depth = e.getKey();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("depth", depth);
            row.put("runs", e.getValue().size());
            row.put("seed_index", e.getValue().stream().map(RunStats::seedIndex).toList());
            put(row, "A", e.getValue(), a);
            put(row, "Delta", byD.get(depth), d);
            List<Double> sc = new ArrayList<>();
            for (Network n : networks) {
                if (n.depth() == depth) {
                    double mx = 0;
                    for (double v : n.spectra().shortcut()) {
                        mx = Math.max(mx, v);
                    }
                    sc.add(n.spectra().shortcut().length == 0 ? null : mx);
                }
            }
            row.put("SC_max_norm", mean(sc));
            row.put("SC_max_norm_runs", sc);
            rows.add(row);
        }
        return rows;
    }

    private static void put(Map<String, Object> row, String p, List<RunStats> runs, SequenceFits s) {
        List<Double> max = runs.stream().map(r -> num(r.maxNorm())).toList();
        List<Double> ssq = runs.stream().map(r -> num(r.rootSsq())).toList();
        List<Double> inc = runs.stream().map(r -> num(r.maxIncrement())).toList();
        List<Double> res = runs.stream().map(r -> num(s.rescaled(r))).toList();
        row.put(p + "_max_norm", mean(max));
        row.put(p + "_max_norm_runs", max);
        row.put(p + "_root_ssq", mean(ssq));
        row.put(p + "_root_ssq_runs", ssq);
        row.put(p + "_increment", mean(inc));
        row.put(p + "_increment_runs", inc);
        row.put(p + "_rescaled_increment", mean(res));
        row.put(p + "_rescaled_increment_runs", res);
        if (inc.stream().anyMatch(x -> x == null)) {
            row.put(p + "_increment_reason", "no pair of equal kernel shape to difference, or no fitted exponent");
        }
    }

    /** Mean of the non-null values; null when there is none. */
    private static Double mean(List<Double> v) {
        double s = 0;
        int n = 0;
        for (Double x : v) {
            if (x != null) {
                s += x;
                n++;
            }
        }
        return n == 0 ? null : s / n;
    }

    private static Double num(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String reason(ScalingFit f) {
        if (!Double.isFinite(f.slope())) {
            return "fewer than 2 networks with a positive value: no fit";
        }
        if (!Double.isFinite(f.stdError())) {
            return "fewer than 3 points: slope without a standard error or interval";
        }
        return null;
    }

    /** The reference's custom_round (utils.py:14-19): 1 decimal, -0.0 shown as 0.0. */
    static double customRound(double x) {
        double r = Math.rint(x * 10) / 10.0; // np.round: half to even
        return r == 0 ? 0.0 : r;
    }
}
