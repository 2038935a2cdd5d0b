package org.layerwise.report;

import java.awt.Color;
import java.awt.Paint;
import java.util.function.DoubleFunction;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The colour bar the instruments put at the right of a plot (a chart's curve keys, a heatmap's values):
 * a strip of the colour map over colour-scale units (log10 of the values on a log scale), with an axis
 * that ticks at round values, or only at given ones.
 */
final class ColourBar {
    private ColourBar() {
    }

    /** The colours {@code colour(t)}, t in [0, 1], spread over [range[0], range[1]] in colour-scale units. */
    static PaintScale scale(double[] range, DoubleFunction<Color> colour) {
        return new PaintScale() {
            @Override
            public double getLowerBound() {
                return range[0];
            }

            @Override
            public double getUpperBound() {
                return range[1];
            }

            @Override
            public Paint getPaint(double v) {
                return colour.apply((v - range[0]) / (range[1] - range[0]));
            }
        };
    }

    /**
     * A vertical colour bar; its axis runs over colour-scale units.
     *
     * @param given     values that get labelled ticks (log scale only)
     * @param onlyGiven label the given values only (log scale only; e.g. a bar of depths names trained depths)
     */
    static PaintScaleLegend vertical(PaintScale scale, String label, boolean log, double[] range, double[] given, boolean onlyGiven) {
        ValueAxis axis;
        if (log) {
            axis = new ExponentAxis(Notation.format(label), range[0], range[1], given, onlyGiven);
        } else {
            NumberAxis a = new SparseNumberAxis(Notation.format(label));
            a.setAutoRange(false);
            a.setRange(range[0], range[1]);
            axis = a;
        }
        ChartStyle.axis(axis);
        PaintScaleLegend bar = new PaintScaleLegend(scale, axis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        bar.setStripWidth(16);
        bar.setSubdivisionCount(256);
        bar.setStripOutlineVisible(true);
        bar.setStripOutlinePaint(new Color(0x888888));
        bar.setAxisOffset(4);
        bar.setMargin(new RectangleInsets(30, 14, 40, 0));
        bar.setBackgroundPaint(Color.WHITE);
        return bar;
    }
}
