package org.layerwise.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;
import org.layerwise.io.AtomicFiles;

/**
 * The look shared by every instrument, sized for the report page: figures are drawn 1000 px wide
 * and embedded at up to that width, so these font sizes are what a reader sees (tick labels 14 px,
 * axis labels 15 px, title 18 px, legend 14 px).
 */
final class ChartStyle {
    static final int WIDTH = 1000;
    /**
     * DejaVu Sans where installed (it has every sub/superscript glyph {@link Notation} produces); the SVG
     * names it first too, so a browser lays text out with the widths JFreeChart measured.
     */
    static final String FAMILY = new Font("DejaVu Sans", Font.PLAIN, 12).getFamily(java.util.Locale.ROOT).equals("DejaVu Sans")
            ? "DejaVu Sans" : "SansSerif";
    private static final String SVG_FAMILY = "DejaVu Sans, Verdana, Bitstream Vera Sans, sans-serif"; // unquoted: JFreeSVG quotes attributes with '
    static final Font TITLE = new Font(FAMILY, Font.BOLD, 18);
    static final Font SUBTITLE = new Font(FAMILY, Font.PLAIN, 14);
    static final Font AXIS_LABEL = new Font(FAMILY, Font.PLAIN, 15);
    static final Font TICK_LABEL = new Font(FAMILY, Font.PLAIN, 14);
    static final Font LEGEND = new Font(FAMILY, Font.PLAIN, 14);
    static final Color INK = new Color(0x222222);
    static final Color GRID = new Color(0xdddddd);

    private ChartStyle() {
    }

    static void axis(ValueAxis a) {
        a.setLabelFont(AXIS_LABEL);
        a.setTickLabelFont(TICK_LABEL);
        a.setLabelPaint(INK);
        a.setTickLabelPaint(INK);
        a.setAxisLinePaint(new Color(0x888888));
        a.setTickMarkPaint(new Color(0x888888));
    }

    static JFreeChart chart(String title, String subtitle, org.jfree.chart.plot.Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(Notation.format(title), TITLE, plot, legend);
        chart.getTitle().setPaint(INK);
        if (subtitle != null && !subtitle.isBlank()) {
            TextTitle sub = new TextTitle(Notation.format(subtitle), SUBTITLE);
            sub.setPaint(new Color(0x444444));
            sub.setPadding(new RectangleInsets(2, 4, 6, 4));
            chart.addSubtitle(sub);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(LEGEND);
            chart.getLegend().setItemPaint(INK);
            chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(8, 8, 8, 12));
        return chart;
    }

    /** Antialiased shapes and text, as every PNG of the instruments is drawn. */
    static void smooth(java.awt.Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    static BufferedImage png(JFreeChart chart, int w, int h, org.jfree.chart.ChartRenderingInfo info) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        smooth(g);
        chart.draw(g, new Rectangle(w, h), info);
        g.dispose();
        return img;
    }

    /**
     * The chart as SVG text with a viewBox, so a page can scale it; {@code name} prefixes the
     * clip-path ids so several figures can be inlined in one page without clashing.
     */
    static String svg(JFreeChart chart, String name, int w, int h) {
        return svg(chart, name, w, h, null);
    }

    /** As {@link #svg(JFreeChart, String, int, int)}, with {@code hover}'s targets (may be null) laid over the chart. */
    static String svg(JFreeChart chart, String name, int w, int h, Hover hover) {
        SVGGraphics2D svg = canvas(name, w, h);
        ChartRenderingInfo info = new ChartRenderingInfo(null); // the data area only, no entity per item
        chart.draw(svg, new Rectangle(w, h), info);
        HoverLayer layer = new HoverLayer();
        if (hover != null) {
            hover.place(chart, info.getPlotInfo().getDataArea(), layer);
        }
        return HoverLayer.into(svg.getSVGElement(null, true, new ViewBox(0, 0, w, h), null, null), layer.markup());
    }

    /** An SVG canvas with the instruments' fonts and precision; {@code name} prefixes its clip-path ids. */
    static SVGGraphics2D canvas(String name, int w, int h) {
        SVGGraphics2D svg = new SVGGraphics2D(w, h);
        svg.setDefsKeyPrefix(name.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
        svg.setFontFunction(family -> SVG_FAMILY);
        svg.setGeomDoubleConverter(ChartStyle::twoDecimals);
        return svg;
    }

    /** Places hover targets over a chart once it is drawn, from the plot's data area in drawing pixels. */
    interface Hover {
        void place(JFreeChart chart, java.awt.geom.Rectangle2D dataArea, HoverLayer layer);
    }

    /** Coordinates to 0.01 px: finer is invisible and makes curves with many points needlessly large. */
    private static String twoDecimals(double v) {
        double r = Math.round(v * 100) / 100.0;
        return r == (long) r ? Long.toString((long) r) : Double.toString(r);
    }

    /** Writes {@code name}.png and {@code name}.svg into dir. */
    static Figure save(JFreeChart chart, Path dir, String name, int w, int h, java.util.function.UnaryOperator<String> svgEdit) {
        return save(chart, dir, name, w, h, svgEdit, null);
    }

    /** As above, with hover targets (may be null) over the SVG; the PNG is the same. */
    static Figure save(JFreeChart chart, Path dir, String name, int w, int h, java.util.function.UnaryOperator<String> svgEdit, Hover hover) {
        BufferedImage img = png(chart, w, h, null);
        return write(img, svgEdit.apply(svg(chart, name, w, h, hover)), dir, name, w, h);
    }

    /** Writes a drawn figure's PNG and SVG text as {@code name}.png and {@code name}.svg into dir. */
    static Figure write(BufferedImage img, String text, Path dir, String name, int w, int h) {
        Path png = dir.resolve(name + ".png");
        Path svgFile = dir.resolve(name + ".svg");
        AtomicFiles.write(png, out -> ImageIO.write(img, "png", out));
        AtomicFiles.write(svgFile, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        return new Figure(name, text, png, svgFile, w, h);
    }
}
