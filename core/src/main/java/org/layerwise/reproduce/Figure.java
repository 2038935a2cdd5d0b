package org.layerwise.reproduce;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One measured figure of a verdict: its value with a 95% interval where one exists, or a bound (a value
 * at the edge of its grid is a bound, ≥ or ≤, never a measurement).
 *
 * @param name   what it is ("mean ln spread, ELR warm-up minus none")
 * @param value  the estimate (NaN when it could not be measured; {@link #why} then says why)
 * @param lower  the interval's lower end (NaN: no interval)
 * @param upper  the interval's upper end
 * @param bound  "=" for a measurement, "≥" or "≤" for a bound
 * @param how    how the interval was made ("Welch t over 3 vs 3 seeds", "bootstrap over seeds, 2000 resamples"), or ""
 * @param why    why the value is missing, or null
 */
public record Figure(String name, double value, double lower, double upper, String bound, String how, String why) {
    public static Figure of(String name, double value) {
        return new Figure(name, value, Double.NaN, Double.NaN, "=", "", Double.isFinite(value) ? null : "not measured");
    }

    public static Figure interval(String name, double value, double lower, double upper, String how) {
        return new Figure(name, value, lower, upper, "=", how, Double.isFinite(value) ? null : "not measured");
    }

    public static Figure bound(String name, double value, String bound, String how) {
        return new Figure(name, value, Double.NaN, Double.NaN, bound, how, null);
    }

    public static Figure missing(String name, String why) {
        return new Figure(name, Double.NaN, Double.NaN, Double.NaN, "=", "", why);
    }

    public boolean hasInterval() {
        return Double.isFinite(lower) && Double.isFinite(upper);
    }

    /** "0.714 [0.709, 0.719]", "≥ 20", or "– (why)". */
    public String text() {
        if (!Double.isFinite(value)) {
            return "– (" + (why == null ? "not measured" : why) + ")";
        }
        String v = num(value);
        if (!"=".equals(bound)) {
            return bound + " " + v;
        }
        return hasInterval() ? v + " [" + num(lower) + ", " + num(upper) + "]" : v;
    }

    /** Three significant digits, or scientific notation for very small or large values. */
    public static String num(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("value", Double.isFinite(value) ? value : null);
        m.put("lower", Double.isFinite(lower) ? lower : null);
        m.put("upper", Double.isFinite(upper) ? upper : null);
        m.put("bound", bound);
        m.put("interval", how);
        if (why != null) {
            m.put("why_missing", why);
        }
        m.put("text", text());
        return m;
    }
}
