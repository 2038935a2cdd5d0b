package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;

/**
 * {@code elr trainability}: {short, no-short} x {no warm-up, linear, ELR warm-up} x depths; ELR spread
 * averaged over training against the final test accuracy (the analogue of the paper's Figure 5 [paper]:
 * no-short without warm-up has a very high spread and trains badly; with skip connections spreads are low).
 */
public final class ElrTrainabilityStudy extends ElrStudy {
    public ElrTrainabilityStudy() {
        super("elr-trainability", "ELR spread against trainability: residual connections x warm-ups x depths"
                + " (Mehmeti-Göpel & Wand, ICML 2024, Figure 5)");
    }

    @Override
    ConfigSpec extend(ConfigSpec base) {
        return base.text("residuals", "short,no-short", "networks with (short) and without (no-short) residual connections")
                .text("warmups", "none,linear,elr", "warm-ups to compare: none, linear (warmup-steps), elr (the hyper-parameter-free one [derived])")
                .text("depths", "20,56,110", "depths (6n+2 for cifar-resnet)");
    }

    @Override
    public Set<String> gridKeys() {
        return Set.of("seeds", "residuals", "warmups", "depths");
    }

    @Override
    List<Map<String, Object>> grid(ElrConfig c) {
        List<Map<String, Object>> g = new ArrayList<>();
        for (String r : c.choices("residuals", List.of("short", "no-short"))) {
            for (String w : c.choices("warmups", List.of("none", "linear", "elr"))) {
                for (int d : c.depths()) {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("residual", r);
                    p.put("warmup", w);
                    p.put("depth", d);
                    g.add(p);
                }
            }
        }
        return g;
    }

    @Override
    String pointId(Map<String, Object> point) {
        return point.get("residual") + "-" + point.get("warmup") + "-d" + point.get("depth");
    }
}
