package org.layerwise.study.elr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stage boundaries a layer heatmap marks, from the layers' names (layers.json). */
class ElrFiguresStagesTest {
    @Test
    void aCifarResNet20HasTwoStageBoundariesAndTheStemIsNone() {
        List<String> layers = new java.util.ArrayList<>(List.of("conv1.weight"));
        for (int stage = 1; stage <= 3; stage++) {
            for (int block = 0; block < 3; block++) {
                layers.add("layer" + stage + "." + block + ".conv1.weight");
                layers.add("layer" + stage + "." + block + ".conv2.weight");
            }
        }
        assertEquals(Map.of(7, "layer2", 13, "layer3"), ElrFigures.stageStarts(layers), "layer2 starts at index 7, layer3 at 13; stem -> layer1 is no boundary");
        assertEquals(Map.of(), ElrFigures.stageStarts(List.of("w0", "w1", "w2")), "names without stages: no marker");
        assertEquals("layer2.0.conv1", ElrFigures.shortName("layer2.0.conv1.weight"));
    }
}
