package org.layerwise.report;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link Heatmap} puts a matrix on the screen: cell edges halfway between neighbouring centres
 * (in log units on a log axis), and the matrix averaged onto the raster of pixels that shows it.
 *
 * <p>A pixel shows the mean, in colour-scale units (log10 on a log scale, so the geometric mean), of the
 * non-missing cells whose centres fall in it; a pixel no centre falls in (the matrix is coarser than the
 * screen there) shows the cell that covers it; a pixel is NaN only if every cell it averages is missing.
 * One pass over the values, rows reduced in parallel blocks.
 */
final class HeatmapRaster {
    private HeatmapRaster() {
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

    static double[] axisUnits(double[] c, boolean log) {
        double[] u = c.clone();
        if (log) {
            for (int i = 0; i < u.length; i++) {
                u[i] = Math.log10(u[i]);
            }
        }
        return u;
    }

    /** One raster cell per matrix cell where the axis is linear, evenly spaced and not finer than the screen. */
    static int rasterSize(double[] centres, boolean log, int pixels) {
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
}
