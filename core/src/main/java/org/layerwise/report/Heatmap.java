package org.layerwise.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * colour map, with axes and a colour bar that tick at round values. Computes nothing but what drawing needs.
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
 * base64 PNG {@code <image>} (drawn with {@code image-rendering: pixelated}, so cells stay sharp).
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

    /** Cell edges in axis units (log10 on a log axis): halfway between neighbouring centres. */
    static double[] edges(double[] centres) {
        int n = centres.length;
        double[] e = new double[n + 1];
        if (n == 1) {
            e[0] = centres[0] - 0.5;
            e[1] = centres[0] + 0.5;
            return e;
        }
        for (int i = 1; i < n; i++) {
            e[i] = (centres[i - 1] + centres[i]) / 2;
        }
        e[0] = centres[0] - (centres[1] - centres[0]) / 2;
        e[n] = centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2;
        return e;
    }

    private static double[] axisUnits(double[] c, boolean log) {
        double[] u = c.clone();
        if (log) {
            for (int i = 0; i < u.length; i++) {
                u[i] = Math.log10(u[i]);
            }
        }
        return u;
    }

    /** One raster cell per matrix cell where the axis is linear, evenly spaced and not finer than the screen. */
    private static int rasterSize(double[] centres, boolean log, int pixels) {
        if (log || centres.length > pixels) {
            return pixels;
        }
        double step = centres.length > 1 ? centres[1] - centres[0] : 1;
        for (int i = 1; i < centres.length; i++) {
            if (Math.abs(centres[i] - centres[i - 1] - step) > 1e-9 * Math.abs(step)) {
                return pixels;
            }
        }
        return centres.length;
    }

    /**
     * The matrix averaged onto an outRows x outCols raster (row 0 = lowest row coordinate), in
     * colour-scale units; NaN where every covered cell is missing. Centres and ranges are in axis units.
     */
    static double[][] downsample(double[][] values, double[] rowCentres, double[] colCentres, double[] rowRange, double[] colRange,
                                 boolean logColour, int outRows, int outCols) {
        int[] rowPixel = pixelOfCell(rowCentres, rowRange, outRows);
        int[] colPixel = pixelOfCell(colCentres, colRange, outCols);
        int[] rowFill = cellOfEmptyPixel(rowCentres, rowRange, outRows, rowPixel);
        int[] colFill = cellOfEmptyPixel(colCentres, colRange, outCols, colPixel);
        List<List<Integer>> filledRowsOf = new ArrayList<>();
        for (int r = 0; r < rowCentres.length; r++) {
            filledRowsOf.add(new ArrayList<>());
        }
        for (int p = 0; p < outRows; p++) {
            if (rowFill[p] >= 0) {
                filledRowsOf.get(rowFill[p]).add(p);
            }
        }
        double[][] sum = new double[outRows][outCols];
        int[][] count = new int[outRows][outCols];
        // rows are reduced to per-pixel column sums in parallel blocks, then added to their target pixel rows in order
        int block = 64;
        double[][] rowSum = new double[block][outCols];
        int[][] rowCount = new int[block][outCols];
        for (int start = 0; start < values.length; start += block) {
            int first = start;
            int n = Math.min(block, values.length - start);
            java.util.stream.IntStream.range(0, n).parallel().forEach(b -> {
                int r = first + b;
                java.util.Arrays.fill(rowSum[b], 0);
                java.util.Arrays.fill(rowCount[b], 0);
                if (rowPixel[r] >= 0 || !filledRowsOf.get(r).isEmpty()) {
                    reduceRow(values[r], colPixel, colFill, logColour, rowSum[b], rowCount[b]);
                }
            });
            for (int b = 0; b < n; b++) {
                int r = first + b;
                List<Integer> targets = new ArrayList<>(filledRowsOf.get(r));
                if (rowPixel[r] >= 0) {
                    targets.add(rowPixel[r]);
                }
                for (int target : targets) {
                    for (int p = 0; p < outCols; p++) {
                        sum[target][p] += rowSum[b][p];
                        count[target][p] += rowCount[b][p];
                    }
                }
            }
        }
        double[][] mean = new double[outRows][outCols];
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < outCols; j++) {
                mean[i][j] = count[i][j] == 0 ? Double.NaN : sum[i][j] / count[i][j];
            }
        }
        return mean;
    }

    /** One matrix row summed per raster column (in colour-scale units), missing values skipped. */
    private static void reduceRow(double[] row, int[] colPixel, int[] colFill, boolean log, double[] sum, int[] count) {
        for (int c = 0; c < row.length; c++) {
            int p = colPixel[c];
            if (p >= 0) {
                double u = units(row[c], log);
                if (u == u) {
                    sum[p] += u;
                    count[p]++;
                }
            }
        }
        for (int p = 0; p < colFill.length; p++) {
            if (colFill[p] >= 0) {
                double u = units(row[colFill[p]], log);
                if (u == u) {
                    sum[p] = u;
                    count[p] = 1;
                }
            }
        }
    }

    private static final double INV_LN10 = 1 / Math.log(10);

    /** Math.log (a JIT intrinsic) scaled, rather than Math.log10: this runs once per matrix cell. */
    private static double units(double v, boolean log) {
        if (!Double.isFinite(v) || (log && v <= 0)) {
            return Double.NaN;
        }
        return log ? Math.log(v) * INV_LN10 : v;
    }

    /** The raster pixel each cell centre falls in, or -1 outside the range. */
    private static int[] pixelOfCell(double[] centres, double[] range, int pixels) {
        int[] p = new int[centres.length];
        double scale = pixels / (range[1] - range[0]);
        for (int i = 0; i < centres.length; i++) {
            double x = (centres[i] - range[0]) * scale;
            p[i] = x >= 0 && x < pixels ? (int) x : (x == pixels ? pixels - 1 : -1);
        }
        return p;
    }

    /** For pixels that no cell centre falls in, the cell whose extent covers the pixel's centre; -1 for the others. */
    private static int[] cellOfEmptyPixel(double[] centres, double[] range, int pixels, int[] pixelOfCell) {
        boolean[] hit = new boolean[pixels];
        for (int p : pixelOfCell) {
            if (p >= 0) {
                hit[p] = true;
            }
        }
        double[] e = edges(centres);
        int[] fill = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            fill[p] = -1;
            if (!hit[p]) {
                double x = range[0] + (p + 0.5) * (range[1] - range[0]) / pixels;
                int i = java.util.Arrays.binarySearch(e, x);
                int cell = i >= 0 ? Math.min(i, centres.length - 1) : -i - 2;
                fill[p] = cell >= 0 && cell < centres.length ? cell : -1;
            }
        }
        return fill;
    }

    /** The raster as an image (top row = highest row coordinate), cached for the PNG and SVG of one size. */
    private BufferedImage raster(int pixelRows, int pixelCols, double[] colour) {
        double[] rowUnits = axisUnits(rows, logY);
        double[] colUnits = axisUnits(columns, logX);
        double[] rowEdges = edges(rowUnits);
        double[] colEdges = edges(colUnits);
        int outRows = rasterSize(rowUnits, logY, Math.max(1, pixelRows));
        int outCols = rasterSize(colUnits, logX, Math.max(1, pixelCols));
        if (cachedMeans == null || cachedRows != outRows || cachedCols != outCols) {
            cachedMeans = downsample(values, rowUnits, colUnits, new double[] {rowEdges[0], rowEdges[rowEdges.length - 1]},
                    new double[] {colEdges[0], colEdges[colEdges.length - 1]}, logColour, outRows, outCols);
            cachedRows = outRows;
            cachedCols = outCols;
        }
        BufferedImage img = new BufferedImage(outCols, outRows, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < outRows; i++) {
            for (int j = 0; j < outCols; j++) {
                double m = cachedMeans[i][j];
                img.setRGB(j, outRows - 1 - i, ColourMap.rgb(m == m ? (m - colour[0]) / (colour[1] - colour[0]) : Double.NaN));
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
        double[] e = edges(axisUnits(centres, log));
        double lo = e[0];
        double hi = e[e.length - 1];
        return log ? new double[] {Math.pow(10, lo), Math.pow(10, hi)} : new double[] {lo, hi};
    }

    JFreeChart build() {
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
        PaintScale scale = new PaintScale() {
            @Override
            public double getLowerBound() {
                return colour[0];
            }

            @Override
            public double getUpperBound() {
                return colour[1];
            }

            @Override
            public Paint getPaint(double v) {
                return ColourMap.colour((v - colour[0]) / (colour[1] - colour[0]));
            }
        };
        chart.addSubtitle(Chart.colourBar(scale, logLabel(colourLabel, logColour), logColour, new double[] {colour[0], colour[1]}, new double[0]));
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
                s -> s.replace("<image ", "<image style=\"image-rendering:pixelated\" image-rendering=\"optimizeSpeed\" "));
    }
}
