package org.layerwise.study.scaling;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.report.Notation;
import org.layerwise.study.StudyPage;

/**
 * How the scaling report's sections put figures on the page: captions and notes in {@link Notation}
 * markup, charts saved into plots/, the data files each figure is drawn from (linked beside it), and the
 * axes they share: depth L over the sound runs (labelled at trained depths only), fitted power laws and
 * reference slopes through them, and s = k/L along a network.
 */
final class DepthPlots {
    private final StudyPage page;
    private final List<TrainedRun> ok;
    private final Path dir;

    /** @param dir the study folder, where the analysis' files (summary.json, fits.csv, metrics.csv) lie */
    DepthPlots(StudyPage page, List<TrainedRun> ok, Path dir) {
        this.page = page;
        this.ok = ok;
        this.dir = dir;
    }

    StudyPage page() {
        return page;
    }

    /**
     * Adds a drawn figure with its caption (written in Notation markup) and links to the data files it is
     * drawn from, those of them that exist; a figure that could not be drawn is skipped.
     */
    void figure(Figure f, String caption, Path... data) {
        page.figure(f, Notation.format(caption), StudyPage.existing(data).toArray(Path[]::new));
    }

    /** The files the fits across depths are drawn from: fits.csv (every fit), metrics.csv (every run's statistics), summary.json. */
    Path[] fitFiles() {
        return new Path[] {dir.resolve(ScalingStudy.FITS), dir.resolve(ScalingStudy.METRICS), ScalingStudy.FILES.summary(dir)};
    }

    /** A file of the study folder (trend_noise.csv, metrics.csv ...). */
    Path studyFile(String name) {
        return dir.resolve(name);
    }

    /** The named files of each run's folder (depths/L00291-s0/loss.csv ...), run by run. */
    static Path[] runFiles(List<TrainedRun> rs, String... names) {
        return rs.stream().flatMap(r -> Stream.of(names).map(r.dir::resolve)).toArray(Path[]::new);
    }

    /** The files of several lists, in order. */
    static Path[] files(Path[]... parts) {
        return Stream.of(parts).flatMap(Stream::of).toArray(Path[]::new);
    }

    /**
     * Which depths a figure of one curve per depth draws: "all 12 depths" when {@code shown} holds every
     * depth of {@code all}, else "6 of the 12 depths (L = 3, 11, 38, 86, 194, 291)".
     */
    static String drawnDepths(List<TrainedRun> shown, List<TrainedRun> all) {
        return namedDepths(shown.stream().map(r -> r.depth).toList(), all.stream().map(r -> r.depth).toList());
    }

    /** As {@link #drawnDepths(List, List)}, from the depths themselves (repeats, one per seed, count once). */
    static String namedDepths(java.util.Collection<Integer> shownDepths, java.util.Collection<Integer> allDepths) {
        long every = allDepths.stream().distinct().count();
        List<Integer> drawn = shownDepths.stream().distinct().sorted().toList();
        if (drawn.size() == every) {
            return every == 1 ? "the one depth" : "all " + every + " depths";
        }
        return drawn.size() + " of the " + every + " depths (L = " + drawn.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
    }

    /** The chart saved as plots/NAME.png and .svg, or null when it holds nothing. */
    Figure save(Chart c, String name) {
        Path plots = page.plots();
        return c.isEmpty() ? null : c.saveFigure(plots, name);
    }

    /** A note on what the authors' code does, in Notation markup. */
    void code(String text) {
        page.page().note(Source.CODE, Notation.format(text));
    }

    static double[] depths(List<TrainedRun> rs) {
        return rs.stream().mapToDouble(r -> r.depth).toArray();
    }

    /** The distinct depths of these runs: the only labelled ticks of a depth axis ({@link Chart#onlyTicksX}). */
    static double[] depthTicks(List<TrainedRun> rs) {
        return rs.stream().mapToDouble(r -> r.depth).distinct().sorted().toArray();
    }

    /** One statistic of one sequence for every sound run, NaN where a run has none. */
    double[] stat(String seq, String st) {
        return ok.stream().mapToDouble(r -> r.stats.containsKey(seq) && r.stats.get(seq).get(st) != null
                ? r.stats.get(seq).get(st) : Double.NaN).toArray();
    }

    private double[] depthRange() {
        double lo = ok.stream().mapToInt(r -> r.depth).min().orElse(1);
        double hi = ok.stream().mapToInt(r -> r.depth).max().orElse(1);
        return new double[] {lo, hi};
    }

    /** The fitted line exp(intercept) L^(slope + shift) over the depth range. */
    double[][] fitLine(ScalingFit f, double shift) {
        double[] r = depthRange();
        double[] x = {r[0], Math.sqrt(r[0] * r[1]), r[1]};
        double[] y = new double[3];
        for (int i = 0; i < 3; i++) {
            y[i] = Math.exp(f.intercept()) * Math.pow(x[i], f.slope() + shift);
        }
        return new double[][] {x, y};
    }

    /** A line of the given slope through the fitted line's value at the geometric middle of the depth range. */
    double[][] referenceLine(ScalingFit f, double shift, double slope) {
        double[] r = depthRange();
        double mid = Math.sqrt(r[0] * r[1]);
        double at = Math.exp(f.intercept()) * Math.pow(mid, f.slope() + shift);
        return new double[][] {{r[0], r[1]}, {at * Math.pow(r[0] / mid, slope), at * Math.pow(r[1] / mid, slope)}};
    }

    /** s = k/L for the layers of a network of depth len. */
    static double[] along(int len) {
        double[] s = new double[len];
        for (int k = 0; k < len; k++) {
            s[k] = (double) k / len;
        }
        return s;
    }
}
