package org.layerwise.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one finished study gives a claim's test: its folder and its summary.json (null when the study
 * wrote none: it failed or was not run).
 *
 * @param use     the study and its settings
 * @param folder  the study folder
 * @param summary summary.json, or null
 */
public record Evidence(StudyUse use, Path folder, JsonNode summary) {
    /** The summary's per-run rows ({@code runs}), empty when there is none. */
    public List<JsonNode> runs() {
        List<JsonNode> out = new ArrayList<>();
        if (summary != null && summary.path("runs").isArray()) {
            summary.get("runs").forEach(out::add);
        }
        return out;
    }

    /** A number of the summary at a JSON pointer ("/regime/beta/slope"), NaN when absent or null. */
    public double number(String pointer) {
        JsonNode n = summary == null ? null : summary.at(pointer);
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /** A text of the summary at a JSON pointer, "" when absent. */
    public String text(String pointer) {
        JsonNode n = summary == null ? null : summary.at(pointer);
        return n == null || n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    /** A per-run number, NaN when absent or null (SummaryValues writes null plus the reason). */
    public static double number(JsonNode run, String key) {
        JsonNode n = run.get(key);
        return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
    }
}
