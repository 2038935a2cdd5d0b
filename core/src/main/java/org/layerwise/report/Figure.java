package org.layerwise.report;

import java.nio.file.Path;

/**
 * A drawn figure: its SVG text (for inlining in a report page) and the PNG and SVG files written
 * beside it. Width and height are the drawing size in pixels, which is also the SVG's viewBox.
 */
public record Figure(String name, String svg, Path png, Path svgFile, int width, int height) {
}
