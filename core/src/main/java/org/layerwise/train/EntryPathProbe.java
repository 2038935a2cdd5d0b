package org.layerwise.train;

import java.util.ArrayList;
import java.util.List;
import org.layerwise.model.ResidualMlp;

/**
 * Records chosen weight entries of every layer at the end of each epoch: how single weights move
 * during training (the reference saves 5 A-entries and 5 b-entries per epoch at its deepest depth).
 * Reads parameters only; training does not know it is there.
 */
public final class EntryPathProbe implements TrainingListener {
    /** An entry: A_k[row][col] (col >= 0) or b_k[row] (col < 0), recorded for every layer k. */
    public record Entry(int row, int col) {
        public String name() {
            return col >= 0 ? "A_" + row + "_" + col : "b_" + row; // no comma: a plain CSV header
        }
    }

    private final ResidualMlp net;
    private final List<Entry> entries;
    private final List<Integer> epochs = new ArrayList<>();
    private final List<double[][]> values = new ArrayList<>(); // per epoch: [entry][layer]

    public EntryPathProbe(ResidualMlp net, List<Entry> entries) {
        this.net = net;
        this.entries = List.copyOf(entries);
    }

    @Override
    public void onEpochEnd(int epoch, long updates, double meanLoss, double[] params) {
        double[][] v = new double[entries.size()][net.depth()];
        for (int e = 0; e < entries.size(); e++) {
            Entry en = entries.get(e);
            for (int k = 0; k < net.depth(); k++) {
                v[e][k] = en.col() >= 0 ? params[net.offsetA(k) + en.row() * net.width() + en.col()] : params[net.offsetB(k) + en.row()];
            }
        }
        epochs.add(epoch);
        values.add(v);
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<Integer> epochs() {
        return epochs;
    }

    /** values().get(i)[e][k]: entry e of layer k after epoch epochs().get(i). */
    public List<double[][]> values() {
        return values;
    }
}
