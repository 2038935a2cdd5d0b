package org.layerwise.study.scaling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.train.EntryPathProbe;

/**
 * What the report reads of the run folders beyond the analysis' numbers: the loss curves (averaged over
 * the seeds of each depth), the entry paths the deepest recording run streamed, and which runs to draw.
 * Reads only; a file that cannot be read is named through {@code skip} and left out, never fatal.
 */
final class ScalingRunData {
    private final List<TrainedRun> runs;
    private final List<TrainedRun> ok;
    private Recording recording;
    private boolean recordingLooked;

    /** @param runs the finished runs, by depth then seed */
    ScalingRunData(List<TrainedRun> runs) {
        this.runs = List.copyOf(runs);
        this.ok = runs.stream().filter(TrainedRun::usable).toList();
    }

    /** Every finished run, diverged ones included. */
    List<TrainedRun> runs() {
        return runs;
    }

    /** The finished runs that did not diverge: what every fit and most figures use. */
    List<TrainedRun> ok() {
        return ok;
    }

    /** Up to n runs of seed 0 spread over the depth range. */
    List<TrainedRun> spread(int n) {
        List<TrainedRun> s0 = ok.stream().filter(r -> r.seedIndex == 0).toList();
        if (s0.size() <= n) {
            return s0;
        }
        List<TrainedRun> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(s0.get((int) Math.round((double) i * (s0.size() - 1) / (n - 1))));
        }
        return out;
    }

    /** The deepest sound run of seed 0, or null. */
    TrainedRun deepestSeed0() {
        List<TrainedRun> s0 = ok.stream().filter(r -> r.seedIndex == 0).toList();
        return s0.isEmpty() ? null : s0.get(s0.size() - 1);
    }

    /**
     * The loss curve of every depth (loss.csv's mean batch loss per epoch): with several seeds their mean
     * at each epoch all of them reached; a diverged seed is left out unless every seed of its depth diverged.
     *
     * @param mean     by depth, in increasing order
     * @param spread   the largest relative spread (max - min) / mean between the seeds of a depth at any epoch
     * @param averaged the most seeds averaged into one curve
     */
    record LossCurves(Map<Integer, double[]> mean, double spread, int averaged) {
    }

    LossCurves lossCurves(Consumer<String> skip) {
        Map<Integer, List<TrainedRun>> byDepth = new TreeMap<>();
        runs.forEach(r -> byDepth.computeIfAbsent(r.depth, k -> new ArrayList<>()).add(r));
        Map<Integer, double[]> mean = new LinkedHashMap<>();
        double spread = 0;
        int averaged = 0;
        for (var entry : byDepth.entrySet()) {
            List<TrainedRun> sound = entry.getValue().stream().filter(TrainedRun::usable).toList();
            List<TrainedRun> members = sound.isEmpty() ? entry.getValue() : sound;
            List<double[]> curves = new ArrayList<>();
            for (TrainedRun r : members) {
                try {
                    curves.add(Csv.readColumns(r.dir.resolve("loss.csv")).column("mean_batch_loss"));
                } catch (RuntimeException ex) {
                    skip.accept("The loss curve of run " + r.id() + ": " + ex.getMessage());
                }
            }
            if (curves.isEmpty()) {
                continue;
            }
            int n = curves.stream().mapToInt(v -> v.length).min().orElse(0);
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] v : curves) {
                    sum += v[i];
                    lo = Math.min(lo, v[i]);
                    hi = Math.max(hi, v[i]);
                }
                y[i] = sum / curves.size();
                if (curves.size() > 1 && Double.isFinite(y[i]) && y[i] > 0 && Double.isFinite(hi - lo)) {
                    spread = Math.max(spread, (hi - lo) / y[i]);
                }
            }
            averaged = Math.max(averaged, curves.size());
            mean.put(entry.getKey(), y);
        }
        return new LossCurves(mean, spread, averaged);
    }

    /** The entry paths the deepest recording run wrote: its folder, depth, entry names and the epoch of each recorded row. */
    record Recording(Path dir, int depth, List<String> names, double[] epochs) {
        /** Entry {@code e} of every layer at every recorded row: rows x layers. */
        double[][] entry(int e) {
            return Npy.readMiddleSlab(dir.resolve(EntryPathProbe.VALUES), e);
        }
    }

    /** The deepest run with entry paths, or null (looked up once; what went wrong is named once). */
    Recording recording(Consumer<String> skip) {
        if (!recordingLooked) {
            recordingLooked = true;
            recording = findRecording(skip);
        }
        return recording;
    }

    private Recording findRecording(Consumer<String> skip) {
        List<TrainedRun> candidates = new ArrayList<>(ok);
        candidates.sort((a, b) -> a.depth != b.depth ? Integer.compare(b.depth, a.depth) : Integer.compare(a.seedIndex, b.seedIndex));
        for (TrainedRun r : candidates) {
            Path run = r.dir;
            if (!Files.exists(run.resolve(EntryPathProbe.VALUES))) {
                continue;
            }
            try {
                List<String> names = new ArrayList<>();
                Json.read(run.resolve(EntryPathProbe.META)).path("entries").forEach(n -> names.add(n.asText()));
                double[] epochs = Csv.readColumns(run.resolve(EntryPathProbe.INDEX)).column("epoch");
                return new Recording(run, r.depth, names, epochs);
            } catch (RuntimeException ex) {
                skip.accept("The entry paths of run " + r.id() + ": " + ex.getMessage());
                return null;
            }
        }
        if (!ok.isEmpty()) {
            skip.accept("The entry paths: no finished run recorded them (the deepest planned run records them; it may be absent).");
        }
        return null;
    }
}
