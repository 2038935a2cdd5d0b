package org.layerwise.study.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.layerwise.analysis.WeightSequence;
import org.layerwise.analysis.WeightStatistics;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.io.Npy;
import org.layerwise.model.DeltaMode;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;

/**
 * One finished run of a scaling study, read from its folder (result.json, the weights, hidden_norms.csv)
 * and reduced to what the analysis and the report need; it keeps its spec and folder, so nothing that
 * reads it later rebuilds a run's path from its depth and seed.
 */
final class TrainedRun {
    final RunSpec spec;
    final Path dir;
    int depth;
    int seedIndex;
    String reason;
    long updates;
    Double trainLoss;
    Double sharedDelta;               // |delta| for the shared mode
    final Map<String, Map<String, Double>> stats = new LinkedHashMap<>();
    double[] effectiveNorms;          // ||W_k||_F of the effective sequence
    double[] deltas;                  // delta_k (per-layer) or null
    double[][] entries;               // a few entries of the effective sequence along depth
    String[] entryNames;
    double[][] hidden;                // columns of hidden_norms.csv

    private TrainedRun(RunSpec spec, Path dir) {
        this.spec = spec;
        this.dir = dir;
    }

    /** The run's id ("L00291-s0"). */
    String id() {
        return spec.id();
    }

    boolean usable() {
        return !"DIVERGED".equals(reason);
    }

    /** The weight sequences of one run folder, as named in {@link ScalingAnalysis#SEQUENCES}. */
    static Map<String, WeightSequence> sequences(Path runDir, ScalingConfig cfg) {
        Npy.Array a = Npy.read(runDir.resolve("A.npy"));
        Npy.Array b = Npy.read(runDir.resolve("b.npy"));
        int depth = a.shape()[0];
        int d = a.shape()[1];
        Map<String, WeightSequence> m = new LinkedHashMap<>();
        WeightSequence sa = new WeightSequence("A", depth, d, d, a.data());
        WeightSequence sb = new WeightSequence("b", depth, d, 1, b.data());
        m.put("A", sa);
        m.put("b", sb);
        if (cfg.delta() != DeltaMode.NONE) {
            double[] raw = Npy.read(runDir.resolve("delta.npy")).data();
            double[] abs = new double[depth];
            for (int k = 0; k < depth; k++) {
                abs[k] = Math.abs(raw[cfg.delta() == DeltaMode.SHARED ? 0 : k]);
            }
            if (cfg.delta() == DeltaMode.PER_LAYER) {
                m.put("delta", new WeightSequence("delta", depth, 1, 1, abs));
            }
            m.put("deltaA", sa.scaledBy("deltaA", abs));
            m.put("deltab", sb.scaledBy("deltab", abs));
        }
        return m;
    }

    /** Reads a finished run; {@code effective} names the sequence whose norms and entries along depth it keeps ("A" or "deltaA"). */
    static TrainedRun load(RunSpec spec, Path p, ScalingConfig cfg, String effective) {
        JsonNode res = Json.read(p.resolve(RunFolder.RESULT));
        TrainedRun r = new TrainedRun(spec, p);
        r.depth = res.get("depth").asInt();
        r.seedIndex = res.get("seed_index").asInt();
        r.reason = res.get("stop_reason").asText();
        r.updates = res.get("updates").asLong();
        r.trainLoss = res.get("train_loss").isNull() ? null : res.get("train_loss").asDouble();
        if (!r.usable()) {
            return r;
        }
        Map<String, WeightSequence> seqs = sequences(p, cfg);
        for (var e : seqs.entrySet()) {
            r.stats.put(e.getKey(), WeightStatistics.compute(e.getValue()));
        }
        if (cfg.delta() == DeltaMode.SHARED) {
            r.sharedDelta = Math.abs(Npy.read(p.resolve("delta.npy")).data()[0]);
        }
        if (cfg.delta() == DeltaMode.PER_LAYER) {
            r.deltas = Npy.read(p.resolve("delta.npy")).data();
        }
        WeightSequence w = seqs.get(effective);
        r.effectiveNorms = WeightStatistics.layerNorms(w);
        int d = w.cols();
        int[][] picks = {{0, 0}, {d / 2, d / 3}, {d - 1, d - 1}};
        r.entries = new double[picks.length][w.length()];
        r.entryNames = new String[picks.length];
        for (int e = 0; e < picks.length; e++) {
            int idx = picks[e][0] * d + picks[e][1];
            r.entryNames[e] = effective + "[" + picks[e][0] + "," + picks[e][1] + "]";
            for (int k = 0; k < w.length(); k++) {
                r.entries[e][k] = w.get(k, idx);
            }
        }
        r.hidden = Csv.readColumns(p.resolve("hidden_norms.csv")).values();
        return r;
    }
}
