package org.layerwise.study.elr;

import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigSpec;

/**
 * {@code elr model-check}: is the deterministic ELR model predictive? One run records the base
 * gradients c_l,t; the analysis replays the model (a) with the measured c and (b) with c frozen after
 * the first k steps, and reports predicted against measured sigma and e over time (elr-model.md §5.1).
 */
public final class ElrModelCheckStudy extends ElrStudy {
    public ElrModelCheckStudy() {
        super("elr-model-check", "predicted against measured weight norms and ELRs: the deterministic model replayed with measured and"
                + " with frozen base gradients (Mehmeti-Göpel & Wand, ICML 2024, §4; model [derived])");
    }

    @Override
    ConfigSpec extend(ConfigSpec base) {
        return base.longInt("freeze-after", 20, 1, "replay (b): base gradients held at their mean over the first k recorded steps");
    }

    @Override
    List<Map<String, Object>> grid(ElrConfig c) {
        return List.of(Map.of());
    }

    @Override
    String pointId(Map<String, Object> point) {
        return "run";
    }
}
