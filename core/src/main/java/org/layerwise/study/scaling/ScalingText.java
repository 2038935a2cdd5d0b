package org.layerwise.study.scaling;

import java.util.Locale;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.report.HtmlReport;

/**
 * How the scaling report writes its quantities, in the markup of {@link org.layerwise.report.Notation}
 * ({@code |delta_k| A_k}, {@code L^beta}): weight sequences, entries, exponents and slopes with their
 * 95 % intervals, plain numbers.
 */
final class ScalingText {
    private ScalingText() {
    }

    /** A weight sequence in Notation markup: A_k, b_k, |delta_k|, |delta_k| A_k ... */
    static String label(String seq) {
        return switch (seq) {
            case "deltaA" -> "|delta_k| A_k";
            case "deltab" -> "|delta_k| b_k";
            case "delta" -> "|delta_k|";
            default -> seq + "_k";
        };
    }

    /** The sequence shifted by one layer in markup: A_{k-1}, |delta_{k-1}| A_{k-1}. */
    static String previous(String seq) {
        return label(seq).replace("_k", "_{k-1}");
    }

    /** "0.714 [0.709, 0.719]" for a fit's value and 95 % interval, or the value alone when it has none. */
    static String interval(double value, double lower, double upper) {
        if (!Double.isFinite(value)) {
            return "not fitted";
        }
        return Double.isFinite(lower) && Double.isFinite(upper)
                ? String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", value, lower, upper)
                : String.format(Locale.ROOT, "%.3f (no interval: fewer than 3 points)", value);
    }

    /** An exponent (minus the fitted slope) with its interval. */
    static String exponent(ScalingFit f) {
        return interval(-f.slope(), -f.upper(), -f.lower());
    }

    /** A fitted slope with its interval. */
    static String slope(ScalingFit f) {
        return interval(f.slope(), f.lower(), f.upper());
    }

    /** An exponent with its interval and which interval it is: "0.714 [0.709, 0.719] (95% bootstrap over depths)". */
    static String exponent(ScalingFit f, int seeds) {
        return kinded(exponent(f), f, seeds);
    }

    /** A fitted slope with its interval and which interval it is. */
    static String slope(ScalingFit f, int seeds) {
        return kinded(slope(f), f, seeds);
    }

    private static String kinded(String text, ScalingFit f, int seeds) {
        return Double.isFinite(f.lower()) && Double.isFinite(f.upper()) ? text + " (" + intervalKind(f.method(), seeds) + ")" : text;
    }

    /**
     * Which 95 % interval a fit carries, as the page says it next to the interval: the percentile bootstrap
     * over depths ({@link ScalingFit#fitBootstrap}), or the t-interval of the OLS slope, which counts every
     * run as a point (with several seeds per depth, seeds that agree make it too narrow).
     */
    static String intervalKind(String method, int seeds) {
        return "bootstrap".equals(method) ? "95% bootstrap over depths"
                : seeds > 1 ? "95% t-interval, seeds counted as points" : "95% t-interval";
    }

    /** A setting as written: 0.05, 1E-4 as 0.0001. */
    static String plain(double v) {
        return Double.isFinite(v) ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : "–";
    }

    /** A summary number, NaN where there is none. */
    static double orNaN(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A 95 % interval as "[lo, hi]", or "–" without one. */
    static String range(double lo, double hi) {
        return Double.isFinite(lo) && Double.isFinite(hi) ? "[" + HtmlReport.number(lo) + ", " + HtmlReport.number(hi) + "]" : "–";
    }

    /** Three significant digits: a reference level's legend reads 4.58, not 4.57973 (the line moves by under 0.1 %). */
    static double round3(double v) {
        return Double.isFinite(v) && v != 0 ? new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue() : v;
    }

    /** "A_k[0,3]" in markup for an entry name of the analysis ("A[0,3]", "deltaA[0,3]") or of the probe ("A_0_3", "b_4"). */
    static String entryLabel(String name) {
        if (name.contains("[")) {
            String seq = name.substring(0, name.indexOf('['));
            String l = label(seq);
            return (l.contains(" ") ? "(" + l + ")" : l) + name.substring(name.indexOf('['));
        }
        String[] p = name.split("_");
        if (p.length == 3) {
            return p[0] + "_k[" + p[1] + "," + p[2] + "]";
        }
        return p.length == 2 ? p[0] + "_k[" + p[1] + "]" : name;
    }
}
