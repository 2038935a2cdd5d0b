package org.layerwise.study.elr;

import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;

/**
 * {@code elr model-check}: is the deterministic ELR model predictive? One run records the base
 * gradients c_l,t; the analysis replays the model (a) with the measured c and (b) with c frozen after
 * the first k steps, and reports predicted against measured sigma and e over time (elr-model.md §5.1).
 */
public final class ElrModelCheckStudy extends ElrStudy {
    public ElrModelCheckStudy() {
        super("elr-model-check", "predicted against measured weight norms and ELRs: the deterministic model replayed with measured and"
                + " with frozen base gradients (Mehmeti-Göpel & Wand, ICML 2024; model [derived])");
    }

    @Override
    ConfigSpec extend(ConfigSpec base) {
        return base.longInt("freeze-after", 20, 1, "replay (b): base gradients held at their mean over the first k recorded steps");
    }

    @Override
    List<Map<String, Object>> grid(ElrConfig c) {
        long recorded = (c.steps() + c.probeEvery() - 1) / c.probeEvery();
        long k = ((Number) c.raw("freeze-after")).longValue();
        if (k >= recorded) {
            // replay (b) would average c over the whole run and stop being a prediction
            throw new ConfigException("freeze-after: " + k + " is not before the end of the run: it counts recorded steps, and the probe records "
                    + recorded + " (steps " + c.steps() + ", probe-every " + c.probeEvery() + "); allowed: 1 to " + (recorded - 1));
        }
        return List.of(Map.of());
    }

    @Override
    String pointId(Map<String, Object> point) {
        return "run";
    }
}
