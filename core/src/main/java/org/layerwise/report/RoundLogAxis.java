package org.layerwise.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A base-10 log axis whose ticks sit at round values with distinct labels ({@link LogTicks}),
 * plus optional given values such as the trained depths.
 */
public final class RoundLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    private double[] given = new double[0];
    private boolean onlyGiven;

    /** A base-10 log axis with this label; set its range before drawing. */
    public RoundLogAxis(String label) {
        super(label);
        setBase(10);
        setSmallestValue(1e-300);
        setMinorTickMarksVisible(true);
        setMinorTickMarkOutsideLength(2f);
    }

    /** Values that get a labelled tick of their own where they lie in the range. */
    public void setGivenTicks(double... values) {
        given = values == null ? new double[0] : values.clone();
        fireChangeEvent();
    }

    /** Labels only the given values (e.g. an axis over depth names trained depths only); round values get unlabelled marks. */
    public void setOnlyGivenLabelled(boolean only) {
        onlyGiven = only;
        fireChangeEvent();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        return AxisTicks.logTicks(this, g2, dataArea, edge, getLowerBound(), getUpperBound(), given, onlyGiven, v -> v);
    }
}
