package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
    @TempDir
    Path dir;

    /** The labels an axis would draw over the plot's data area of a 1000 x 600 drawing. */
    private static List<String> drawnLabels(JFreeChart chart, boolean rangeAxis) {
        ChartRenderingInfo info = new ChartRenderingInfo();
        ChartStyle.png(chart, 1000, 600, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        XYPlot plot = chart.getXYPlot();
        ValueAxis axis = rangeAxis ? plot.getRangeAxis() : plot.getDomainAxis();
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        List<String> labels = new ArrayList<>();
        for (Object o : axis.refreshTicks(g, new AxisState(), area, rangeAxis ? RectangleEdge.LEFT : RectangleEdge.BOTTOM)) {
            NumberTick t = (NumberTick) o;
            if (t.getTickType() == TickType.MAJOR) {
                labels.add(t.getText());
            }
        }
        g.dispose();
        return labels;
    }

    @Test
    void logAxesOfTheReviewedReportsGetDistinctRoundLabels() {
        // the ranges that once read "6.3E-4, 6.3E-4" and "0.03 0.03 0.02 0.02"
        double[][] ys = {{6.31e-4, 6.33e-4, 6.36e-4, 6.39e-4}, {0.0199, 0.024, 0.027, 0.0301}, {1e-12, 1e-6, 1}, {2e-3, 2.5e-3}};
        for (double[] y : ys) {
            double[] x = java.util.Arrays.copyOf(new double[] {4, 12, 70, 250}, y.length); // trained depths, not round numbers
            Chart c = new Chart("t", null, "depth L", "loss", true, true).points("runs", x, y, 0).ticksX(x);
            List<String> labels = drawnLabels(c.build(), true);
            assertTrue(labels.size() >= 3, "fewer than 3 ticks: " + labels);
            assertEquals(labels.size(), new HashSet<>(labels).size(), "repeated labels: " + labels);
            List<String> xLabels = drawnLabels(c.build(), false);
            for (double d : x) {
                assertTrue(xLabels.contains(LogTicks.label(d)), "given depth " + d + " not ticked: " + xLabels);
            }
        }
    }

    @Test
    void linearAxesAreNotAWallOfLabels() {
        double[] s = {0, 0.25, 0.5, 0.75, 1};
        Chart c = new Chart("t", null, "s = k / L", "value", false, false).line("a", s, new double[] {1.86, 1.80, 1.72, 1.61, 1.53}, 0);
        List<String> y = drawnLabels(c.build(), true);
        List<String> x = drawnLabels(c.build(), false);
        assertTrue(y.size() >= 3 && y.size() <= 11, "y labels " + y);
        assertTrue(x.size() >= 3 && x.size() <= 11, "x labels " + x);
        assertEquals(y.size(), new HashSet<>(y).size());
    }

    @Test
    void fontsAreReadableAtTheReportWidth() throws Exception {
        Chart c = new Chart("Title", "a subtitle", "depth L", "max_k ||A_k||", true, true)
                .points("|delta_k| A_k", new double[] {3, 30, 300}, new double[] {1, 0.1, 0.01}, 0).horizontal("target epsilon", 0.05);
        Figure f = c.saveFigure(dir, "fonts");
        assertEquals(1000, f.width());
        assertTrue(f.svg().contains("viewBox='0 0 1000 600'") || f.svg().contains("viewBox=\"0 0 1000 600\""),
                f.svg().substring(0, 300));
        Matcher m = Pattern.compile("font-size: ?([0-9.]+)px").matcher(f.svg());
        int seen = 0;
        double largest = 0;
        while (m.find()) {
            double size = Double.parseDouble(m.group(1));
            assertTrue(size >= 13, "text at " + size + " px");
            largest = Math.max(largest, size);
            seen++;
        }
        assertTrue(seen > 10, "font sizes not found in the SVG");
        assertTrue(largest >= 16, "no title-sized text");
        assertTrue(ChartStyle.TICK_LABEL.getSize() >= 13 && ChartStyle.LEGEND.getSize() >= 13 && ChartStyle.AXIS_LABEL.getSize() >= 14
                && ChartStyle.TITLE.getSize() >= 16);
        assertTrue(Files.size(f.png()) > 0 && Files.readString(f.svgFile()).equals(f.svg()));
    }

    @Test
    void legendUsesNotationAndNamesTheReferenceLine() {
        Chart c = new Chart("Final loss vs depth", null, "depth L", "loss", true, true)
                .points("|delta_k| A_k", new double[] {3, 30}, new double[] {1, 0.1}, 0).horizontal("target epsilon", 1e-3);
        String svg = c.saveFigure(dir, "legend").svg();
        assertTrue(svg.contains("|δₖ| Aₖ"), "series name not in notation");
        assertTrue(svg.contains("target ε = 0.001"), "reference line not in the legend");
        XYPlot plot = c.build().getXYPlot();
        assertEquals(1, plot.getRangeMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size());
        assertTrue(plot.getRangeAxis().getLowerBound() < 1e-3, "the reference line is inside the y range");
    }

    @Test
    void anAbsentReferenceLineIsStatedInTheSubtitle() {
        Chart c = new Chart("Final loss vs depth", "dashed: target", "depth L", "loss", true, true)
                .points("loss", new double[] {3, 30}, new double[] {1, 0.1}, 0).horizontal("epsilon", 0).horizontal("floor", Double.NaN);
        String svg = c.saveFigure(dir, "absent").svg();
        assertTrue(svg.contains("dashed: target; no ε line: ε = 0 is not on a log axis; no floor line: not set"), "note missing");
        assertTrue(c.build().getXYPlot().getRangeMarkers(org.jfree.chart.ui.Layer.FOREGROUND) == null);
    }

    @Test
    void manyCurvesAreColouredByKeyWithAColourBarNotFiftyLegendEntries() throws Exception {
        Chart c = new Chart("Loss per run", null, "update", "loss", true, true).colourKey("depth L", true).horizontal("epsilon", 1e-3);
        for (int run = 0; run < 50; run++) {
            double depth = 3 * Math.pow(1000, run / 49.0);
            double[] x = new double[400];
            double[] y = new double[400];
            for (int k = 0; k < 400; k++) {
                x[k] = k + 1;
                y[k] = 1 / (1 + k / depth);
            }
            c.curve(depth, x, y);
        }
        JFreeChart chart = c.build();
        assertEquals(1, chart.getXYPlot().getFixedLegendItems().getItemCount(), "only the reference line is in the legend");
        assertTrue(chart.getSubtitles().stream().anyMatch(t -> t instanceof PaintScaleLegend), "no colour bar");
        var renderer = chart.getXYPlot().getRenderer();
        assertEquals(ColourMap.colour(0), renderer.getSeriesPaint(0), "smallest key at the dark end");
        assertEquals(ColourMap.colour(ColourMap.LINE_END), renderer.getSeriesPaint(49), "largest key at the end used for lines");
        double[] one = {1};
        Chart three = new Chart("t", null, "x", "y", false, false).colourKey("k", true).curve(1, one, one).curve(100, one, one).curve(10, one, one);
        assertEquals(ColourMap.colour(0.5 * ColourMap.LINE_END), three.build().getXYPlot().getRenderer().getSeriesPaint(2),
                "on a log key, 10 is halfway between 1 and 100");
        Figure f = c.saveFigure(dir, "curves");
        assertTrue(Files.size(f.svgFile()) < 1_000_000, "50 x 400 points make " + Files.size(f.svgFile()) + " bytes of SVG");
    }

    /** The depths of the quick preset (3..400, base 1.5): 3, 5, 7, 11, 17, 25, 38, 57, 86, 129, 194, 291. */
    private static final double[] QUICK_DEPTHS = {3, 5, 7, 11, 17, 25, 38, 57, 86, 129, 194, 291};

    /**
     * A depth axis labels trained depths only: the review found "30", a depth never trained, on five depth
     * axes of the quick preset's page (round ticks between given ones); values that would crowd keep an
     * unlabelled mark.
     */
    @Test
    void aDepthAxisLabelsTrainedDepthsOnly() {
        double[] y = new double[QUICK_DEPTHS.length];
        java.util.Arrays.setAll(y, i -> Math.pow(QUICK_DEPTHS[i], -0.7));
        Chart c = new Chart("t", null, "depth L", "max", true, true).points("runs", QUICK_DEPTHS, y, 0).onlyTicksX(QUICK_DEPTHS);
        List<String> labels = drawnLabels(c.build(), false);
        List<String> trained = java.util.Arrays.stream(QUICK_DEPTHS).mapToObj(LogTicks::label).toList();
        assertTrue(labels.size() >= 6, "most trained depths labelled: " + labels);
        assertTrue(trained.containsAll(labels), "a label at a depth that was not trained: " + labels);
        assertTrue(labels.contains("3") && labels.contains("291"), "the ends of the grid: " + labels);
        // the colour bar of curves keyed by depth names trained depths only too
        Chart curves = new Chart("t", null, "epoch", "loss", true, true).colourKey("depth L", true).labelKeysOnly();
        for (double d : QUICK_DEPTHS) {
            curves.curve(d, new double[] {1, 2}, new double[] {1, 0.5});
        }
        PaintScaleLegend bar = (PaintScaleLegend) curves.build().getSubtitles().stream().filter(t -> t instanceof PaintScaleLegend).findFirst()
                .orElseThrow();
        ChartRenderingInfo info = new ChartRenderingInfo();
        JFreeChart built = curves.build();
        ChartStyle.png(built, 1000, 600, info);
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        List<String> barLabels = new ArrayList<>();
        for (Object o : bar.getAxis().refreshTicks(g, new AxisState(), new Rectangle2D.Double(0, 0, 16, 450), RectangleEdge.RIGHT)) {
            if (((NumberTick) o).getTickType() == TickType.MAJOR) {
                barLabels.add(((NumberTick) o).getText());
            }
        }
        g.dispose();
        assertTrue(barLabels.size() >= 4 && trained.containsAll(barLabels), "colour bar labels " + barLabels);
    }

    /**
     * The SVG holds the values under the pointer: a title per marker, and per line or curve up to
     * LINE_TARGETS points (both ends included); the PNG is drawn as before.
     */
    @Test
    void hoverTitlesNameTheValuesOfEveryMarkerAndLine() throws Exception {
        double[] x = {3, 45, 291};
        Chart c = new Chart("t", null, "depth L", "beta", true, false).points("runs", x, new double[] {0.9, 0.71, 0.6}, 0)
                .line("OLS fit", x, new double[] {0.9, 0.7, 0.6}, 0);
        double[] ex = new double[300];
        double[] ey = new double[300];
        for (int k = 0; k < 300; k++) {
            ex[k] = k + 1;
            ey[k] = 1.0 / (k + 1);
        }
        c.colourKey("depth L", true).curve(291, ex, ey);
        String svg = c.saveFigure(dir, "hover").svg();
        assertTrue(svg.contains("<title>runs: depth L = 45, β = 0.71</title>"), "a marker's title");
        assertTrue(svg.contains("<title>OLS fit: depth L = 291, β = 0.6</title>"), "a line's end");
        assertTrue(svg.contains("<title>depth L = 291: depth L = 300, β = 0.003333</title>"), "a curve's last point, 4 significant digits");
        int titles = svg.split("<title>", -1).length - 1;
        assertEquals(3 + 3 + Chart.LINE_TARGETS, titles, "3 markers, 3 line points, the curve thinned");
        assertTrue(svg.indexOf("class=\"hover\"") < svg.lastIndexOf("</svg>") && svg.indexOf("class=\"hover\"") > svg.lastIndexOf("<text"),
                "the targets are drawn last, over everything");
        assertEquals("0.7141", HoverLayer.number(0.71412), "4 significant digits");
        assertEquals("45", HoverLayer.number(45), "integers whole");
        assertEquals("3.200e-05", HoverLayer.number(3.2e-5), "tiny values in exponent form");
        assertEquals("s", HoverLayer.quantity("s = k / L"));
        assertEquals("epoch", HoverLayer.quantity("epoch (counted from 1)"));
    }

    @Test
    void existingApiStillSavesPngAndSvg() throws Exception {
        Chart c = new Chart("t", "s", "x", "y", false, false).add(new Chart.Series("a", new double[] {0, 1}, new double[] {0, 1}, true, true, -1))
                .line("b", new double[] {0, 1}, new double[] {1, 0}, -1).horizontal(0.5);
        assertFalse(c.isEmpty());
        String svg = c.save(dir, "old");
        assertTrue(svg.startsWith("<svg"));
        assertTrue(Files.exists(dir.resolve("old.png")) && Files.exists(dir.resolve("old.svg")));
        assertTrue(new Chart("t", null, "x", "y", true, true).isEmpty());
        BufferedImage img = new Chart("t", null, "x", "y", true, true).points("p", new double[] {-1, 0, Double.NaN}, new double[] {1, 1, 1}, 0)
                .render(1000, 600);
        assertEquals(Color.WHITE.getRGB(), img.getRGB(2, 2), "a chart with nothing drawable still draws");
    }
}
