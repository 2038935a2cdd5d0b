package org.layerwise.study.scaling;

import java.util.Map;
import org.layerwise.analysis.Regime;
import org.layerwise.analysis.ScalingFit;
import org.layerwise.model.DeltaMode;
import org.layerwise.study.StudyFolder;

/**
 * What the scaling report draws: the analysis' numbers and the runs they come from. It computes
 * nothing; every section of the report reads the same inputs, so page and summary agree.
 *
 * @param cfg        the study's settings
 * @param folder     the study folder
 * @param data       the finished runs and what the report reads of their folders
 * @param fits       every fit across depths, by sequence and statistic
 * @param alpha      the fit of the shared |delta| against depth, or null
 * @param regime     the regime the rule found, or null when it could not be applied
 * @param trendNoise the trend/noise decomposition (its curves included)
 * @param summary    summary.json as written
 */
record ReportInputs(ScalingConfig cfg, StudyFolder folder, ScalingRunData data, Map<String, Map<String, ScalingFit>> fits, ScalingFit alpha,
                    Regime regime, Map<String, Object> trendNoise, Map<String, Object> summary) {
    /** The effective weight sequence: A, or |delta_k| A_k with per-layer delta. */
    String eff() {
        return cfg.delta() == DeltaMode.PER_LAYER ? "deltaA" : "A";
    }

    /** The regime rule's beta, 0 where there is none (for rescaling). */
    double beta() {
        return regime == null || !Double.isFinite(regime.beta()) ? 0 : regime.beta();
    }

    /** The fit of one statistic of one sequence, or null. */
    ScalingFit fitOf(String seq, String stat) {
        Map<String, ScalingFit> m = fits.get(seq);
        return m == null ? null : m.get(stat);
    }
}
