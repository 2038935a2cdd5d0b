package org.layerwise.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.block.LengthConstraintType;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * An instrument: small multiples. Several {@link Chart}s drawn as panels of one figure, row by row in a
 * grid of {@code columns}, under one title; each panel keeps its own axes and y-range, so quantities
 * that differ by decades (four statistics from 10⁻⁶ to 10) are each drawn over their own range instead
 * of flattened on a shared axis. Saved like a chart: a PNG and an SVG 1000 px wide, the SVG with the
 * values under the pointer of every panel ({@link HoverLayer}). Computes nothing.
 */
public final class ChartGrid {
    private final String title;
    private final String subtitle;
    private final int columns;
    private final List<Chart> panels = new ArrayList<>();
    private int panelHeight = 380;

    /**
     * @param subtitle one line under the title (may be null), e.g. what the markers and lines of every panel are
     * @param columns  panels per row (1 to 4)
     */
    public ChartGrid(String title, String subtitle, int columns) {
        if (columns < 1 || columns > 4) {
            throw new IllegalArgumentException("a chart grid has 1 to 4 columns, got " + columns);
        }
        this.title = title;
        this.subtitle = subtitle;
        this.columns = columns;
    }

    /** Adds a panel (a chart with nothing to draw is left out). */
    public ChartGrid add(Chart panel) {
        if (panel != null && !panel.isEmpty()) {
            panels.add(panel);
        }
        return this;
    }

    /** The height of each panel in pixels (its width is 1000 / columns). */
    public ChartGrid panelHeight(int pixels) {
        if (pixels < 200 || pixels > 2000) {
            throw new IllegalArgumentException("panel height must be 200..2000 px, got " + pixels);
        }
        this.panelHeight = pixels;
        return this;
    }

    /** True if no panel has anything to draw. */
    public boolean isEmpty() {
        return panels.isEmpty();
    }

    /** How many panels are drawn. */
    public int size() {
        return panels.size();
    }

    /** Writes {@code name}.png and {@code name}.svg (1000 px wide) into dir. */
    public Figure saveFigure(Path dir, String name) {
        if (panels.isEmpty()) {
            throw new IllegalStateException("a chart grid needs at least one panel");
        }
        int w = ChartStyle.WIDTH;
        List<TextTitle> head = header();
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        double headHeight = 8;
        for (TextTitle t : head) {
            headHeight += t.arrange(scratch, new RectangleConstraint(w - 20, null, LengthConstraintType.FIXED, 0, null,
                    LengthConstraintType.NONE)).getHeight();
        }
        scratch.dispose();
        int top = (int) Math.ceil(headHeight);
        int rows = (panels.size() + columns - 1) / columns;
        int h = top + rows * panelHeight;

        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        ChartStyle.smooth(g);
        draw(g, head, top, w, h, null);
        g.dispose();

        SVGGraphics2D svg = ChartStyle.canvas(name, w, h);
        HoverLayer layer = new HoverLayer();
        draw(svg, head, top, w, h, layer);
        String text = HoverLayer.into(svg.getSVGElement(null, true, new ViewBox(0, 0, w, h), null, null), layer.markup());
        return ChartStyle.write(img, text, dir, name, w, h);
    }

    private List<TextTitle> header() {
        List<TextTitle> head = new ArrayList<>();
        TextTitle t = new TextTitle(Notation.format(title), ChartStyle.TITLE);
        t.setPaint(ChartStyle.INK);
        t.setPadding(new RectangleInsets(8, 4, 2, 4));
        head.add(t);
        if (subtitle != null && !subtitle.isBlank()) {
            TextTitle sub = new TextTitle(Notation.format(subtitle), ChartStyle.SUBTITLE);
            sub.setPaint(new Color(0x444444));
            sub.setPadding(new RectangleInsets(2, 4, 6, 4));
            head.add(sub);
        }
        return head;
    }

    /** Draws the title lines, then every panel in its cell; with a layer, each panel's hover targets too. */
    private void draw(Graphics2D g, List<TextTitle> head, int top, int w, int h, HoverLayer layer) {
        g.setPaint(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double y = 8;
        for (TextTitle t : head) {
            double th = t.arrange(g, new RectangleConstraint(w - 20, null, LengthConstraintType.FIXED, 0, null, LengthConstraintType.NONE))
                    .getHeight();
            t.draw(g, new Rectangle2D.Double(10, y, w - 20, th));
            y += th;
        }
        int cw = w / columns;
        for (int i = 0; i < panels.size(); i++) {
            Chart panel = panels.get(i);
            JFreeChart chart = panel.build();
            Rectangle cell = new Rectangle(i % columns * cw, top + i / columns * panelHeight, cw, panelHeight);
            ChartRenderingInfo info = new ChartRenderingInfo(null);
            chart.draw(g, cell, info);
            if (layer != null) {
                panel.placeHover(chart, info.getPlotInfo().getDataArea(), layer);
            }
        }
    }
}
