package org.layerwise.study.scaling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.study.RunSpec;

/**
 * One run of the depth grid, typed: its depth and seed index. Its id, folder and settings are made here
 * and read back here ({@link #of}), so no other code names the settings keys or parses a run id.
 *
 * @param depth     L, the network's depth
 * @param seedIndex which of the study's seeds (seed, seed + 1, ...)
 */
record ScalingRun(int depth, int seedIndex) {
    static final String DEPTH = "depth";
    static final String SEED_INDEX = "seed-index";

    /** The run's id and folder name, "L00291-s0". */
    String id() {
        return String.format("L%05d-s%d", depth, seedIndex);
    }

    /** The run's folder, relative to the study folder. */
    String folder() {
        return "depths/" + id();
    }

    /** The run as the framework plans it: the shared settings with the depth and seed index added. */
    RunSpec spec(Map<String, Object> shared, double cost) {
        Map<String, Object> settings = new LinkedHashMap<>(shared);
        settings.put(DEPTH, depth);
        settings.put(SEED_INDEX, seedIndex);
        return new RunSpec(id(), folder(), settings, cost);
    }

    /** The run a planned spec stands for. */
    static ScalingRun of(RunSpec spec) {
        return new ScalingRun(((Number) spec.settings().get(DEPTH)).intValue(), ((Number) spec.settings().get(SEED_INDEX)).intValue());
    }

    /** Whether this run records the entry paths: the deepest depth of the grid, seed 0. */
    boolean recordsEntryPaths(ScalingConfig c) {
        List<Integer> d = c.depths();
        return seedIndex == 0 && depth == d.get(d.size() - 1);
    }
}
