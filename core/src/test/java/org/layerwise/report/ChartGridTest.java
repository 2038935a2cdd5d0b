package org.layerwise.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartGridTest {
    @TempDir
    Path dir;

    /**
     * Four statistics six decades apart, as the roughness figure of the scaling page: each panel is drawn
     * with its own y range (its own round tick labels), all in one figure, with every panel's hover values.
     */
    @Test
    void smallMultiplesDrawEachPanelOverItsOwnRange() throws Exception {
        double[] x = {3, 30, 300};
        double[] scale = {1e-6, 1e-3, 1, 10};
        ChartGrid g = new ChartGrid("Four statistics", "points: runs", 2).panelHeight(300);
        for (int i = 0; i < scale.length; i++) {
            double s = scale[i];
            g.add(new Chart("statistic " + i, null, "depth L", "value", true, true).points("runs", x, new double[] {s, 2 * s, 4 * s}, 0));
        }
        g.add(new Chart("empty", null, "x", "y", true, true));
        assertEquals(4, g.size(), "an empty chart is no panel");
        Figure f = g.saveFigure(dir, "grid");
        BufferedImage png = ImageIO.read(f.png().toFile());
        assertEquals(1000, png.getWidth());
        assertTrue(png.getHeight() > 600 && png.getHeight() < 700, "2 rows of 300 px under the title, got " + png.getHeight());
        assertEquals(png.getHeight(), f.height());
        String svg = Files.readString(f.svgFile());
        for (int i = 0; i < scale.length; i++) {
            assertTrue(svg.contains(">statistic " + i + "<"), "panel " + i + " drawn");
        }
        assertTrue(svg.contains(">Four statistics<") && svg.contains(">points: runs<"), "the grid's title and subtitle");
        // each panel's own range: the smallest panel's axis reads 10⁻⁶-ish values, the largest tens
        assertTrue(svg.contains("<title>runs: depth L = 300, value = 4.000e-06</title>"), "hover of the first panel");
        assertTrue(svg.contains("<title>runs: depth L = 3, value = 10</title>"), "hover of the last panel");
        assertEquals(12, svg.split("<title>", -1).length - 1, "one hover title per marker of every panel");
        assertTrue(svg.contains(">10⁻⁶<") || svg.contains(">2×10⁻⁶<"), "the first panel's own tick labels");
        assertTrue(svg.contains(">30<") || svg.contains(">20<"), "the last panel's own tick labels");
        assertThrows(IllegalArgumentException.class, () -> new ChartGrid("t", null, 5));
        assertThrows(IllegalStateException.class, () -> new ChartGrid("t", null, 1).saveFigure(dir, "none"));
    }
}
