package org.layerwise.report;

import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;

/**
 * The values under the pointer: invisible SVG shapes laid over a drawn figure, each with a {@code <title>}
 * child ("depth L = 45, β = 0.71"), which a browser shows when the pointer rests on it. The shapes are
 * unpainted ({@code fill="none"}) but catch the pointer ({@code pointer-events="all"}), so the picture
 * is unchanged; the PNG has none.
 *
 * <p>Targets are placed in the drawing's pixel coordinates, from the plot's data area once the chart is
 * laid out; a target outside the data area (clipped data) is left out.
 */
final class HoverLayer {
    private final StringBuilder markup = new StringBuilder();
    private int count;

    /** A round target of radius r (px) centred at (x, y). */
    void point(double x, double y, double r, String text) {
        markup.append("<circle cx=\"").append(px(x)).append("\" cy=\"").append(px(y)).append("\" r=\"").append(px(r)).append("\"><title>")
                .append(escape(text)).append("</title></circle>");
        count++;
    }

    /** A rectangular target (a heatmap cell or row). */
    void rect(double x, double y, double w, double h, String text) {
        markup.append("<rect x=\"").append(px(x)).append("\" y=\"").append(px(y)).append("\" width=\"").append(px(w)).append("\" height=\"")
                .append(px(h)).append("\"><title>").append(escape(text)).append("</title></rect>");
        count++;
    }

    /** A target at the data point (x, y) of the plot, if it lies in the data area. */
    void dataPoint(XYPlot plot, Rectangle2D area, double x, double y, double r, String text) {
        double px = plot.getDomainAxis().valueToJava2D(x, area, plot.getDomainAxisEdge());
        double py = plot.getRangeAxis().valueToJava2D(y, area, plot.getRangeAxisEdge());
        if (Double.isFinite(px) && Double.isFinite(py) && px >= area.getMinX() - 0.5 && px <= area.getMaxX() + 0.5
                && py >= area.getMinY() - 0.5 && py <= area.getMaxY() + 0.5) {
            point(px, py, r, text);
        }
    }

    /**
     * A target over the data rectangle [x0, x1] x [y0, y1] of the plot (data units), cut to the data area;
     * nothing when it falls outside.
     */
    void dataRect(XYPlot plot, Rectangle2D area, double x0, double x1, double y0, double y1, String text) {
        ValueAxis xa = plot.getDomainAxis();
        ValueAxis ya = plot.getRangeAxis();
        double a = xa.valueToJava2D(x0, area, plot.getDomainAxisEdge());
        double b = xa.valueToJava2D(x1, area, plot.getDomainAxisEdge());
        double c = ya.valueToJava2D(y0, area, plot.getRangeAxisEdge());
        double d = ya.valueToJava2D(y1, area, plot.getRangeAxisEdge());
        double left = Math.max(area.getMinX(), Math.min(a, b));
        double right = Math.min(area.getMaxX(), Math.max(a, b));
        double top = Math.max(area.getMinY(), Math.min(c, d));
        double bottom = Math.min(area.getMaxY(), Math.max(c, d));
        if (right > left && bottom > top) {
            rect(left, top, right - left, bottom - top, text);
        }
    }

    /** How many targets were added. */
    int size() {
        return count;
    }

    /** The targets as one SVG group, or "" when there is none. */
    String markup() {
        return count == 0 ? "" : "<g class=\"hover\" fill=\"none\" stroke=\"none\" pointer-events=\"all\">" + markup + "</g>";
    }

    /** The SVG with the targets drawn last (over everything else), just before its closing tag. */
    static String into(String svg, String targets) {
        int end = svg.lastIndexOf("</svg>");
        return targets.isEmpty() || end < 0 ? svg : svg.substring(0, end) + targets + svg.substring(end);
    }

    /** A value as a reader wants it under the pointer: integers whole, others to 4 significant digits (0.7141, 3.2e-05). */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        BigDecimal b = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        double a = Math.abs(v);
        return a >= 1e-4 && a < 1e6 ? b.toPlainString() : String.format(Locale.ROOT, "%.3e", v);
    }

    /** The quantity an axis label names, as hover text: "depth L", "s" (of "s = k / L"), "epoch" (of "epoch (counted from 1)"). */
    static String quantity(String label) {
        String q = Notation.format(label == null ? "value" : label);
        int eq = q.indexOf(" = ");
        if (eq > 0) {
            q = q.substring(0, eq);
        }
        return q.replaceFirst("\\s*\\([^()]*\\)$", "").trim();
    }

    /** At most {@code most} of the indices 0..n-1, evenly spaced, first and last included. */
    static int[] spread(int n, int most) {
        if (n <= most) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        int[] out = new int[most];
        for (int i = 0; i < most; i++) {
            out[i] = (int) Math.round((double) i * (n - 1) / (most - 1));
        }
        return out;
    }

    private static String px(double v) {
        double r = Math.round(v * 10) / 10.0;
        return r == (long) r ? Long.toString((long) r) : Double.toString(r);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
