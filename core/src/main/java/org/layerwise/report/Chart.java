package org.layerwise.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.layerwise.io.AtomicFiles;

/** An instrument: draws stored numbers as an x-y chart and saves it as PNG and SVG. Computes nothing. */
public final class Chart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    /** A named series; drawn as markers, as a line, or both; {@code color} pairs a fit with its points (-1: next). */
    public record Series(String name, double[] x, double[] y, boolean line, boolean markers, int color) {
    }

    private final String title;
    private final String subtitle;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private final List<double[]> hLines = new ArrayList<>();

    public Chart(String title, String subtitle, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.subtitle = subtitle;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    public Chart add(Series s) {
        series.add(s);
        return this;
    }

    public Chart points(String name, double[] x, double[] y, int color) {
        return add(new Series(name, x, y, false, true, color));
    }

    public Chart line(String name, double[] x, double[] y, int color) {
        return add(new Series(name, x, y, true, false, color));
    }

    /** A horizontal reference line (e.g. the target loss epsilon). */
    public Chart horizontal(double y) {
        hLines.add(new double[] {y});
        return this;
    }

    public boolean isEmpty() {
        return series.isEmpty();
    }

    JFreeChart build() {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        int next = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int k = 0; k < s.x().length; k++) {
                double x = s.x()[k];
                double y = s.y()[k];
                if (Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0)) {
                    xy.add(x, y);
                }
            }
            data.addSeries(xy);
            int c = s.color() >= 0 ? s.color() : next++;
            r.setSeriesPaint(i, PALETTE[c % PALETTE.length]);
            r.setSeriesLinesVisible(i, s.line());
            r.setSeriesShapesVisible(i, s.markers());
            r.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
            r.setSeriesStroke(i, new BasicStroke(s.markers() ? 1f : 2f));
        }
        ValueAxis xa = axis(xLabel, logX);
        ValueAxis ya = axis(yLabel, logY);
        XYPlot plot = new XYPlot(data, xa, ya, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        for (double[] h : hLines) {
            ValueMarker m = new ValueMarker(h[0], Color.GRAY, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
            plot.addRangeMarker(m);
        }
        JFreeChart chart = new JFreeChart(title, new Font("SansSerif", Font.BOLD, 15), plot, true);
        if (subtitle != null && !subtitle.isEmpty()) {
            chart.addSubtitle(new TextTitle(subtitle, new Font("SansSerif", Font.PLAIN, 11)));
        }
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static ValueAxis axis(String label, boolean log) {
        if (log) {
            LogAxis a = new LogAxis(label);
            a.setBase(10);
            a.setSmallestValue(1e-300);
            a.setNumberFormatOverride(new TickFormat());
            return a;
        }
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(false);
        return a;
    }

    /** Log-axis ticks: plain numbers where they read well (0.01 .. 9999), scientific elsewhere. */
    private static final class TickFormat extends java.text.NumberFormat {
        private static final long serialVersionUID = 1L;

        private final java.text.DecimalFormat plain = new java.text.DecimalFormat("0.##");
        private final java.text.DecimalFormat sci = new java.text.DecimalFormat("0.#E0");

        @Override
        public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
            double a = Math.abs(v);
            return (a == 0 || (a >= 0.01 && a < 1e4) ? plain : sci).format(v, to, pos);
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            return plain.parse(source, pos);
        }
    }

    /** Writes {@code name}.png and {@code name}.svg into dir; returns the SVG text for embedding. */
    public String save(Path dir, String name) {
        JFreeChart chart = build();
        int w = 820;
        int h = 520;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        chart.draw(g, new Rectangle(w, h));
        g.dispose();
        AtomicFiles.write(dir.resolve(name + ".png"), out -> ImageIO.write(img, "png", out));
        SVGGraphics2D svg = new SVGGraphics2D(w, h);
        chart.draw(svg, new Rectangle(w, h));
        String text = svg.getSVGElement();
        AtomicFiles.write(dir.resolve(name + ".svg"), out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        return text;
    }
}
