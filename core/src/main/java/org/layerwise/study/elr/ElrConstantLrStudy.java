package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;
import org.layerwise.config.Range;

/**
 * {@code elr constant-lr}: under any constant learning rate the ELR ratios between layers converge to 1
 * [paper]: the log-spread over steps for several constant rates, measured beside the model's prediction.
 */
public final class ElrConstantLrStudy extends ElrStudy {
    public ElrConstantLrStudy() {
        super("elr-constant-lr", "ELR spread over training under several constant learning rates: ratios converge to 1"
                + " (Mehmeti-Göpel & Wand, ICML 2024)");
    }

    @Override
    ConfigSpec extend(ConfigSpec base) {
        return base.text("lrs", "0.01,0.1,1", "the constant learning rates, one run each (replaces lr)");
    }

    @Override
    public Set<String> gridKeys() {
        return Set.of("seeds", "lrs");
    }

    @Override
    List<Map<String, Object>> grid(ElrConfig c) {
        List<Map<String, Object>> g = new ArrayList<>();
        for (double lr : c.numbers("lrs", Range.greaterThan(0), "learning rates > 0")) {
            g.add(Map.of("lr", lr));
        }
        return g;
    }

    @Override
    String pointId(Map<String, Object> point) {
        return "lr" + point.get("lr");
    }
}
