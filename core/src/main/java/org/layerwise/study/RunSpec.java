package org.layerwise.study;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One independent training run of a study.
 *
 * @param id       unique within the study and stable (the same config gives the same ids); the run's
 *                 folder name
 * @param folder   the folder, relative to the study folder ("depths/L00291-s0")
 * @param settings exactly what determines what this run computes (the run's part of the config, its
 *                 own seed, depth, ...): its checkpoint's fingerprint, so a checkpoint is reused only
 *                 by the same run, whatever else the study's grid became
 * @param cost     relative cost (e.g. FLOPs of its update budget): longest first, progress estimates
 */
public record RunSpec(String id, String folder, Map<String, Object> settings, double cost) {
    public RunSpec {
        settings = new LinkedHashMap<>(settings);
    }

    /** A short stable hash of {@link #settings}. */
    public String fingerprint() {
        return Fingerprints.of(settings);
    }
}
