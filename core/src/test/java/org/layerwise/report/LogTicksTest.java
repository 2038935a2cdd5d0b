package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogTicksTest {
    /** The properties every tick set must have, whatever the range. */
    private static void assertSound(double lo, double hi, int max, LogTicks.Ticks t) {
        String where = "[" + lo + ", " + hi + "] max " + max + ": " + t.labels();
        List<LogTicks.Tick> major = t.major();
        assertTrue(major.size() >= 3 || Math.log10(hi / lo) >= 2, "at least 3 ticks unless a wide range was thinned " + where);
        assertTrue(major.size() >= 2, "at least 2 ticks " + where);
        assertEquals(major.size(), new HashSet<>(t.labels()).size(), "labels repeat " + where);
        for (int i = 0; i < major.size(); i++) {
            double v = major.get(i).value();
            assertTrue(v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9), "tick " + v + " outside " + where);
            assertFalse(major.get(i).label().isBlank(), "blank label " + where);
            if (i > 0) {
                assertTrue(v > major.get(i - 1).value(), "ticks not increasing " + where);
            }
            assertEquals(v, parse(major.get(i).label()).doubleValue(), Math.abs(v) * 1e-12,
                    "label " + major.get(i).label() + " does not read " + v);
        }
        assertTrue(round(t.labels()), "ticks are not round " + where);
        for (double m : t.minor()) {
            assertTrue(m >= lo * (1 - 1e-9) && m <= hi * (1 + 1e-9), "minor tick outside " + where);
        }
    }

    /**
     * Round: either every value is 1, 2, 3 or 5 times a power of ten (a decade ladder), or the values
     * are evenly spaced multiples of a step that is 1, 2 or 5 times a power of ten.
     */
    private static boolean round(List<String> labels) {
        List<BigDecimal> v = labels.stream().map(LogTicksTest::parse).toList();
        boolean ladder = v.stream().allMatch(x -> x.precision() == 1 && "1235".indexOf(x.unscaledValue().toString().charAt(0)) >= 0);
        if (ladder) {
            return true;
        }
        BigDecimal step = v.get(1).subtract(v.get(0)).stripTrailingZeros();
        if (step.precision() != 1 || "125".indexOf(step.unscaledValue().toString().charAt(0)) < 0) {
            return false;
        }
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).remainder(step).signum() != 0 || (i > 0 && v.get(i).subtract(v.get(i - 1)).compareTo(step) != 0)) {
                return false;
            }
        }
        return true;
    }

    /** Reads a label back exactly: "0.025", "30,000", "10⁻⁵", "3×10⁻⁵", "2.5×10⁷". */
    static BigDecimal parse(String label) {
        String s = label.replace(",", "").replace('−', '-');
        int times = s.indexOf('×');
        BigDecimal mantissa = BigDecimal.ONE;
        if (times >= 0) {
            mantissa = new BigDecimal(s.substring(0, times));
            s = s.substring(times + 1);
        }
        if (!s.startsWith("10") || s.length() == 2 || Character.isDigit(s.charAt(2)) || s.charAt(2) == '.') {
            return mantissa.multiply(new BigDecimal(s)).stripTrailingZeros();
        }
        StringBuilder exp = new StringBuilder();
        for (char c : s.substring(2).toCharArray()) {
            exp.append(c == '⁻' ? '-' : (char) ('0' + "⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(c)));
        }
        return mantissa.scaleByPowerOfTen(Integer.parseInt(exp.toString())).stripTrailingZeros();
    }

    @Test
    void soundOverManyRanges() {
        Random rnd = new Random(1);
        for (int i = 0; i < 3000; i++) {
            double a = Math.pow(10, -300 + 600 * rnd.nextDouble());
            // widths from a millionth of a decade to hundreds of decades
            double decades = Math.pow(10, -6 + 8.7 * rnd.nextDouble());
            double b = a * Math.pow(10, decades);
            if (!Double.isFinite(b)) {
                continue;
            }
            int max = 3 + rnd.nextInt(14);
            assertSound(a, b, max, LogTicks.ticks(a, b, max));
        }
    }

    @Test
    void oneAndThreePerDecadeUpToThreeDecades() {
        assertEquals(List.of("1", "3", "10", "30", "100", "300", "1000"), LogTicks.ticks(1, 1000, 12).labels());
        assertEquals(List.of("0.001", "0.003", "0.01", "0.03", "0.1"), LogTicks.ticks(8e-4, 0.12, 12).labels());
        assertEquals(List.of("10⁵", "3×10⁵", "10⁶", "3×10⁶", "10⁷"), LogTicks.ticks(1e5, 1e7, 12).labels());
    }

    @Test
    void powersOfTenWhenWideOrCrowded() {
        assertEquals(List.of("1", "10", "100", "1000"), LogTicks.ticks(1, 1000, 5).labels());
        assertEquals(List.of("10⁻⁶", "10⁻⁵", "10⁻⁴", "0.001", "0.01"), LogTicks.ticks(1e-6, 1e-2, 12).labels());
    }

    @Test
    void twelveDecadesDownToTenToTheMinusTwelve() {
        assertEquals(List.of("10⁻¹²", "10⁻¹¹", "10⁻¹⁰", "10⁻⁹", "10⁻⁸", "10⁻⁷", "10⁻⁶", "10⁻⁵", "10⁻⁴", "0.001", "0.01", "0.1", "1"),
                LogTicks.ticks(1e-12, 1, 15).labels());
        List<String> thinned = LogTicks.ticks(1e-12, 1, 8).labels();
        assertEquals(List.of("10⁻¹²", "10⁻¹⁰", "10⁻⁸", "10⁻⁶", "10⁻⁴", "0.01", "1"), thinned);
        assertEquals(13 - thinned.size(), LogTicks.ticks(1e-12, 1, 8).minor().length, "the skipped powers stay as minor ticks");
    }

    @Test
    void hugeRangesAreThinnedToAlignedPowers() {
        LogTicks.Ticks t = LogTicks.ticks(1e-300, 1e300, 12);
        assertEquals(List.of("10⁻³⁰⁰", "10⁻²⁰⁰", "10⁻¹⁰⁰", "1", "10¹⁰⁰", "10²⁰⁰", "10³⁰⁰"), t.labels());
        assertSound(Double.MIN_VALUE, Double.MAX_VALUE, 6, LogTicks.ticks(Double.MIN_VALUE, Double.MAX_VALUE, 6));
    }

    @Test
    void insideOneDecadeThreeOrMoreDistinctRoundTicks() {
        assertEquals(List.of("0.022", "0.024", "0.026", "0.028"), LogTicks.ticks(0.021, 0.029, 12).labels());
        assertEquals(List.of("6.3×10⁻⁴", "6.35×10⁻⁴", "6.4×10⁻⁴"), LogTicks.ticks(6.3e-4, 6.4e-4, 12).labels());
        assertEquals(List.of("5", "10", "20"), LogTicks.ticks(4, 25, 12).labels());
        assertEquals(List.of("2", "4", "6", "8"), LogTicks.ticks(2, 9, 12).labels());
        // 4, 6, 8, 10, 12 left the lower third of this axis (a weight norm of 2.4 to 2.6 beside others up to 12) unlabelled
        assertEquals(List.of("3", "5", "10"), LogTicks.ticks(2.3, 13, 12).labels());
        // the ranges that showed "6.3E-4" twice and "0.03 0.03 0.02 0.02" before
        assertSound(6.25e-4, 6.45e-4, 12, LogTicks.ticks(6.25e-4, 6.45e-4, 12));
        assertSound(0.0195, 0.0305, 12, LogTicks.ticks(0.0195, 0.0305, 12));
        assertSound(1, 1 + 1e-6, 12, LogTicks.ticks(1, 1 + 1e-6, 12));
        LogTicks.Ticks tiny = LogTicks.ticks(1, Math.nextUp(1.0), 12);
        assertEquals(List.of(1.0, Math.nextUp(1.0)), tiny.major().stream().map(LogTicks.Tick::value).toList(),
                "a range at the limit of precision shows its ends");
        assertEquals(2, new java.util.HashSet<>(tiny.labels()).size(), "two adjacent doubles still read differently: " + tiny.labels());
    }

    @Test
    void givenValuesGetLabelsAndCrowdOutRoundTicks() {
        double[] depths = {3, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
        LogTicks.Ticks t = LogTicks.ticks(2.5, 2500, 12, depths);
        assertEquals(List.of("3", "5", "10", "20", "30", "50", "100", "200", "300", "500", "1000", "2000"), t.labels(),
                "every depth, and the round ticks not too close to one");
        LogTicks.Ticks crowded = LogTicks.ticks(2.5, 2500, 4, depths);
        assertTrue(crowded.labels().size() < depths.length, "crowded given values lose labels: " + crowded.labels());
        assertTrue(crowded.labels().contains("3"));
        for (double d : depths) {
            boolean labelled = crowded.labels().contains(LogTicks.label(d));
            assertTrue(labelled || Arrays.stream(crowded.minor()).anyMatch(m -> m == d), d + " neither labelled nor a minor tick");
        }
        assertSound(2.5, 2500, 4, crowded);
        assertEquals(List.of("1", "3", "10", "30", "100"), LogTicks.ticks(1, 100, 12, 0, -5, 1e9, Double.NaN).labels(),
                "given values outside the range or not positive are ignored");
    }

    @Test
    void labelsArePlainFromAThousandthTo99999AndPowersOfTenOutside() {
        assertEquals("0.001", LogTicks.label(new BigDecimal("0.001")));
        assertEquals("10⁻⁴", LogTicks.label(new BigDecimal("0.0001")));
        assertEquals("3×10⁻⁵", LogTicks.label(new BigDecimal("3E-5")));
        assertEquals("2.5×10⁷", LogTicks.label(new BigDecimal("2.5E7")));
        assertEquals("99,999", LogTicks.label(new BigDecimal("99999")));
        assertEquals("10,000", LogTicks.label(new BigDecimal("1E4")));
        assertEquals("1000", LogTicks.label(new BigDecimal("1000")));
        assertEquals("10⁵", LogTicks.label(new BigDecimal("100000")));
        assertEquals("10¹²", LogTicks.label(new BigDecimal("1E12")));
        assertEquals("0.3", LogTicks.label(0.1 + 0.2));
        assertEquals("⁻¹²³⁴⁵⁶⁷⁸⁹⁰", LogTicks.superscript(-1234567890));
    }

    @Test
    void badRangesAreRefusedWithTheRangeInTheMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogTicks.ticks(0, 10, 5));
        assertTrue(e.getMessage().contains("[0.0, 10.0]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogTicks.ticks(10, 1, 5));
        assertThrows(IllegalArgumentException.class, () -> LogTicks.ticks(1, Double.POSITIVE_INFINITY, 5));
        assertThrows(IllegalArgumentException.class, () -> LogTicks.ticks(Double.NaN, 1, 5));
    }
}
