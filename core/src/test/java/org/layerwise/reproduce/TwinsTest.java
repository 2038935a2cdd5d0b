package org.layerwise.reproduce;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.layerwise.io.Json;

class TwinsTest {
    static ObjectNode run(String name, String warmup, int seed, double meanSpread, double acc) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("run", name).put("residual", "no-short").put("warmup", warmup).put("depth", 56).put("seed", seed).put("recorded_steps", 150)
                .put("mean_spread", meanSpread).put("initial_spread", 900.0).put("final_spread", meanSpread / 2).put("test_accuracy", acc)
                .put("final_train_loss", 2.0 - acc);
        return r;
    }

    @Test
    void identicalRunsOfOtherSettingsAreTwinsAndDifferentOnesAreNot() {
        List<JsonNode> runs = List.of(run("none-s0", "none", 0, 400, 0.4), run("elr-s0", "elr", 0, 400, 0.4), run("none-s1", "none", 1, 400, 0.4),
                run("elr-s1", "elr", 1, 220, 0.4));
        Map<String, String> t = Twins.of(runs);
        assertEquals(Map.of("elr-s0", "none-s0"), t); // none-s1 has another seed; elr-s1 another spread
    }

    @Test
    void theStudysOwnTwinOfIsTrusted() {
        ObjectNode r = run("elr-s0", "elr", 0, 1, 0.5);
        r.put("twin_of", "x");
        assertEquals(Map.of("elr-s0", "x"), Twins.of(List.of(run("a", "none", 0, 2, 0.1), r)));
    }
}
