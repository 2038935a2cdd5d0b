package org.layerwise.config;

import java.math.BigDecimal;

/**
 * The numbers a setting accepts: a lower and an upper bound, each inclusive or exclusive, or absent
 * (infinite). {@link #describe} writes it the way a person would: "≥ 0", "from 1 to 4096", "in (0, 1)".
 *
 * <p>{@code Double.MAX_VALUE} as a bound reads as "no bound" in the description (it is what "any
 * non-negative number" was written as before exclusive bounds existed); the integer kinds of
 * {@link ConfigSpec} likewise leave out bounds equal to the limits of {@code int} and {@code long}.
 */
public record Range(double lower, boolean lowerInclusive, double upper, boolean upperInclusive) {
    /** Every finite number. */
    public static final Range ANY = new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

    public Range {
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException("empty range [" + lower + ", " + upper + "]");
        }
    }

    /** {@code lower ≤ x ≤ upper}. */
    public static Range closed(double lower, double upper) {
        return new Range(lower, true, upper, true);
    }

    /** {@code lower < x < upper}. */
    public static Range open(double lower, double upper) {
        return new Range(lower, false, upper, false);
    }

    /** {@code lower ≤ x < upper}. */
    public static Range closedOpen(double lower, double upper) {
        return new Range(lower, true, upper, false);
    }

    /** {@code lower < x ≤ upper}. */
    public static Range openClosed(double lower, double upper) {
        return new Range(lower, false, upper, true);
    }

    /** {@code x ≥ lower}. */
    public static Range atLeast(double lower) {
        return new Range(lower, true, Double.POSITIVE_INFINITY, false);
    }

    /** {@code x > lower}. */
    public static Range greaterThan(double lower) {
        return new Range(lower, false, Double.POSITIVE_INFINITY, false);
    }

    /** {@code x ≤ upper}. */
    public static Range atMost(double upper) {
        return new Range(Double.NEGATIVE_INFINITY, false, upper, true);
    }

    /** {@code x < upper}. */
    public static Range lessThan(double upper) {
        return new Range(Double.NEGATIVE_INFINITY, false, upper, false);
    }

    /** Whether {@code x} lies in the range (NaN never does). */
    public boolean contains(double x) {
        return (lowerInclusive ? x >= lower : x > lower) && (upperInclusive ? x <= upper : x < upper);
    }

    /** Exact test for integers and decimals too long for a double. */
    public boolean contains(BigDecimal x) {
        boolean aboveLower = Double.isInfinite(lower) || cmp(x, lower) > 0 || lowerInclusive && cmp(x, lower) == 0;
        boolean belowUpper = Double.isInfinite(upper) || cmp(x, upper) < 0 || upperInclusive && cmp(x, upper) == 0;
        return aboveLower && belowUpper;
    }

    private static int cmp(BigDecimal x, double bound) {
        return x.compareTo(new BigDecimal(bound));
    }

    /**
     * The range in words after a noun: {@code describe("a number")} gives "a number ≥ 0", "a number from
     * 0 to 10", "a number in (0, 1)", "a number in [0, 1)", "a number > 0"; {@code describe("an integer")}
     * gives "an integer from 1 to 4096". Bounds equal to {@code noBoundAbove} / {@code noBoundBelow}
     * count as absent.
     */
    public String describe(String noun, double noBoundBelow, double noBoundAbove) {
        boolean lo = !Double.isInfinite(lower) && lower != noBoundBelow;
        boolean hi = !Double.isInfinite(upper) && upper != noBoundAbove;
        if (lo && hi) {
            if (lowerInclusive && upperInclusive) {
                return noun + " from " + format(lower) + " to " + format(upper);
            }
            return noun + " in " + (lowerInclusive ? "[" : "(") + format(lower) + ", " + format(upper) + (upperInclusive ? "]" : ")");
        }
        if (lo) {
            return noun + (lowerInclusive ? " \u2265 " : " > ") + format(lower);
        }
        if (hi) {
            return noun + (upperInclusive ? " \u2264 " : " < ") + format(upper);
        }
        return noun;
    }

    /** {@link #describe(String, double, double)} with {@code ±Double.MAX_VALUE} meaning no bound. */
    public String describe(String noun) {
        return describe(noun, -Double.MAX_VALUE, Double.MAX_VALUE);
    }

    /** A bound as a person writes it: 0, 4096, 0.999999, 1.0000001, 1e-9, 1e+20. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        BigDecimal b = BigDecimal.valueOf(v).stripTrailingZeros();
        double a = Math.abs(v);
        return a >= 1e-6 && a < 1e15 ? b.toPlainString() : b.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
