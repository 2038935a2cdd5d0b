/**
 * Instruments: they draw numbers a run or an analysis stored and compute nothing of their own, so a
 * report can be redrawn from a run folder without training again.
 *
 * <ul>
 *   <li>{@link org.layerwise.report.Chart}: x-y charts (log axes with round ticks, labelled reference
 *       lines, many curves coloured by a number with a colour bar);</li>
 *   <li>{@link org.layerwise.report.Heatmap}: a matrix such as layer x step as an image on the viridis map;</li>
 *   <li>{@link org.layerwise.report.HtmlReport}: the self-contained page every study writes;</li>
 *   <li>helpers they share: {@link org.layerwise.report.LogTicks} (where log ticks go and what they
 *       say), {@link org.layerwise.report.Notation} (ASCII markup to Unicode math),
 *       {@link org.layerwise.report.ColourMap} (viridis), {@link org.layerwise.report.Figure} (a saved drawing).</li>
 * </ul>
 * Figures are drawn 1000 px wide with 14-18 px text, the size a report page shows them at.
 */
package org.layerwise.report;
