package org.layerwise.study.scaling;

import static org.layerwise.study.scaling.DepthPlots.along;
import static org.layerwise.study.scaling.ScalingText.entryLabel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.layerwise.report.Chart;
import org.layerwise.report.Figure;
import org.layerwise.report.Heatmap;
import org.layerwise.study.scaling.ScalingRunData.Recording;
import org.layerwise.train.EntryPathProbe;

/**
 * How the deepest run's weights formed during training, from the entry paths it streamed
 * (entry_paths.npy, recorded rows x entries x layers): layer x epoch heatmaps of the first A- and the first
 * b-entry, on a diverging map centred on 0 where the entry takes both signs, and snapshots of one entry
 * across the layers after a few recorded epochs.
 */
final class EntryPathFigures extends ScalingSection {
    /** Most entries of the deepest run drawn as layer x epoch heatmaps (the first A- and the first b-entry). */
    static final int HEATMAP_ENTRIES = 2;

    private Path[] snapshotFiles = new Path[0];

    EntryPathFigures(ReportInputs in, DepthPlots plots) {
        super(in, plots);
    }

    /** The heatmaps, then the snapshots. */
    void add() {
        heatmaps();
        Figure snapshots = snapshotPlot();
        figure(snapshots, "Snapshots of one recorded entry of A_k, times L^beta, across all layers of the deepest network after a few recorded "
                + "epochs (the legend names them): a smooth profile that forms and settles is the ODE-like picture; one that stays rough is "
                + "diffusive.", snapshotFiles);
    }

    private Recording recording() {
        return in.data().recording(this::skipped);
    }

    /** The files of the entry paths: the values, the row index (row to epoch) and the entry names. */
    private static Path[] files(Recording rec) {
        return new Path[] {rec.dir().resolve(EntryPathProbe.VALUES), rec.dir().resolve(EntryPathProbe.INDEX), rec.dir().resolve(EntryPathProbe.META)};
    }

    /** Layer x epoch heatmaps of the first recorded A-entry and the first b-entry of the deepest recording run. */
    void heatmaps() {
        Recording rec = recording();
        if (rec == null) {
            return;
        }
        List<Integer> picks = new ArrayList<>();
        for (String prefix : List.of("A_", "b_")) {
            for (int e = 0; e < rec.names().size() && picks.size() < HEATMAP_ENTRIES; e++) {
                if (rec.names().get(e).startsWith(prefix)) {
                    picks.add(e);
                    break;
                }
            }
        }
        for (int e : picks) {
            double[][] rows;
            try {
                rows = rec.entry(e);
            } catch (RuntimeException ex) {
                skipped("The entry-path heatmap of L = " + rec.depth() + ": " + ex.getMessage());
                return;
            }
            int n = Math.min(rows.length, rec.epochs().length);
            if (n == 0) {
                skipped("The entry-path heatmap of L = " + rec.depth() + ": no epoch was recorded.");
                return;
            }
            int layers = rows[0].length;
            double[][] m = new double[layers][n];
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < n; r++) { // the file is rows x layers; the picture is layers (up) x epochs (across)
                for (int k = 0; k < layers; k++) {
                    m[k][r] = rows[r][k];
                    if (Double.isFinite(rows[r][k])) {
                        lo = Math.min(lo, rows[r][k]);
                        hi = Math.max(hi, rows[r][k]);
                    }
                }
            }
            double[] epochs = java.util.Arrays.copyOf(rec.epochs(), n);
            boolean increasing = true;
            for (int r = 1; r < n; r++) {
                increasing &= epochs[r] > epochs[r - 1];
            }
            double[] layerAxis = new double[layers];
            for (int k = 0; k < layers; k++) {
                layerAxis[k] = k;
            }
            String name = entryLabel(rec.names().get(e));
            // a signed entry on the diverging map centred on 0 (white = 0, blue < 0, red > 0, over ±max|v|), so a
            // sign change reads at a glance; an entry of one sign on the sequential map over its own range
            boolean signed = lo < 0 && hi > 0;
            String colours = signed ? "both signs: diverging map, blue < 0, white = 0, red > 0, over ±max|value|"
                    : "viridis (sequential) over the values' range; " + (hi <= 0 ? "negative" : "non-negative") + " throughout";
            Heatmap h = new Heatmap("Entry " + name + " of every layer during training (L = " + rec.depth() + ")", colours,
                    increasing ? "epoch" : "recorded row", "layer k", m).rows(layerAxis, false).colourScale(name, false).height(520);
            if (signed) {
                h.diverging();
            }
            String colourWords = signed ? "the diverging blue-white-red map over ±max|value|, white at 0 (blue: negative, red: positive)"
                    : "the sequential viridis map over the values' range (dark: lowest, yellow: highest), the entry being "
                        + (hi <= 0 ? "negative" : "non-negative") + " throughout";
            if (increasing && n > 1) {
                h.columns(epochs, false);
            }
            String file = "entry_heatmap_" + rec.names().get(e).replaceAll("[^A-Za-z0-9_]", "_");
            figure(h.saveFigure(plots.page().plots(), file), e == picks.get(0)
                    ? "How the depth profile of one weight entry forms during training: " + name + " of every layer k (rows) after each "
                        + "recorded epoch (columns) of the deepest run that recorded entry paths. The reference code records 5 entries of A "
                        + "and 5 of b after every epoch at its deepest depth [code]; layerwise streams them to disk and thins epochs to a "
                        + "disk budget [layerwise]. Colours [layerwise]: " + colourWords + "."
                    : "The same for " + name + ", an entry of the bias b_k; colours: " + colourWords + ".", files(rec));
        }
    }

    /** One probed entry along depth at a few recorded epochs of the deepest recording run. */
    private Figure snapshotPlot() {
        Recording rec = recording();
        if (rec == null || rec.names().isEmpty()) {
            return null;
        }
        double[][] rows;
        try {
            rows = rec.entry(0);
        } catch (RuntimeException ex) {
            skipped("The entry-path snapshots of L = " + rec.depth() + ": " + ex.getMessage());
            return null;
        }
        int n = Math.min(rows.length, rec.epochs().length);
        if (n == 0) {
            return null;
        }
        String name = entryLabel(rec.names().get(0));
        double up = Math.pow(rec.depth(), beta());
        Chart c = new Chart("How one weight's depth profile forms during training (L = " + rec.depth() + ")",
                "L^beta " + name + " of every layer, after several recorded epochs", "s = k / L", "L^beta " + name, false, false);
        int[] picks = n >= 4 ? new int[] {0, n / 3, 2 * n / 3, n - 1} : java.util.stream.IntStream.range(0, n).toArray();
        for (int p : picks) {
            double[] y = new double[rows[p].length];
            for (int k = 0; k < y.length; k++) {
                y[k] = up * rows[p][k];
            }
            c.line("after epoch " + (long) rec.epochs()[p], along(y.length), y, -1);
        }
        snapshotFiles = files(rec);
        return save(c, "entry_training_paths");
    }
}
