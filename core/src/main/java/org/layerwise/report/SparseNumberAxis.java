package org.layerwise.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickUnit;
import org.jfree.chart.axis.TickUnitSource;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A linear axis that keeps JFreeChart's round tick units (1, 2, 5 x 10^k) but spaces labels at least
 * 45 px apart vertically and 90 px horizontally; the default packs them as tightly as they fit, which
 * at 14 px text gives a wall of 18 labels.
 */
final class SparseNumberAxis extends NumberAxis {
    private static final long serialVersionUID = 1L;
    private static final double MIN_VERTICAL_GAP = 45;
    private static final double MIN_HORIZONTAL_GAP = 90;

    SparseNumberAxis(String label) {
        super(label);
    }

    @Override
    protected void selectAutoTickUnit(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        super.selectAutoTickUnit(g2, dataArea, edge);
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        double length = horizontal ? dataArea.getWidth() : dataArea.getHeight();
        int maxTicks = (int) Math.max(2, length / (horizontal ? MIN_HORIZONTAL_GAP : MIN_VERTICAL_GAP));
        TickUnitSource units = getStandardTickUnits();
        TickUnit unit = getTickUnit();
        for (int i = 0; i < 60 && getRange().getLength() / unit.getSize() > maxTicks; i++) {
            TickUnit larger = units.getLargerTickUnit(unit);
            if (larger.getSize() <= unit.getSize()) {
                break;
            }
            unit = larger;
        }
        setTickUnit((org.jfree.chart.axis.NumberTickUnit) unit, false, false);
    }
}
