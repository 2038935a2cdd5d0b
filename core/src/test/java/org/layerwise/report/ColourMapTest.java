package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColourMapTest {
    /** matplotlib's _viridis_data rows (floats in [0, 1]) at index i, as 8-bit sRGB. */
    private static int rgb(double r, double g, double b) {
        return (int) Math.round(r * 255) << 16 | (int) Math.round(g * 255) << 8 | (int) Math.round(b * 255);
    }

    private static void assertClose(int expected, int actual, String what) {
        for (int shift : new int[] {16, 8, 0}) {
            assertTrue(Math.abs((expected >> shift & 0xff) - (actual >> shift & 0xff)) <= 1,
                    String.format("%s: expected #%06x, got #%06x", what, expected, actual));
        }
    }

    @Test
    void tableEntriesMatchMatplotlibViridis() {
        assertEquals(0x440154, ColourMap.rgb(0));
        assertEquals(0xfde725, ColourMap.rgb(1));
        assertClose(rgb(0.229739, 0.322361, 0.545706), ColourMap.rgb(64 / 255.0), "entry 64");
        assertClose(rgb(0.127568, 0.566949, 0.550556), ColourMap.rgb(128 / 255.0), "entry 128");
        assertClose(rgb(0.360741, 0.785964, 0.387814), ColourMap.rgb(191 / 255.0), "entry 191");
        assertClose(rgb(0.274952, 0.037752, 0.364543), ColourMap.rgb(6 / 255.0), "entry 6");
    }

    @Test
    void betweenEntriesInterpolatesAndOutsideClamps() {
        int a = ColourMap.rgb(10 / 255.0);
        int b = ColourMap.rgb(11 / 255.0);
        int mid = ColourMap.rgb(10.5 / 255.0);
        for (int shift : new int[] {16, 8, 0}) {
            int lo = Math.min(a >> shift & 0xff, b >> shift & 0xff);
            int hi = Math.max(a >> shift & 0xff, b >> shift & 0xff);
            assertTrue((mid >> shift & 0xff) >= lo && (mid >> shift & 0xff) <= hi);
        }
        assertEquals(ColourMap.rgb(0), ColourMap.rgb(-3));
        assertEquals(ColourMap.rgb(1), ColourMap.rgb(7));
        assertEquals(ColourMap.MISSING.getRGB() & 0xffffff, ColourMap.rgb(Double.NaN));
    }

    /**
     * Viridis is built so that perceived lightness (CIE L*) rises evenly; checked entry by entry, so a
     * mistyped or swapped entry shows (8-bit rounding alone dips by at most 0.03).
     */
    @Test
    void lightnessRisesEntryByEntry() {
        double previous = -1;
        for (int i = 0; i <= 255; i++) {
            int c = ColourMap.rgb(i / 255.0);
            double y = 0.2126 * lin(c >> 16 & 0xff) + 0.7152 * lin(c >> 8 & 0xff) + 0.0722 * lin(c & 0xff);
            double lightness = y > 216 / 24389.0 ? 116 * Math.cbrt(y) - 16 : 24389 / 27.0 * y;
            assertTrue(lightness > previous - 0.1, "lightness falls at entry " + i);
            previous = lightness;
        }
    }

    /**
     * The diverging map is ColorBrewer's RdBu reversed: blue at 0, its near-white at 0.5 (the colour of a
     * value 0 on a range symmetric about 0), red at 1; lightness rises to the middle and falls after it,
     * and values of equal magnitude and opposite sign are equally light (within 6 L* units, as RdBu).
     */
    @Test
    void divergingMapIsBlueWhiteRedAndSymmetricInLightness() {
        assertEquals(0x053061, ColourMap.divergingRgb(0));
        assertEquals(0xf7f7f7, ColourMap.divergingRgb(0.5));
        assertEquals(0x67001f, ColourMap.divergingRgb(1));
        assertEquals(0x2166ac, ColourMap.divergingRgb(0.1));
        assertEquals(0xb2182b, ColourMap.divergingRgb(0.9));
        assertEquals(ColourMap.divergingRgb(0), ColourMap.divergingRgb(-1));
        assertEquals(ColourMap.MISSING.getRGB() & 0xffffff, ColourMap.divergingRgb(Double.NaN));
        int low = ColourMap.divergingRgb(0.2);
        int high = ColourMap.divergingRgb(0.8);
        assertTrue((low & 0xff) > (low >> 16 & 0xff), "below the middle is blue");
        assertTrue((high >> 16 & 0xff) > (high & 0xff), "above the middle is red");
        double previous = -1;
        for (int i = 0; i <= 50; i++) {
            double l = lightness(ColourMap.divergingRgb(i / 100.0));
            assertTrue(l > previous - 0.1, "lightness falls before the middle at " + i / 100.0);
            previous = l;
            assertEquals(l, lightness(ColourMap.divergingRgb(1 - i / 100.0)), 6, "lightness of " + i / 100.0 + " and its mirror");
        }
        for (int i = 51; i <= 100; i++) {
            double l = lightness(ColourMap.divergingRgb(i / 100.0));
            assertTrue(l < previous + 0.1, "lightness rises after the middle at " + i / 100.0);
            previous = l;
        }
    }

    private static double lightness(int c) {
        double y = 0.2126 * lin(c >> 16 & 0xff) + 0.7152 * lin(c >> 8 & 0xff) + 0.0722 * lin(c & 0xff);
        return y > 216 / 24389.0 ? 116 * Math.cbrt(y) - 16 : 24389 / 27.0 * y;
    }

    private static double lin(int channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }
}
