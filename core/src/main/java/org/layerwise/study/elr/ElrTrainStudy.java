package org.layerwise.study.elr;

import java.util.List;
import java.util.Map;

/** {@code elr train}: one training run of a BatchNorm ResNet with the ELR probe attached. */
public final class ElrTrainStudy extends ElrStudy {
    public ElrTrainStudy() {
        super("elr-train", "one training run of a BatchNorm ResNet with per-layer effective-learning-rate probes"
                + " (Mehmeti-Göpel & Wand, ICML 2024)");
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
