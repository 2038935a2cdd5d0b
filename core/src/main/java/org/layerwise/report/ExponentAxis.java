package org.layerwise.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A linear axis over log10 of the values, labelled with the values themselves at round positions.
 * Used by colour bars: JFreeChart's colour strip is subdivided evenly in axis units, which on a
 * {@link org.jfree.chart.axis.LogAxis} would crowd every strip into the top decade.
 */
final class ExponentAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;

    private final double[] given;
    private final boolean onlyGiven;

    ExponentAxis(String label, double log10Lo, double log10Hi, double[] given) {
        this(label, log10Lo, log10Hi, given, false);
    }

    /** @param onlyGiven label the given values only ({@link LogTicks#givenOnly}) */
    ExponentAxis(String label, double log10Lo, double log10Hi, double[] given, boolean onlyGiven) {
        super(label);
        this.given = given.clone();
        this.onlyGiven = onlyGiven;
        setAutoRange(false);
        setRange(log10Lo, log10Hi);
        setMinorTickMarksVisible(true);
        setMinorTickMarkOutsideLength(2f);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        return AxisTicks.logTicks(this, g2, dataArea, edge, Math.pow(10, getLowerBound()), Math.pow(10, getUpperBound()),
                given, onlyGiven, Math::log10);
    }
}
