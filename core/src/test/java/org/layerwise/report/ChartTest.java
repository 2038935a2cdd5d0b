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
