package org.layerwise.report;

import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/**
 * Places {@link LogTicks} on a JFreeChart axis: asks for as many labels as the axis length holds,
 * measures them with the axis font, and asks for fewer until neighbouring labels do not overlap.
 */
final class AxisTicks {
    private AxisTicks() {
    }

    /**
     * Ticks for a log-scaled axis showing data values [lo, hi].
     *
     * @param onlyGiven label the given values only ({@link LogTicks#givenOnly}), not round ones
     * @param position  maps a data value to the axis' own coordinate (identity for a LogAxis, log10 for
     *                  an axis that runs over exponents)
     */
    static List<NumberTick> logTicks(ValueAxis axis, Graphics2D g2, Rectangle2D area, RectangleEdge edge, double lo, double hi,
                                     double[] given, boolean onlyGiven, DoubleUnaryOperator position) {
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        FontMetrics fm = g2.getFontMetrics(axis.getTickLabelFont());
        double length = horizontal ? area.getWidth() : area.getHeight();
        double gap = fm.getHeight() * 0.8;
        int max = (int) Math.max(3, horizontal ? length / (fm.charWidth('0') * 7) : length / (fm.getHeight() * 1.6));
        LogTicks.Ticks ticks = onlyGiven ? LogTicks.givenOnly(lo, hi, max, given) : LogTicks.ticks(lo, hi, max, given);
        for (int tries = 0; tries < 12 && max > 3; tries++) {
            if (!overlapping(ticks, axis, fm, area, edge, horizontal, gap, position)) {
                break;
            }
            max = Math.min(max, ticks.major().size()) - 1;
            ticks = onlyGiven ? LogTicks.givenOnly(lo, hi, max, given) : LogTicks.ticks(lo, hi, max, given);
        }
        TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER
                : edge == RectangleEdge.BOTTOM ? TextAnchor.TOP_CENTER
                : edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT;
        List<NumberTick> out = new ArrayList<>();
        for (LogTicks.Tick t : ticks.major()) {
            out.add(new NumberTick(TickType.MAJOR, position.applyAsDouble(t.value()), t.label(), anchor, TextAnchor.CENTER, 0.0));
        }
        for (double m : ticks.minor()) {
            out.add(new NumberTick(TickType.MINOR, position.applyAsDouble(m), "", anchor, TextAnchor.CENTER, 0.0));
        }
        return out;
    }

    private static boolean overlapping(LogTicks.Ticks ticks, ValueAxis axis, FontMetrics fm, Rectangle2D area, RectangleEdge edge,
                                       boolean horizontal, double gap, DoubleUnaryOperator position) {
        double prevPos = Double.NaN;
        double prevHalf = 0;
        for (LogTicks.Tick t : ticks.major()) {
            double pos = axis.valueToJava2D(position.applyAsDouble(t.value()), area, edge);
            double half = horizontal ? fm.stringWidth(t.label()) / 2.0 : fm.getHeight() / 2.0;
            if (!Double.isNaN(prevPos) && Math.abs(pos - prevPos) < prevHalf + half + gap) {
                return true;
            }
            prevPos = pos;
            prevHalf = half;
        }
        return false;
    }
}
