package org.layerwise.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * An instrument: draws a stored matrix (rows x columns, e.g. layer x step) as an image on the viridis
 * colour map, or for values of both signs on a diverging map centred on 0 ({@link #diverging()}), with
 * axes and a colour bar that tick at round values. Computes nothing but what drawing needs.
 *
 * <p>Row r is drawn at height {@code rows[r]} (lowest at the bottom), column c at {@code columns[c]};
 * each cell reaches halfway to its neighbours (in log units on a log axis). The colour scale is linear
 * or log10 of the values; on a log scale values &lt;= 0 count as missing. Missing (NaN, infinite, or
 * non-positive on a log scale) cells are grey, and the subtitle says so when there are any.
 *
 * <p>Downsampling: the image is drawn at the resolution of the plot area (about 900 x 450 px) or of
 * the matrix where that is smaller and evenly spaced, so a 110 x 100,000 matrix costs one pass over its
 * values. A pixel shows the mean, in colour-scale units (log10 on a log scale, so the geometric mean),
 * of the non-missing cells whose centres fall in it; a pixel no centre falls in (the matrix is coarser
 * than the screen there) shows the cell that covers it; a pixel is grey only if every cell it averages
 * is missing.
 *
 * <p>Files: a PNG, and an SVG whose axes and labels are vector text but whose cells are one embedded
 * base64 PNG {@code <image>} (drawn with {@code image-rendering: pixelated}, so cells stay sharp). Over
 * the image, the SVG holds the values under the pointer ({@link HoverLayer}): one target per cell
 * ("layer k = 12, epoch = 300: Aₖ[0,0] = 0.034") up to {@value #CELL_TARGETS} cells, else one per row
 * (its range of values and its last value).
 */
public final class Heatmap {
    private final String title;
    private final String subtitle;
    private final String xLabel;
    private final String yLabel;
    private final double[][] values;
    private double[] columns;
    private double[] rows;
    private boolean logX;
    private boolean logY;
    private String colourLabel = "value";
    private boolean logColour;
    private boolean diverging;
    private double[] colourRange;
    private double[] givenX = new double[0];
    private double[] givenY = new double[0];
    private int height = 560;
    private String[] rowNames;
    private final java.util.List<double[]> markerAt = new java.util.ArrayList<>();
    private final java.util.List<String> markerLabels = new java.util.ArrayList<>();
    private double[][] cachedMeans;
    private int cachedRows = -1;
    private int cachedCols = -1;

    /**
     * @param values rows x columns, all rows the same length (not copied: do not change it while drawing)
     */
    public Heatmap(String title, String subtitle, String xLabel, String yLabel, double[][] values) {
        if (values == null || values.length == 0 || values[0].length == 0) {
            throw new IllegalArgumentException("a heatmap needs at least one row and one column");
        }
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != values[0].length) {
                throw new IllegalArgumentException("heatmap row " + r + " has " + values[r].length + " values, row 0 has " + values[0].length);
            }
        }
        this.title = title;
        this.subtitle = subtitle;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.values = values;
        this.columns = indices(values[0].length);
        this.rows = indices(values.length);
    }

    private static double[] indices(int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
        }
        return s;
    }

    /** Where the columns sit on the x axis (strictly increasing; positive on a log axis). Default 0, 1, 2 ... */
    public Heatmap columns(double[] x, boolean log) {
        this.columns = checkedCoordinates("column", x, values[0].length, log);
        this.logX = log;
        return this;
    }

    /** Where the rows sit on the y axis (strictly increasing; positive on a log axis). Default 0, 1, 2 ... */
    public Heatmap rows(double[] y, boolean log) {
        this.rows = checkedCoordinates("row", y, values.length, log);
        this.logY = log;
        return this;
    }

    private static double[] checkedCoordinates(String what, double[] c, int n, boolean log) {
        if (c.length != n) {
            throw new IllegalArgumentException(n + " " + what + "s need " + n + " coordinates, got " + c.length);
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(c[i]) || (log && c[i] <= 0) || (i > 0 && c[i] <= c[i - 1])) {
                throw new IllegalArgumentException(what + " coordinates must be finite, strictly increasing"
                        + (log ? " and positive (log axis)" : "") + "; " + what + " " + i + " is " + c[i]);
            }
        }
        return c.clone();
    }

    /** The colour bar's label and whether colours follow log10 of the values. */
    public Heatmap colourScale(String label, boolean log) {
        this.colourLabel = label;
        this.logColour = log;
        this.cachedMeans = null;
        return this;
    }

    /**
     * Colours on the diverging map ({@link ColourMap#divergingRgb}: blue negative, near-white 0, red
     * positive) over a range symmetric about 0, ±max|v| unless {@link #colourRange} sets another; for
     * values that take both signs (weight entries), so that white always means 0. Linear colour scale only.
     */
    public Heatmap diverging() {
        this.diverging = true;
        this.cachedMeans = null;
        return this;
    }

    /** Fixes the values at the two ends of the colour map (default: the smallest and largest value). */
    public Heatmap colourRange(double lo, double hi) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("colour range needs finite lo < hi, got [" + lo + ", " + hi + "]");
        }
        this.colourRange = new double[] {lo, hi};
        return this;
    }

    /** Extra labelled ticks on a log x axis (ignored on a linear axis). */
    public Heatmap ticksX(double... v) {
        givenX = v.clone();
        return this;
    }

    /** Extra labelled ticks on a log y axis (ignored on a linear axis). */
    public Heatmap ticksY(double... v) {
        givenY = v.clone();
        return this;
    }

    /**
     * Names the rows: a tick on the y axis at a row's coordinate reads the row's name (e.g. a layer's)
     * rather than the number; the axis still picks which rows to label so labels do not overlap.
     * Linear y axis only.
     */
    public Heatmap rowNames(String... names) {
        if (names.length != values.length) {
            throw new IllegalArgumentException(values.length + " rows need " + values.length + " names, got " + names.length);
        }
        this.rowNames = names.clone();
        return this;
    }

    /** A labelled horizontal line across the map at y (in row coordinates), e.g. where a network's stage begins. */
    public Heatmap rowMarker(double y, String label) {
        markerAt.add(new double[] {y});
        markerLabels.add(label);
        return this;
    }

    /** An axis or colour-bar label on a log scale says so, once. */
    static String logLabel(String label, boolean log) {
        return log && !label.contains("log scale") ? label + " (log scale)" : label;
    }

    /** Drawing height in pixels (the width is always 1000). */
    public Heatmap height(int pixels) {
        if (pixels < 200 || pixels > 4000) {
            throw new IllegalArgumentException("heatmap height must be 200..4000 px, got " + pixels);
        }
        this.height = pixels;
        return this;
    }

    /** A value in colour-scale units: log10 on a log scale; NaN where it cannot be shown. */
    private double units(double v) {
        if (!Double.isFinite(v) || (logColour && v <= 0)) {
            return Double.NaN;
        }
        return logColour ? Math.log10(v) : v;
    }

    /** [lo, hi] of the colour map in colour-scale units, and the number of missing cells. */
    private double[] colourUnitsRange() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long missing = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v) && (!logColour || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                } else {
                    missing++;
                }
            }
        }
        if (colourRange != null) {
            if (logColour && colourRange[0] <= 0) {
                throw new IllegalArgumentException("a log colour scale needs a positive range, got [" + colourRange[0] + ", " + colourRange[1] + "]");
            }
            lo = colourRange[0];
            hi = colourRange[1];
        } else if (diverging && lo <= hi) {
            double m = Math.max(Math.abs(lo), Math.abs(hi));
            lo = -m;
            hi = m;
        }
        if (lo > hi) {
            return new double[] {0, 1, missing};
        }
        double a = units(lo);
        double b = units(hi);
        if (a == b) {
            return new double[] {a - 0.5, b + 0.5, missing};
        }
        return new double[] {a, b, missing};
    }

    /** The raster as an image (top row = highest row coordinate), cached for the PNG and SVG of one size. */
    private BufferedImage raster(int pixelRows, int pixelCols, double[] colour) {
        double[] rowUnits = HeatmapRaster.axisUnits(rows, logY);
        double[] colUnits = HeatmapRaster.axisUnits(columns, logX);
        double[] rowEdges = HeatmapRaster.edges(rowUnits);
        double[] colEdges = HeatmapRaster.edges(colUnits);
        int outRows = HeatmapRaster.rasterSize(rowUnits, logY, Math.max(1, pixelRows));
        int outCols = HeatmapRaster.rasterSize(colUnits, logX, Math.max(1, pixelCols));
        if (cachedMeans == null || cachedRows != outRows || cachedCols != outCols) {
            cachedMeans = HeatmapRaster.downsample(values, rowUnits, colUnits, new double[] {rowEdges[0], rowEdges[rowEdges.length - 1]},
                    new double[] {colEdges[0], colEdges[colEdges.length - 1]}, logColour, outRows, outCols);
            cachedRows = outRows;
            cachedCols = outCols;
        }
        BufferedImage img = new BufferedImage(outCols, outRows, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < outCols; j++) {
                double m = cachedMeans[i][j];
                double t = m == m ? (m - colour[0]) / (colour[1] - colour[0]) : Double.NaN;
                img.setRGB(j, outRows - 1 - i, diverging ? ColourMap.divergingRgb(t) : ColourMap.rgb(t));
            }
        }
        return img;
    }

    /** Draws the raster over the plot's data area. */
    private final class RasterAnnotation extends AbstractXYAnnotation {
        private static final long serialVersionUID = 1L;
        private final transient double[] colour;

        RasterAnnotation(double[] colour) {
            this.colour = colour;
        }

        @Override
        public void draw(Graphics2D g2, XYPlot plot, Rectangle2D area, ValueAxis domain, ValueAxis range, int index, PlotRenderingInfo info) {
            BufferedImage img = raster((int) Math.round(area.getHeight()), (int) Math.round(area.getWidth()), colour);
            Object saved = g2.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
            g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g2.drawImage(img, (int) Math.round(area.getX()), (int) Math.round(area.getY()), (int) Math.round(area.getWidth()),
                    (int) Math.round(area.getHeight()), null);
            if (saved != null) {
                g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, saved);
            }
        }
    }

    /** A dashed white line across the map at a row coordinate, its label on a dark patch just above it at the left. */
    private static final class RowMarker extends AbstractXYAnnotation {
        private static final long serialVersionUID = 1L;
        private final double y;
        private final String label;

        RowMarker(double y, String label) {
            this.y = y;
            this.label = label;
        }

        @Override
        public void draw(Graphics2D g2, XYPlot plot, Rectangle2D area, ValueAxis domain, ValueAxis range, int index, PlotRenderingInfo info) {
            double py = range.valueToJava2D(y, area, plot.getRangeAxisEdge());
            if (py < area.getMinY() || py > area.getMaxY()) {
                return;
            }
            java.awt.Stroke stroke = g2.getStroke();
            g2.setPaint(Color.WHITE);
            g2.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 4f}, 0f));
            g2.draw(new java.awt.geom.Line2D.Double(area.getMinX(), py, area.getMaxX(), py));
            g2.setStroke(stroke);
            g2.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 13));
            java.awt.FontMetrics fm = g2.getFontMetrics();
            int x = (int) area.getMinX() + 6;
            int base = (int) py - 4;
            g2.setPaint(new Color(0, 0, 0, 160));
            g2.fillRect(x - 3, base - fm.getAscent() - 1, fm.stringWidth(label) + 6, fm.getAscent() + fm.getDescent() + 1);
            g2.setPaint(Color.WHITE);
            g2.drawString(label, x, base);
        }
    }

    private double[] dataRange(double[] centres, boolean log) {
        double[] e = HeatmapRaster.edges(HeatmapRaster.axisUnits(centres, log));
        double lo = e[0];
        double hi = e[e.length - 1];
        return log ? new double[] {Math.pow(10, lo), Math.pow(10, hi)} : new double[] {lo, hi};
    }

    JFreeChart build() {
        if (diverging && logColour) {
            throw new IllegalStateException("a diverging colour map is centred on 0, which a log colour scale cannot show");
        }
        double[] colour = colourUnitsRange();
        ValueAxis x = Chart.axis(logLabel(xLabel, logX), logX, dataRange(columns, logX), givenX);
        ValueAxis y = Chart.axis(logLabel(yLabel, logY), logY, dataRange(rows, logY), givenY);
        integerTicksIfWhole(x, columns, logX);
        integerTicksIfWhole(y, rows, logY);
        if (rowNames != null && !logY && y instanceof NumberAxis n) {
            n.setNumberFormatOverride(new RowNameFormat(rows, rowNames));
        }
        XYPlot plot = new XYPlot(new XYSeriesCollection(), x, y, new XYLineAndShapeRenderer());
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(new Color(0x888888));
        plot.setOutlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        plot.addAnnotation(new RasterAnnotation(colour));
        for (int i = 0; i < markerAt.size(); i++) {
            plot.addAnnotation(new RowMarker(markerAt.get(i)[0], markerLabels.get(i))); // after the raster: drawn over it
        }
        String sub = subtitle == null ? "" : subtitle;
        if (colour[2] > 0) {
            String grey = logColour ? "grey: no value or ≤ 0" : "grey: no value";
            sub = sub.isBlank() ? grey : sub + "; " + grey;
        }
        JFreeChart chart = ChartStyle.chart(title, sub, plot, false);
        PaintScale scale = ColourBar.scale(new double[] {colour[0], colour[1]}, t -> diverging ? ColourMap.divergingColour(t) : ColourMap.colour(t));
        chart.addSubtitle(ColourBar.vertical(scale, logLabel(colourLabel, logColour), logColour, new double[] {colour[0], colour[1]}, new double[0],
                false));
        return chart;
    }

    /** Tick labels of a named y axis: the name of the row at the tick's coordinate, none between rows. */
    private static final class RowNameFormat extends java.text.NumberFormat {
        private static final long serialVersionUID = 1L;
        private final double[] at;
        private final String[] names;

        RowNameFormat(double[] at, String[] names) {
            this.at = at.clone();
            this.names = names.clone();
        }

        @Override
        public StringBuffer format(double v, StringBuffer b, java.text.FieldPosition p) {
            int i = java.util.Arrays.binarySearch(at, v);
            if (i < 0) {
                int k = -i - 1;
                for (int c : new int[] {k - 1, k}) {
                    if (c >= 0 && c < at.length && Math.abs(at[c] - v) < 1e-9 * Math.max(1, Math.abs(v))) {
                        i = c;
                    }
                }
            }
            return i >= 0 ? b.append(names[i]) : b;
        }

        @Override
        public StringBuffer format(long v, StringBuffer b, java.text.FieldPosition p) {
            return format((double) v, b, p);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            throw new UnsupportedOperationException();
        }
    }

    private static void integerTicksIfWhole(ValueAxis axis, double[] c, boolean log) {
        if (!log && axis instanceof NumberAxis n && java.util.Arrays.stream(c).allMatch(v -> v == Math.rint(v))) {
            n.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
    }

    /** Draws into an image of the given size; {@code info} (may be null) receives the plot's data area. */
    BufferedImage render(int w, int h, ChartRenderingInfo info) {
        return ChartStyle.png(build(), w, h, info);
    }

    /** Writes {@code name}.png and {@code name}.svg into dir; returns the SVG text for embedding. */
    public String save(Path dir, String name) {
        return saveFigure(dir, name).svg();
    }

    /** Writes {@code name}.png and {@code name}.svg (1000 px wide) into dir. */
    public Figure saveFigure(Path dir, String name) {
        return ChartStyle.save(build(), dir, name, ChartStyle.WIDTH, height,
                s -> s.replace("<image ", "<image style=\"image-rendering:pixelated\" image-rendering=\"optimizeSpeed\" "), this::placeHover);
    }

    /** Most cells that get a hover target each; a larger matrix gets one per row. */
    static final int CELL_TARGETS = 20_000;

    /** The values under the pointer, once the map is laid out in {@code area}: per cell, or per row for a large matrix. */
    private void placeHover(JFreeChart chart, Rectangle2D area, HoverLayer layer) {
        if (values.length > CELL_TARGETS) {
            return;
        }
        XYPlot plot = chart.getXYPlot();
        double[] rowEdges = HeatmapRaster.edges(HeatmapRaster.axisUnits(rows, logY));
        double[] colEdges = HeatmapRaster.edges(HeatmapRaster.axisUnits(columns, logX));
        String xq = HoverLayer.quantity(xLabel);
        String yq = HoverLayer.quantity(yLabel);
        String vq = HoverLayer.quantity(colourLabel);
        int cols = columns.length;
        boolean perCell = (long) values.length * cols <= CELL_TARGETS;
        for (int r = 0; r < values.length; r++) {
            String row = yq + " = " + (rowNames != null ? rowNames[r] : HoverLayer.number(rows[r]));
            double y0 = data(rowEdges[r], logY);
            double y1 = data(rowEdges[r + 1], logY);
            if (perCell) {
                for (int c = 0; c < cols; c++) {
                    layer.dataRect(plot, area, data(colEdges[c], logX), data(colEdges[c + 1], logX), y0, y1,
                            row + ", " + xq + " = " + HoverLayer.number(columns[c]) + ": " + vq + " = " + HoverLayer.number(values[r][c]));
                }
            } else {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double v : values[r]) {
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
                String range = lo <= hi ? vq + " from " + HoverLayer.number(lo) + " to " + HoverLayer.number(hi) : "no value";
                layer.dataRect(plot, area, data(colEdges[0], logX), data(colEdges[cols], logX), y0, y1, row + ": " + range + " over " + xq + " "
                        + HoverLayer.number(columns[0]) + " to " + HoverLayer.number(columns[cols - 1]) + "; at " + xq + " = "
                        + HoverLayer.number(columns[cols - 1]) + ": " + HoverLayer.number(values[r][cols - 1]));
            }
        }
    }

    /** An edge in axis units as a data value. */
    private static double data(double axisUnits, boolean log) {
        return log ? Math.pow(10, axisUnits) : axisUnits;
    }
}
