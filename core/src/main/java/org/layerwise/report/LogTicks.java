package org.layerwise.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the ticks of a logarithmic axis go and what they say; a pure function of the range, so it is
 * tested on its own and shared by every instrument (chart axes, heatmap axes, colour bars).
 *
 * <p>Rules, tried in order until one gives at least three ticks that fit:
 * <ol>
 *   <li>up to 3.5 decades: 1 and 3 per decade (1, 3, 10, 30, 100 ...);</li>
 *   <li>wider: powers of ten, every 1, 2, 3, 5, 10, 20, 25, 50 ... decades, the smallest step that fits;</li>
 *   <li>less than about a decade: 1, 2 and 5 per decade (0.02, 0.05, 0.1);</li>
 *   <li>inside one decade: evenly spaced round values, step 1, 2 or 5 times a power of ten
 *       (0.022, 0.024, 0.026, 0.028), the largest step that gives at least three; unless they leave
 *       more than a quarter of the axis bare at one end, where 1, 2, 3 and 5 per decade do not (3, 5, 10).</li>
 * </ol>
 * Given values (for example the trained depths) are added as labelled ticks; a round tick closer than
 * half a label slot (range / (2 maxTicks)) to one of them is dropped, and given values that close to
 * the previous labelled one lose their label (they stay as unlabelled minor ticks). Axes then check the
 * real label widths and ask again with a smaller maxTicks while labels would overlap.
 *
 * <p>Labels are exact decimal numbers, so two different ticks never read the same: plain from 0.001
 * to 99,999 ({@code 0.003}, {@code 30,000}), and with a Unicode superscript power of ten outside
 * ({@code 10⁻⁵}, {@code 3×10⁻⁵}, {@code 10¹²}).
 */
public final class LogTicks {
    private static final double EPS = 1e-9;
    private static final int[] DECADE_STEPS = {1, 2, 3, 4, 5};
    private static final String SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    private LogTicks() {
    }

    /** One labelled tick. */
    public record Tick(double value, String label) {
    }

    /** Labelled ticks in increasing order and unlabelled minor tick positions. */
    public record Ticks(List<Tick> major, double[] minor) {
        /** The labels, in order. */
        public List<String> labels() {
            return major.stream().map(Tick::label).toList();
        }
    }

    /**
     * Ticks for the axis range [lo, hi].
     *
     * @param maxTicks how many labels fit along the axis (at least 3 are always produced where the
     *                 range allows it, even if this is smaller)
     * @param given    values that get their own labelled tick where they lie in the range (may be empty)
     * @throws IllegalArgumentException unless 0 &lt; lo &lt; hi, both finite
     */
    public static Ticks ticks(double lo, double hi, int maxTicks, double... given) {
        if (!(lo > 0) || !(hi > lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("a log axis needs a range 0 < lo < hi, both finite; got [" + lo + ", " + hi + "]");
        }
        int max = Math.max(3, maxTicks);
        double decades = Math.log10(hi) - Math.log10(lo);
        List<BigDecimal> round = roundTicks(lo, hi, max, decades);
        List<Tick> major = new ArrayList<>();
        for (BigDecimal v : round) {
            major.add(new Tick(v.doubleValue(), label(v)));
        }
        TreeSet<Double> minor = new TreeSet<>(minorTicks(lo, hi, round, decades));
        if (given != null && given.length > 0) {
            major = mergeGiven(major, given, lo, hi, decades / (2.0 * max), minor);
        }
        major.forEach(t -> minor.remove(t.value()));
        return new Ticks(List.copyOf(major), minor.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Ticks labelled only at given values (for example the trained depths, so an axis over L never reads a
     * depth that was not trained): given values too close to the previous labelled one lose their label, as
     * in {@link #ticks}; the round values of {@link #ticks} become unlabelled minor ticks. Where no given
     * value lies in the range, the round ticks of {@link #ticks}.
     */
    public static Ticks givenOnly(double lo, double hi, int maxTicks, double... given) {
        Ticks all = ticks(lo, hi, maxTicks, given);
        int max = Math.max(3, maxTicks);
        double decades = Math.log10(hi) - Math.log10(lo);
        TreeSet<Double> minor = new TreeSet<>();
        for (double m : all.minor()) {
            minor.add(m);
        }
        all.major().forEach(t -> minor.add(t.value()));
        List<Tick> major = mergeGiven(List.of(), given == null ? new double[0] : given, lo, hi, decades / (2.0 * max), minor);
        if (major.isEmpty()) {
            return all;
        }
        major.forEach(t -> minor.remove(t.value()));
        return new Ticks(List.copyOf(major), minor.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static List<BigDecimal> roundTicks(double lo, double hi, int max, double decades) {
        if (decades <= 3.5) {
            List<BigDecimal> oneThree = mantissaTicks(lo, hi, new int[] {1, 3}, 1);
            if (oneThree.size() >= 3 && oneThree.size() <= max) {
                return oneThree;
            }
        }
        for (long step : decadeSteps(decades)) {
            List<BigDecimal> powers = mantissaTicks(lo, hi, new int[] {1}, step);
            if (powers.size() <= max) {
                if (powers.size() >= 3 || (decades >= 2 && powers.size() >= 2)) {
                    return powers;
                }
                break;
            }
        }
        List<BigDecimal> oneTwoFive = mantissaTicks(lo, hi, new int[] {1, 2, 5}, 1);
        if (oneTwoFive.size() >= 3 && oneTwoFive.size() <= max) {
            return oneTwoFive;
        }
        List<BigDecimal> linear = linearTicks(lo, hi);
        // evenly spaced values crowd the top of a log axis: on 2.3 to 13 (4, 6, 8, 10, 12) the lower third
        // had no label; where more than a quarter of the axis is bare at one end, 1, 2, 3, 5 (3, 5, 10) is used
        double span = Math.log10(hi / lo);
        double bare = linear.isEmpty() ? 0 : Math.max(Math.log10(linear.get(0).doubleValue() / lo), Math.log10(hi / linear.get(linear.size() - 1).doubleValue()));
        if (!linear.isEmpty() && bare > span / 4) {
            List<BigDecimal> oneTwoThreeFive = mantissaTicks(lo, hi, new int[] {1, 2, 3, 5}, 1);
            if (oneTwoThreeFive.size() >= 3 && oneTwoThreeFive.size() <= max) {
                return oneTwoThreeFive;
            }
        }
        return linear;
    }

    /** 1, 2, 3, 4, 5, 10, 20, 25, 50, 100 ... decades: enough to thin any finite double range. */
    private static List<Long> decadeSteps(double decades) {
        List<Long> steps = new ArrayList<>();
        for (int s : DECADE_STEPS) {
            steps.add((long) s);
        }
        for (long p = 10; p <= 10_000; p *= 10) {
            steps.add(p);
            steps.add(2 * p);
            steps.add(p * 5 / 2);
            steps.add(5 * p);
        }
        return steps.stream().filter(s -> s == 1 || s <= Math.max(1, decades)).toList();
    }

    /** m x 10^k for m in mantissas and k a multiple of decadeStep, inside [lo, hi]. */
    private static List<BigDecimal> mantissaTicks(double lo, double hi, int[] mantissas, long decadeStep) {
        long kLo = (long) Math.floor(Math.log10(lo)) - 1;
        long kHi = (long) Math.ceil(Math.log10(hi)) + 1;
        List<BigDecimal> out = new ArrayList<>();
        for (long k = Math.floorDiv(kLo, decadeStep) * decadeStep; k <= kHi; k += decadeStep) {
            for (int m : mantissas) {
                if (decadeStep > 1 && m != 1) {
                    continue;
                }
                BigDecimal v = BigDecimal.valueOf(m).scaleByPowerOfTen((int) k);
                if (inside(v.doubleValue(), lo, hi)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** Evenly spaced round values (step 5, 2 or 1 times a power of ten): the largest step with three ticks. */
    private static List<BigDecimal> linearTicks(double lo, double hi) {
        int e = (int) Math.floor(Math.log10(hi - lo)) + 1;
        for (int exp = e; exp > e - 20; exp--) {
            for (int q : new int[] {5, 2, 1}) {
                BigDecimal step = BigDecimal.valueOf(q).scaleByPowerOfTen(exp);
                double s = step.doubleValue();
                long first = (long) Math.ceil(lo / s - EPS);
                long last = (long) Math.floor(hi / s + EPS);
                if (last - first + 1 >= 3) {
                    List<BigDecimal> out = new ArrayList<>();
                    for (long i = first; i <= last; i++) {
                        BigDecimal v = step.multiply(BigDecimal.valueOf(i));
                        boolean distinct = out.isEmpty() || v.doubleValue() > out.get(out.size() - 1).doubleValue();
                        if (inside(v.doubleValue(), lo, hi) && distinct) {
                            out.add(v);
                        }
                    }
                    if (out.size() >= 3) {
                        return out;
                    }
                }
            }
        }
        // a range at the limit of double precision: its two ends, written out in full so they differ
        return List.of(new BigDecimal(lo).round(new MathContext(17)), new BigDecimal(hi).round(new MathContext(17)));
    }

    /** In [lo, hi], with a relative slack for rounding that never exceeds a billionth of the range itself. */
    private static boolean inside(double v, double lo, double hi) {
        double slack = EPS * Math.min(1, hi / lo - 1);
        return v >= lo * (1 - slack) && v <= hi * (1 + slack) && v > 0 && Double.isFinite(v);
    }

    /** 2..9 times each power of ten (up to 6 decades), or the skipped powers of ten of a thinned wide axis. */
    private static List<Double> minorTicks(double lo, double hi, List<BigDecimal> major, double decades) {
        List<Double> out = new ArrayList<>();
        boolean powersOnly = major.stream().allMatch(v -> v.unscaledValue().abs().toString().matches("10*"));
        if (decades > 6 && powersOnly) {
            if (decades <= 200) {
                for (BigDecimal v : mantissaTicks(lo, hi, new int[] {1}, 1)) {
                    out.add(v.doubleValue());
                }
            }
        } else if (decades >= 0.8 && decades <= 6) {
            for (BigDecimal v : mantissaTicks(lo, hi, new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1)) {
                out.add(v.doubleValue());
            }
        }
        return out;
    }

    private static List<Tick> mergeGiven(List<Tick> round, double[] given, double lo, double hi, double minGapDecades,
                                         Set<Double> minor) {
        List<Tick> givenTicks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        double[] sorted = given.clone();
        java.util.Arrays.sort(sorted);
        double lastLog = Double.NEGATIVE_INFINITY;
        for (double g : sorted) {
            if (!(g > 0) || !inside(g, lo, hi)) {
                continue;
            }
            String label = label(g);
            double log = Math.log10(g);
            if (seen.contains(label)) {
                continue;
            }
            if (log - lastLog < minGapDecades) {
                minor.add(g);
                continue;
            }
            seen.add(label);
            givenTicks.add(new Tick(g, label));
            lastLog = log;
        }
        List<Tick> out = new ArrayList<>(givenTicks);
        for (Tick t : round) {
            double log = Math.log10(t.value());
            boolean crowded = givenTicks.stream().anyMatch(g -> Math.abs(Math.log10(g.value()) - log) < minGapDecades);
            if (!crowded && !seen.contains(t.label())) {
                out.add(t);
                seen.add(t.label());
            } else if (crowded) {
                minor.add(t.value());
            }
        }
        out.sort(Comparator.comparingDouble(Tick::value));
        return out;
    }

    /**
     * The label of a positive tick value: plain decimal from 0.001 to 99,999 (thousands grouped from
     * 10,000), otherwise m×10ᵏ with a superscript exponent, the mantissa dropped when it is 1.
     */
    public static String label(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.signum() == 0) {
            return "0";
        }
        BigDecimal abs = v.abs();
        if (abs.compareTo(new BigDecimal("0.001")) >= 0 && abs.compareTo(new BigDecimal("100000")) < 0) {
            String plain = v.toPlainString();
            return abs.compareTo(new BigDecimal("10000")) >= 0 ? group(plain) : plain;
        }
        int exponent = v.precision() - v.scale() - 1;
        BigDecimal mantissa = v.scaleByPowerOfTen(-exponent).stripTrailingZeros();
        String power = "10" + superscript(exponent);
        if (mantissa.abs().compareTo(BigDecimal.ONE) == 0) {
            return (mantissa.signum() < 0 ? "−" : "") + power;
        }
        return mantissa.toPlainString().replace('-', '−') + "×" + power;
    }

    /** The label of a value given as a double, rounded to 6 significant digits (so 0.1 + 0.2 reads 0.3). */
    public static String label(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("a tick value must be finite, got " + value);
        }
        return label(new BigDecimal(value).round(new MathContext(6)));
    }

    private static String group(String plain) {
        int dot = plain.indexOf('.');
        String integer = dot < 0 ? plain : plain.substring(0, dot);
        String rest = dot < 0 ? "" : plain.substring(dot);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < integer.length(); i++) {
            if (i > 0 && (integer.length() - i) % 3 == 0 && Character.isDigit(integer.charAt(i - 1))) {
                b.append(',');
            }
            b.append(integer.charAt(i));
        }
        return b + rest;
    }

    /** An integer written with Unicode superscript digits and minus sign. */
    public static String superscript(long n) {
        StringBuilder b = new StringBuilder();
        if (n < 0) {
            b.append('⁻');
        }
        for (char c : Long.toString(Math.abs(n)).toCharArray()) {
            b.append(SUPERSCRIPT_DIGITS.charAt(c - '0'));
        }
        return b.toString();
    }
}
