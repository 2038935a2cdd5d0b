package org.layerwise.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Identical runs, counted once. Two runs of different settings that recorded exactly the same figures
 * are one measurement, not two (an ELR warm-up that never engaged trains the very run without one). A
 * run is a twin of an earlier run of the same seed and depth when every recorded figure is equal, or
 * when the study's own summary names it ({@code twin_of}).
 */
public final class Twins {
    /** The per-run figures that must all be equal (exactly: the runs are deterministic). */
    static final List<String> FIGURES = List.of("recorded_steps", "mean_spread", "initial_spread", "final_spread", "test_accuracy",
            "final_train_loss", "seed", "depth", "residual");

    private Twins() {
    }

    /** For each run (by name), the earlier run it is a twin of; runs that are nobody's twin are absent. */
    public static Map<String, String> of(List<JsonNode> runs) {
        Map<String, String> twinOf = new LinkedHashMap<>();
        List<JsonNode> seen = new ArrayList<>();
        for (JsonNode r : runs) {
            String name = r.path("run").asText();
            JsonNode named = r.get("twin_of");
            if (named != null && named.isTextual() && !named.asText().isEmpty()) {
                twinOf.put(name, named.asText());
            } else {
                for (JsonNode s : seen) {
                    if (same(r, s)) {
                        twinOf.put(name, s.path("run").asText());
                        break;
                    }
                }
            }
            seen.add(r);
        }
        return twinOf;
    }

    static boolean same(JsonNode a, JsonNode b) {
        for (String k : FIGURES) {
            JsonNode x = a.get(k);
            JsonNode y = b.get(k);
            if (x == null || y == null || x.isNull() || y.isNull()) {
                if (!k.equals("test_accuracy") && !k.equals("final_train_loss")) {
                    return false; // runs without their spreads are not known to be equal
                }
                if (!Objects.equals(x == null || x.isNull(), y == null || y.isNull())) {
                    return false;
                }
                continue;
            }
            if (x.isNumber() ? x.asDouble() != y.asDouble() : !x.asText().equals(y.asText())) {
                return false;
            }
        }
        return true;
    }
}
