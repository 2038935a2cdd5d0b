package org.layerwise.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.io.CsvTable;
import org.layerwise.io.Json;
import org.layerwise.io.NpyAppender;
import org.layerwise.model.ResidualMlp;

/**
 * Records chosen weight entries of every layer at the end of every k-th epoch: how single weights
 * move during training (the reference saves 5 A-entries and 5 b-entries per epoch at its deepest
 * depth). Reads parameters only; training does not know it is there.
 *
 * <p>Streams to disk as it goes, so its memory is one row whatever the run's length:
 * {@code entry_paths.npy} (float32, rows x entries x layers), {@code entry_paths_index.csv} (row,
 * epoch, updates) and {@code entry_paths.json} (entry names, thinning). At L = 10,000 one row is
 * 400 kB; {@link #thinning} picks k so that the whole run fits a byte budget. Its files survive a
 * resume: the checkpoint stores how many rows and bytes were on disk, and a resumed run truncates its
 * files back to that point before it appends again.
 */
public final class EntryPathProbe implements TrainingListener, AutoCloseable {
    public static final String VALUES = "entry_paths.npy";
    public static final String INDEX = "entry_paths_index.csv";
    public static final String META = "entry_paths.json";
    private static final List<String> INDEX_HEADER = List.of("row", "epoch", "updates");

    /** An entry: A_k[row][col] (col >= 0) or b_k[row] (col < 0), recorded for every layer k. */
    public record Entry(int row, int col) {
        public String name() {
            return col >= 0 ? "A_" + row + "_" + col : "b_" + row; // no comma: a plain CSV header
        }
    }

    private final ResidualMlp net;
    private final List<Entry> entries;
    private final Path dir;
    private final int everyEpochs;
    private NpyAppender values;
    private CsvTable index;

    /**
     * @param dir         the run folder the three files go to
     * @param everyEpochs record after epochs 0, k, 2k, ...
     */
    public EntryPathProbe(ResidualMlp net, List<Entry> entries, Path dir, int everyEpochs) {
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("everyEpochs must be >= 1, got " + everyEpochs);
        }
        this.net = net;
        this.entries = List.copyOf(entries);
        this.dir = dir;
        this.everyEpochs = everyEpochs;
    }

    /** Bytes one recorded epoch takes on disk. */
    public static long bytesPerRow(int entries, int depth) {
        return 4L * entries * depth;
    }

    /** The smallest k such that recording every k-th of at most {@code maxEpochs} epochs fits {@code budgetBytes}. */
    public static int thinning(long maxEpochs, int entries, int depth, long budgetBytes) {
        long rowsThatFit = Math.max(1, budgetBytes / bytesPerRow(entries, depth));
        long k = (maxEpochs + rowsThatFit - 1) / rowsThatFit;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, k));
    }

    @Override
    public String name() {
        return "entry_paths";
    }

    @Override
    public void onBegin(long resumedAt) {
        if (values != null) {
            return; // reopened by restoreState
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("entries", entries.stream().map(Entry::name).toList());
        meta.put("layers", net.depth());
        meta.put("every_epochs", everyEpochs);
        meta.put("layout", "entry_paths.npy[row][entry][layer]; row r was recorded after the epoch in entry_paths_index.csv");
        Json.write(dir.resolve(META), meta);
        values = NpyAppender.create(dir.resolve(VALUES), entries.size(), net.depth());
        index = CsvTable.create(dir.resolve(INDEX), INDEX_HEADER);
    }

    @Override
    public void onEpochEnd(int epoch, long updates, double meanLoss, Parameters params) {
        if (epoch % everyEpochs != 0) {
            return;
        }
        FlatParameters p = (FlatParameters) params;
        int depth = net.depth();
        double[] row = new double[entries.size() * depth];
        for (int e = 0; e < entries.size(); e++) {
            Entry en = entries.get(e);
            for (int k = 0; k < depth; k++) {
                row[e * depth + k] = en.col() >= 0 ? p.value(2 * k, en.row() * net.width() + en.col()) : p.value(2 * k + 1, en.row());
            }
        }
        index.row(values.rows(), epoch, updates);
        values.append(row);
    }

    @Override
    public void saveState(Checkpoint c) {
        values.flush();
        c.putLong(name() + ".rows", values.rows());
        c.putLong(name() + ".index_bytes", index.flush());
    }

    @Override
    public void restoreState(Checkpoint c) {
        close();
        if (!Files.exists(dir.resolve(META))) {
            throw new Checkpoint.Unusable("refers to entry paths but " + dir.resolve(META) + " is missing");
        }
        values = NpyAppender.resume(dir.resolve(VALUES), c.getLong(name() + ".rows"), entries.size(), net.depth());
        index = CsvTable.resume(dir.resolve(INDEX), INDEX_HEADER, c.getLong(name() + ".index_bytes"));
    }

    @Override
    public void onEnd(TrainResult result) {
        close();
    }

    @Override
    public void close() {
        if (values != null) {
            values.close();
            index.close();
            values = null;
            index = null;
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Names of the recorded entries in file order. */
    public static List<String> names(List<Entry> entries) {
        List<String> n = new ArrayList<>();
        entries.forEach(e -> n.add(e.name()));
        return n;
    }
}
