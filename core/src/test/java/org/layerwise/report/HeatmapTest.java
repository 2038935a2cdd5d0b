package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jfree.chart.ChartRenderingInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapTest {
    @TempDir
    Path dir;

    /** The drawn colour at the centre of cell (row, col) of a rows x cols grid of equal cells filling the data area. */
    private static int cellColour(BufferedImage img, Rectangle2D area, int rows, int cols, int row, int col) {
        int x = (int) (area.getX() + (col + 0.5) * area.getWidth() / cols);
        int y = (int) (area.getMaxY() - (row + 0.5) * area.getHeight() / rows);
        return img.getRGB(x, y) & 0xffffff;
    }

    @Test
    void aKnownSmallMatrixMapsToTheExpectedPixelColours() {
        double[][] m = {{0, 1, 2}, {3, Double.NaN, 5}};
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = new Heatmap("t", null, "column", "row", m).colourScale("v", false).render(1000, 560, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                int expected = Double.isNaN(m[r][c]) ? ColourMap.MISSING.getRGB() & 0xffffff : ColourMap.rgb(m[r][c] / 5);
                assertEquals(expected, cellColour(img, area, 2, 3, r, c), String.format("cell (%d, %d) = %s", r, c, m[r][c]));
            }
        }
        assertEquals(0x440154, cellColour(img, area, 2, 3, 0, 0), "row 0 is at the bottom, the smallest value dark violet");
    }

    @Test
    void logColourAndLogColumnsPlaceCellsByDecade() {
        // columns at 1, 10, 100 on a log axis are equally wide; log colours put 10 halfway between 1 and 100
        double[][] m = {{1, 10, 100}};
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = new Heatmap("t", null, "step", "layer", m).columns(new double[] {1, 10, 100}, true).colourScale("v", true)
                .render(1000, 560, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        assertEquals(ColourMap.rgb(0), cellColour(img, area, 1, 3, 0, 0));
        assertEquals(ColourMap.rgb(0.5), cellColour(img, area, 1, 3, 0, 1));
        assertEquals(ColourMap.rgb(1), cellColour(img, area, 1, 3, 0, 2));
    }

    @Test
    void downsamplingAveragesInColourScaleUnits() {
        double[] one = {0};
        double[] cols = {0, 1, 2, 3};
        double[][] logMeans = HeatmapRaster.downsample(new double[][] {{1, 100, 10, 1000}}, one, cols, new double[] {-0.5, 0.5},
                new double[] {-0.5, 3.5}, true, 1, 2);
        assertArrayEquals(new double[] {1, 2}, logMeans[0], 1e-12, "log10 of the geometric means of (1, 100) and (10, 1000)");
        double[][] linear = HeatmapRaster.downsample(new double[][] {{Double.NaN, 4, Double.NaN, Double.NaN}}, one, cols, new double[] {-0.5, 0.5},
                new double[] {-0.5, 3.5}, false, 1, 2);
        assertEquals(4, linear[0][0], 0, "missing cells are skipped");
        assertTrue(Double.isNaN(linear[0][1]), "a pixel of missing cells only is missing");
        double[][] up = HeatmapRaster.downsample(new double[][] {{5, 7}}, one, new double[] {0, 1}, new double[] {-0.5, 0.5},
                new double[] {-0.5, 1.5}, false, 1, 4);
        assertArrayEquals(new double[] {5, 5, 7, 7}, up[0], 0, "a coarse matrix is drawn cell by cell");
        double[][] rows = HeatmapRaster.downsample(new double[][] {{1}, {3}, {5}, {7}}, new double[] {0, 1, 2, 3}, one,
                new double[] {-0.5, 3.5}, new double[] {-0.5, 0.5}, false, 2, 1);
        assertEquals(2, rows[0][0], 0, "rows 0 and 1 average into the bottom pixel row");
        assertEquals(6, rows[1][0], 0);
        double[][] negative = HeatmapRaster.downsample(new double[][] {{-1, 0, 100}}, one, new double[] {0, 1, 2}, new double[] {-0.5, 0.5},
                new double[] {-0.5, 2.5}, true, 1, 3);
        assertTrue(Double.isNaN(negative[0][0]) && Double.isNaN(negative[0][1]), "non-positive values are missing on a log scale");
        assertEquals(2, negative[0][2], 1e-12);
    }

    /** An independent slow average: every cell whose centre lies in a pixel, by brute force. */
    @Test
    void downsamplingAgreesWithBruteForceOnARandomMatrix() {
        java.util.Random rnd = new java.util.Random(3);
        int rows = 7;
        int cols = 250;
        double[][] m = new double[rows][cols];
        double[] rc = new double[rows];
        double[] cc = new double[cols];
        for (int r = 0; r < rows; r++) {
            rc[r] = r;
            for (int c = 0; c < cols; c++) {
                m[r][c] = rnd.nextDouble() < 0.1 ? Double.NaN : Math.exp(rnd.nextGaussian());
            }
        }
        for (int c = 0; c < cols; c++) {
            cc[c] = Math.log10(c + 1.0);
        }
        double[] colRange = {HeatmapRaster.edges(cc)[0], HeatmapRaster.edges(cc)[cols]};
        double[] rowRange = {-0.5, rows - 0.5};
        int outCols = 40;
        double[][] fast = HeatmapRaster.downsample(m, rc, cc, rowRange, colRange, true, rows, outCols);
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < outCols; p++) {
                double lo = colRange[0] + p * (colRange[1] - colRange[0]) / outCols;
                double hi = colRange[0] + (p + 1) * (colRange[1] - colRange[0]) / outCols;
                double sum = 0;
                int n = 0;
                boolean any = false;
                for (int c = 0; c < cols; c++) {
                    if (cc[c] >= lo && cc[c] < hi) {
                        any = true;
                        if (!Double.isNaN(m[r][c])) {
                            sum += Math.log10(m[r][c]);
                            n++;
                        }
                    }
                }
                if (!any) {
                    // no centre in the pixel: the cell that covers the pixel's centre
                    double mid = (lo + hi) / 2;
                    double[] e = HeatmapRaster.edges(cc);
                    int cell = 0;
                    while (e[cell + 1] <= mid) {
                        cell++;
                    }
                    if (!Double.isNaN(m[r][cell])) {
                        sum = Math.log10(m[r][cell]);
                        n = 1;
                    }
                }
                double expected = n == 0 ? Double.NaN : sum / n;
                assertEquals(expected, fast[r][p], 1e-9, "row " + r + " pixel " + p);
            }
        }
    }

    @Test
    void aLargeMatrixDrawsQuicklyAndSmall() throws Exception {
        int layers = 110;
        int steps = 100_000;
        double[][] m = new double[layers][steps];
        double[] x = new double[steps];
        for (int c = 0; c < steps; c++) {
            x[c] = c + 1;
        }
        for (int r = 0; r < layers; r++) {
            for (int c = 0; c < steps; c++) {
                m[r][c] = Math.pow(c + 1, -0.7) * (1 + r);
            }
        }
        new Heatmap("t", null, "step", "layer", m).columns(x, true).colourScale("update", true).saveFigure(dir, "warm-up");
        long t0 = System.nanoTime();
        Figure f = new Heatmap("t", null, "step", "layer", m).columns(x, true).colourScale("update", true).saveFigure(dir, "big");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("110 x 100000 heatmap: PNG + SVG written in " + ms + " ms");
        assertTrue(ms < 5000, "took " + ms + " ms");
        assertTrue(Files.size(f.svgFile()) < 600_000 && Files.size(f.png()) < 600_000, "files are large");
        assertTrue(f.svg().contains("data:image/png;base64,") && f.svg().contains("image-rendering:pixelated"), "raster not embedded");
    }

    private static String colourBarLabel(Heatmap h) {
        for (Object t : h.build().getSubtitles()) {
            if (t instanceof org.jfree.chart.title.PaintScaleLegend l) {
                return l.getAxis().getLabel();
            }
        }
        throw new AssertionError("no colour bar");
    }

    /** Named rows label the y axis by name, a row marker draws its label, and a log colour bar says "(log scale)" once. */
    @Test
    void rowNamesMarkersAndLogScaleLabels() {
        double[][] m = new double[4][3];
        for (double[] r : m) {
            java.util.Arrays.fill(r, 2);
        }
        m[0][0] = 1;
        Heatmap named = new Heatmap("t", null, "step", "layer", m).rows(new double[] {1, 2, 3, 4}, false).rowNames("stem", "layer1.0.conv1",
                "layer2.0.conv1", "layer2.0.conv2").rowMarker(2.5, "layer2 begins").colourScale("ELR e", true);
        String svg = named.saveFigure(dir, "named").svg();
        assertTrue(svg.contains("layer1.0.conv1") && svg.contains("layer2.0.conv2"), "rows named on the axis");
        assertTrue(svg.contains("layer2 begins"), "the marker's label");
        assertEquals("ELR e (log scale)", colourBarLabel(named), "a log colour bar says so");
        assertEquals("e, log scale", colourBarLabel(new Heatmap("t", null, "x", "y", m).colourScale("e, log scale", true)), "said once");
        assertEquals("ratio", colourBarLabel(new Heatmap("t", null, "x", "y", m).colourScale("ratio", false)), "a linear scale is not called log");
        org.jfree.chart.plot.XYPlot logRows = new Heatmap("t", null, "x", "depth", m).rows(new double[] {1, 2, 4, 8}, true).build().getXYPlot();
        assertEquals("depth (log scale)", logRows.getRangeAxis().getLabel());
        assertThrows(IllegalArgumentException.class, () -> new Heatmap("t", null, "x", "y", m).rowNames("one"));
    }

    @Test
    void missingCellsAreNamedInTheSubtitle() {
        String withNaN = new Heatmap("t", "s", "x", "y", new double[][] {{1, Double.NaN}}).saveFigure(dir, "nan").svg();
        assertTrue(withNaN.contains("s; grey: no value"));
        String without = new Heatmap("t", "s", "x", "y", new double[][] {{1, 2}}).saveFigure(dir, "full").svg();
        assertTrue(!without.contains("grey"));
    }

    /**
     * A signed matrix on the diverging map: the colour range is symmetric, ±max|v|, so 0 is the map's
     * near-white middle, the most negative value dark blue, and half the largest magnitude halfway to red.
     */
    @Test
    void signedValuesGetADivergingMapCentredOnZero() {
        double[][] m = {{-2, 0, 1}};
        ChartRenderingInfo info = new ChartRenderingInfo();
        Heatmap h = new Heatmap("t", null, "column", "row", m).colourScale("entry", false).diverging();
        BufferedImage img = h.render(1000, 560, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        assertEquals(0x053061, cellColour(img, area, 1, 3, 0, 0), "-2 = -max|v|: the blue end");
        assertEquals(0xf7f7f7, cellColour(img, area, 1, 3, 0, 1), "0: the white middle");
        assertEquals(ColourMap.divergingRgb(0.75), cellColour(img, area, 1, 3, 0, 2), "1 = max|v| / 2: halfway from white to red");
        org.jfree.chart.title.PaintScaleLegend bar = (org.jfree.chart.title.PaintScaleLegend) h.build().getSubtitles().stream()
                .filter(t -> t instanceof org.jfree.chart.title.PaintScaleLegend).findFirst().orElseThrow();
        assertEquals(-2, bar.getAxis().getLowerBound(), 1e-12, "the colour bar runs over -max|v|..");
        assertEquals(2, bar.getAxis().getUpperBound(), 1e-12, "..max|v|");
        assertEquals(new java.awt.Color(0xf7f7f7), bar.getScale().getPaint(0), "the bar is the diverging map too");
        assertThrows(IllegalStateException.class, () -> new Heatmap("t", null, "x", "y", m).colourScale("v", true).diverging().build());
        BufferedImage plain = new Heatmap("t", null, "column", "row", m).colourScale("entry", false).render(1000, 560, info);
        assertEquals(0x440154, cellColour(plain, info.getPlotInfo().getDataArea(), 1, 3, 0, 0), "without diverging(): viridis, as before");
    }

    /** The SVG holds the value of every cell under the pointer (a title per cell), or one per row for a large matrix; the PNG is unchanged. */
    @Test
    void hoverTitlesNameEachCellOrEachRow() throws Exception {
        double[][] m = {{0.5, 1, 2}, {3, 4, 5}};
        String svg = new Heatmap("t", null, "epoch", "layer k", m).columns(new double[] {10, 20, 30}, false).colourScale("A_k[0,0]", false)
                .saveFigure(dir, "small").svg();
        assertEquals(6, count(svg, "<title>"), "one title per cell");
        assertTrue(svg.contains("<title>layer k = 1, epoch = 30: Aₖ[0,0] = 5</title>"), "the top right cell");
        assertTrue(svg.contains("<title>layer k = 0, epoch = 10: Aₖ[0,0] = 0.5</title>"), "the bottom left cell");
        double[][] big = new double[150][200];
        for (int r = 0; r < big.length; r++) {
            java.util.Arrays.fill(big[r], r);
            big[r][199] = -r;
        }
        String rows = new Heatmap("t", null, "epoch", "layer k", big).saveFigure(dir, "rows").svg();
        assertEquals(150, count(rows, "<title>"), "30,000 cells: one title per row");
        assertTrue(rows.contains("<title>layer k = 7: value from -7 to 7 over epoch 0 to 199; at epoch = 199: -7</title>"), "a row's title");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void badShapesAndCoordinatesAreRefusedClearly() {
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> new Heatmap("t", null, "x", "y", new double[][] {{1, 2}, {3}}));
        assertEquals("heatmap row 1 has 1 values, row 0 has 2", ragged.getMessage());
        Heatmap h = new Heatmap("t", null, "x", "y", new double[][] {{1, 2, 3}});
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class, () -> h.columns(new double[] {1, 3, 2}, false));
        assertTrue(order.getMessage().contains("column 2 is 2.0"), order.getMessage());
        assertThrows(IllegalArgumentException.class, () -> h.columns(new double[] {0, 1, 2}, true));
        assertThrows(IllegalArgumentException.class, () -> h.columns(new double[] {1, 2}, false));
        assertThrows(IllegalArgumentException.class, () -> h.colourRange(2, 1));
    }
}
