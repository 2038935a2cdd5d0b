package org.layerwise.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.LengthConstraintType;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * An instrument: draws stored numbers as an x-y chart and saves it as PNG and SVG. Computes nothing.
 *
 * <p>Log axes tick at round values with distinct labels ({@link LogTicks}); titles, axis labels and
 * series names may use the ASCII markup of {@link Notation} ({@code |delta_k| A_k}, {@code L^beta}).
 * Many curves that differ by a number (a loss curve per depth) are added with
 * {@link #curve(double, double[], double[])}: they are coloured by that number on the viridis map and
 * explained by one colour bar instead of one legend entry each. Drawn 1000 px wide (fonts 14-18 px).
 */
public final class Chart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final Color REFERENCE = new Color(0x444444);
    private static final float[][] REFERENCE_DASHES = {{8f, 5f}, {2f, 4f}, {12f, 4f, 2f, 4f}};

    /** A named series; drawn as markers, as a line, or both; {@code color} pairs a fit with its points (-1: next). */
    public record Series(String name, double[] x, double[] y, boolean line, boolean markers, int color) {
    }

    private record Keyed(double key, double[] x, double[] y) {
    }

    private record Reference(String label, double y) {
    }

    private final String title;
    private final String subtitle;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();
    private final List<Keyed> keyed = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private double[] givenX = new double[0];
    private double[] givenY = new double[0];
    private String keyLabel = "key";
    private boolean keyLog;
    private boolean keysOnly;
    private boolean onlyGivenX;
    private int height = 600;

    /**
     * @param subtitle one line under the title (may be null); notes about absent reference lines are appended
     * @param logX     base-10 log x axis (points with x &lt;= 0 are left out)
     * @param logY     base-10 log y axis (points with y &lt;= 0 are left out)
     */
    public Chart(String title, String subtitle, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.subtitle = subtitle;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    /** Adds a series with its own legend entry. */
    public Chart add(Series s) {
        series.add(s);
        return this;
    }

    /** Adds a series drawn as markers; {@code color} indexes the palette (-1: the next unused). */
    public Chart points(String name, double[] x, double[] y, int color) {
        return add(new Series(name, x, y, false, true, color));
    }

    /** Adds a series drawn as a line; {@code color} indexes the palette (-1: the next unused). */
    public Chart line(String name, double[] x, double[] y, int color) {
        return add(new Series(name, x, y, true, false, color));
    }

    /**
     * Adds one of many curves told apart by a number (depth, seed, learning rate): drawn as a thin line
     * coloured by {@code key} on the viridis map, with no legend entry; a colour bar labelled as set by
     * {@link #colourKey(String, boolean)} explains the colours.
     */
    public Chart curve(double key, double[] x, double[] y) {
        if (!Double.isFinite(key)) {
            throw new IllegalArgumentException("a curve's colour key must be finite, got " + key);
        }
        keyed.add(new Keyed(key, x, y));
        return this;
    }

    /** The label of the colour bar of {@link #curve} keys, and whether keys are coloured on a log scale. */
    public Chart colourKey(String label, boolean log) {
        this.keyLabel = label;
        this.keyLog = log;
        return this;
    }

    /**
     * The colour bar of {@link #curve} keys labels the keys themselves only (thinned where they would
     * crowd), never a round value between them: a bar of depths then names trained depths only. Log keys only.
     */
    public Chart labelKeysOnly() {
        this.keysOnly = true;
        return this;
    }

    /** A horizontal reference line (e.g. the target loss epsilon), labelled in the legend by its value. */
    public Chart horizontal(double y) {
        return horizontal("reference", y);
    }

    /**
     * A horizontal dashed reference line, listed in the legend as "label = value". If it cannot be drawn
     * (not a finite number, or not positive on a log y axis) the subtitle says so instead.
     */
    public Chart horizontal(String label, double y) {
        if (!Double.isFinite(y)) {
            notes.add("no " + label + " line: not set");
        } else if (logY && y <= 0) {
            notes.add("no " + label + " line: " + label + " = " + LogTicks.label(y) + " is not on a log axis");
        } else {
            references.add(new Reference(label, y));
        }
        return this;
    }

    /** Extra labelled ticks on a log x axis, e.g. the trained depths (ignored on a linear axis). */
    public Chart ticksX(double... values) {
        givenX = values.clone();
        return this;
    }

    /**
     * Labelled ticks on a log x axis at these values only, e.g. the trained depths, so the axis never
     * reads a depth that was not trained: round values get unlabelled marks, and values that would crowd
     * keep a mark without a label (ignored on a linear axis).
     */
    public Chart onlyTicksX(double... values) {
        givenX = values.clone();
        onlyGivenX = true;
        return this;
    }

    /** Extra labelled ticks on a log y axis (ignored on a linear axis). */
    public Chart ticksY(double... values) {
        givenY = values.clone();
        return this;
    }

    /** Drawing height in pixels (the width is always 1000); the legend, when tall, adds to it. */
    public Chart height(int pixels) {
        if (pixels < 200 || pixels > 4000) {
            throw new IllegalArgumentException("chart height must be 200..4000 px, got " + pixels);
        }
        this.height = pixels;
        return this;
    }

    /** True if nothing was added to draw. */
    public boolean isEmpty() {
        return series.isEmpty() && keyed.isEmpty();
    }

    private boolean usable(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    }

    JFreeChart build() {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setLegendLine(new Line2D.Double(-14, 0, 14, 0));
        r.setDrawSeriesLineAsPath(true);
        double[] keyRange = keyRange();
        List<String> names = new ArrayList<>();
        int index = 0;
        for (Keyed k : keyed) {
            data.addSeries(xy(index, k.x(), k.y()));
            names.add("");
            r.setSeriesPaint(index, keyColour(k.key(), keyRange));
            r.setSeriesLinesVisible(index, true);
            r.setSeriesShapesVisible(index, false);
            r.setSeriesStroke(index, new BasicStroke(keyed.size() > 20 ? 1.3f : 1.8f));
            r.setSeriesVisibleInLegend(index, false);
            index++;
        }
        int next = 0;
        for (Series s : series) {
            data.addSeries(xy(index, s.x(), s.y()));
            names.add(Notation.format(s.name()));
            int c = s.color() >= 0 ? s.color() : next++;
            r.setSeriesPaint(index, PALETTE[c % PALETTE.length]);
            r.setSeriesLinesVisible(index, s.line());
            r.setSeriesShapesVisible(index, s.markers());
            r.setSeriesShape(index, new Ellipse2D.Double(-4, -4, 8, 8));
            r.setSeriesStroke(index, new BasicStroke(s.line() ? 2.2f : 1f));
            index++;
        }
        r.setLegendItemLabelGenerator((dataset, i) -> names.get(i));
        XYPlot plot = new XYPlot(data, axis(xLabel, logX, xRange(), givenX, onlyGivenX), axis(yLabel, logY, yRange(), givenY, false), r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(new Color(0x888888));
        plot.setDomainGridlinePaint(ChartStyle.GRID);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        LegendItemCollection items = new LegendItemCollection();
        LegendItemCollection fromRenderer = r.getLegendItems();
        for (int i = 0; i < fromRenderer.getItemCount(); i++) {
            LegendItem item = fromRenderer.get(i);
            item.setLabelFont(ChartStyle.LEGEND);
            items.add(item);
        }
        for (int i = 0; i < references.size(); i++) {
            Reference ref = references.get(i);
            Stroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    REFERENCE_DASHES[i % REFERENCE_DASHES.length], 0f);
            plot.addRangeMarker(new ValueMarker(ref.y(), REFERENCE, dashed));
            LegendItem item = new LegendItem(Notation.format(ref.label()) + " = " + LogTicks.label(ref.y()), null, null, null,
                    new Line2D.Double(-14, 0, 14, 0), dashed, REFERENCE);
            item.setLabelFont(ChartStyle.LEGEND);
            items.add(item);
        }
        plot.setFixedLegendItems(items);
        JFreeChart chart = ChartStyle.chart(title, subtitleWithNotes(), plot, items.getItemCount() > 0);
        if (!keyed.isEmpty()) {
            chart.addSubtitle(colourBar(keyRange));
        }
        return chart;
    }

    /** Series keyed by their index (names may repeat); points that cannot be drawn are left out. */
    private XYSeries xy(int key, double[] x, double[] y) {
        XYSeries s = new XYSeries(key, false, true);
        for (int k = 0; k < Math.min(x.length, y.length); k++) {
            if (usable(x[k], y[k])) {
                s.add(x[k], y[k]);
            }
        }
        return s;
    }

    private String subtitleWithNotes() {
        List<String> parts = new ArrayList<>();
        if (subtitle != null && !subtitle.isBlank()) {
            parts.add(subtitle);
        }
        parts.addAll(notes);
        return String.join("; ", parts);
    }

    /** [min, max] of the keys in colour-scale units (log10 when the key scale is log). */
    private double[] keyRange() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Keyed k : keyed) {
            double v = keyUnits(k.key());
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(lo < hi)) {
            double mid = Double.isFinite(lo) ? lo : 0;
            return new double[] {mid - 0.5, mid + 0.5};
        }
        return new double[] {lo, hi};
    }

    private double keyUnits(double key) {
        if (keyLog && !(key > 0)) {
            throw new IllegalArgumentException("a log colour key must be positive, got " + key);
        }
        return keyLog ? Math.log10(key) : key;
    }

    private Color keyColour(double key, double[] range) {
        return ColourMap.colour((keyUnits(key) - range[0]) / (range[1] - range[0]) * ColourMap.LINE_END);
    }

    private PaintScaleLegend colourBar(double[] range) {
        PaintScale scale = ColourBar.scale(range, t -> ColourMap.colour(t * ColourMap.LINE_END));
        TreeSet<Double> distinct = new TreeSet<>();
        keyed.forEach(k -> distinct.add(k.key()));
        double[] keys = distinct.stream().mapToDouble(Double::doubleValue).toArray();
        return ColourBar.vertical(scale, keyLabel, keyLog, range, keysOnly || keys.length <= 10 ? keys : new double[0], keysOnly);
    }

    private double[] xRange() {
        List<double[]> xs = new ArrayList<>();
        series.forEach(s -> xs.add(usableValues(s.x(), s.y(), true)));
        keyed.forEach(k -> xs.add(usableValues(k.x(), k.y(), true)));
        return range(xs, logX);
    }

    private double[] yRange() {
        List<double[]> ys = new ArrayList<>();
        series.forEach(s -> ys.add(usableValues(s.x(), s.y(), false)));
        keyed.forEach(k -> ys.add(usableValues(k.x(), k.y(), false)));
        ys.add(references.stream().mapToDouble(Reference::y).toArray());
        return range(ys, logY);
    }

    private double[] usableValues(double[] x, double[] y, boolean wantX) {
        int n = Math.min(x.length, y.length);
        double[] out = new double[n];
        int m = 0;
        for (int k = 0; k < n; k++) {
            if (usable(x[k], y[k])) {
                out[m++] = wantX ? x[k] : y[k];
            }
        }
        return java.util.Arrays.copyOf(out, m);
    }

    /** Data range plus a 4 % margin (of the decades on a log axis); a sensible default when empty or flat. */
    static double[] range(List<double[]> values, boolean log) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] vs : values) {
            for (double v : vs) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return log ? new double[] {1, 10} : new double[] {0, 1};
        }
        if (log) {
            double a = Math.log10(lo);
            double b = Math.log10(hi);
            double margin = Math.max(0.04 * (b - a), 0.05);
            return new double[] {Math.pow(10, a - margin), Math.pow(10, b + margin)};
        }
        double margin = hi > lo ? 0.04 * (hi - lo) : (lo == 0 ? 1 : 0.1 * Math.abs(lo));
        return new double[] {lo - margin, hi + margin};
    }

    static ValueAxis axis(String label, boolean log, double[] range, double[] given) {
        return axis(label, log, range, given, false);
    }

    /** @param onlyGiven a log axis labels the given values only */
    static ValueAxis axis(String label, boolean log, double[] range, double[] given, boolean onlyGiven) {
        ValueAxis a;
        if (log) {
            RoundLogAxis l = new RoundLogAxis(Notation.format(label));
            l.setGivenTicks(given);
            l.setOnlyGivenLabelled(onlyGiven);
            a = l;
        } else {
            NumberAxis n = new SparseNumberAxis(Notation.format(label));
            n.setAutoRangeIncludesZero(false);
            a = n;
        }
        a.setAutoRange(false);
        a.setRange(range[0], range[1]);
        ChartStyle.axis(a);
        return a;
    }

    /** Draws the chart into an image of the given size (for tests and previews). */
    BufferedImage render(int w, int h) {
        return ChartStyle.png(build(), w, h, null);
    }

    /** Writes {@code name}.png and {@code name}.svg into dir; returns the SVG text for embedding. */
    public String save(Path dir, String name) {
        return saveFigure(dir, name).svg();
    }

    /** Writes {@code name}.png and {@code name}.svg (1000 px wide) into dir. */
    public Figure saveFigure(Path dir, String name) {
        JFreeChart chart = build();
        int h = height + extraLegendHeight(chart);
        return ChartStyle.save(chart, dir, name, ChartStyle.WIDTH, h, s -> s, this::placeHover);
    }

    /** Most hover targets along one line or curve (evenly spaced, both ends included): a value every few pixels is enough. */
    static final int LINE_TARGETS = 60;
    /** Most hover targets of one series of markers. */
    static final int MARKER_TARGETS = 500;

    /**
     * The values under the pointer, once the chart is laid out in {@code area}: one target per marker
     * ("runs: depth L = 45, β = 0.71") and up to {@value #LINE_TARGETS} along each line or keyed curve
     * ("depth L = 291: epoch = 300, loss = 0.034").
     */
    void placeHover(JFreeChart chart, Rectangle2D area, HoverLayer layer) {
        XYPlot plot = chart.getXYPlot();
        String xq = HoverLayer.quantity(xLabel);
        String yq = HoverLayer.quantity(yLabel);
        for (Keyed k : keyed) {
            String head = HoverLayer.quantity(keyLabel) + " = " + HoverLayer.number(k.key()) + ": ";
            targets(plot, area, layer, k.x(), k.y(), LINE_TARGETS, 4, head, xq, yq);
        }
        for (Series s : series) {
            String head = Notation.format(s.name()) + ": ";
            targets(plot, area, layer, s.x(), s.y(), s.markers() ? MARKER_TARGETS : LINE_TARGETS, s.markers() ? 6 : 4, head, xq, yq);
        }
    }

    private void targets(XYPlot plot, Rectangle2D area, HoverLayer layer, double[] x, double[] y, int most, double radius, String head,
                         String xq, String yq) {
        int[] drawable = java.util.stream.IntStream.range(0, Math.min(x.length, y.length)).filter(i -> usable(x[i], y[i])).toArray();
        for (int j : HoverLayer.spread(drawable.length, most)) {
            int i = drawable[j];
            layer.dataPoint(plot, area, x[i], y[i], radius, head + xq + " = " + HoverLayer.number(x[i]) + ", " + yq + " = " + HoverLayer.number(y[i]));
        }
    }

    /** How much taller than two rows the legend is at the drawing width. */
    private static int extraLegendHeight(JFreeChart chart) {
        LegendTitle legend = chart.getLegend();
        if (legend == null) {
            return 0;
        }
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            double h = legend.arrange(g, new RectangleConstraint(ChartStyle.WIDTH - 40, null, LengthConstraintType.FIXED,
                    0, null, LengthConstraintType.NONE)).getHeight();
            return (int) Math.max(0, Math.ceil(h - 2 * (ChartStyle.LEGEND.getSize() * 1.6 + 2)));
        } finally {
            g.dispose();
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Chart[%s, %d series, %d curves]", title, series.size(), keyed.size());
    }
}
