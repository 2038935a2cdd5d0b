package org.layerwise.study.elr;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.layerwise.report.HtmlReport.Source;
import org.layerwise.study.Presets;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.StudyPage;

/**
 * What an ELR study page tests, for the heading at its top: the paper's claim (or the toolkit's
 * derivation) the study checks, each tagged with where it comes from, and the settings it ran with
 * (the preset named on the command line that provenance.json records, with every setting that differs
 * from that preset).
 *
 * @param sources one per claim
 * @param claims  empty for a study that tests nothing (an exploration)
 * @param none    what the heading says when there is no claim
 */
record StudyClaim(List<Source> sources, List<String> claims, String none) {
    static StudyClaim of(String study) {
        return switch (study) {
            case "elr-trainability" -> new StudyClaim(List.of(Source.PAPER, Source.PAPER),
                    List.of("Figure 5: spread vs trainability (higher ELR spread, lower accuracy)",
                            "the ELR warm-up lowers the spread (the warm-up rule itself is [derived])"), "");
            case "elr-constant-lr" -> new StudyClaim(List.of(Source.PAPER),
                    List.of("under any constant LR the ELR ratios converge to 1 (the spread falls towards 1)"), "");
            case "elr-model-check" -> new StudyClaim(List.of(Source.DERIVED),
                    List.of("the model predicts σ and ELR (σ'² = σ²(1 + e²) and e = ηc/σ², step by step)"), "");
            case "elr-critical-lr" -> new StudyClaim(List.of(Source.PAPER, Source.DERIVED),
                    List.of("predicted vs empirical critical LR: a critical LR set by the current ELRs separates shrinking from widening"
                            + " ELR disparities", "the prediction η_crit = η/√(e_max e_min)"), "");
            default -> new StudyClaim(List.of(), List.of(), "Exploration: this study tests no claim of the paper; it shows what one training run"
                    + " does to the per-layer ELRs.");
        };
    }

    /**
     * "Preset: quick (CPU, minutes ...); changed: steps 60 (preset 200)": the preset named on the
     * recorded command line and the settings that differ from it; "Settings: custom (no preset)" when
     * the command line named none, or "Preset: not recorded" without a readable provenance.json.
     */
    static String settingsLine(ElrStudy study, ElrConfig config, StudyFolder folder) {
        String preset = StudyPage.recordedPreset(folder);
        if (preset == null) {
            return Files.isRegularFile(folder.file(StudyFolder.PROVENANCE))
                    ? "Settings: custom (no --preset on the recorded command line); the settings are listed under Provenance."
                    : "Preset: not recorded (no provenance.json beside the report); the settings are listed under Provenance.";
        }
        Presets.Preset p = study.presets().get(preset);
        if (p == null) {
            return "Preset: " + preset + " (not a preset of this version of " + study.name() + ")";
        }
        List<String> changed = changed(p, config.asMap());
        return "Preset: " + preset + " (" + p.description() + ")" + (changed.isEmpty() ? "; no setting of the preset changed."
                : "; changed: " + String.join(", ", changed) + ".");
    }

    /** "steps 60 (preset 200)" for each setting of the preset that the config holds with another value. */
    static List<String> changed(Presets.Preset p, Map<String, Object> settings) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.settings().fields(); it.hasNext(); ) {
            var e = it.next();
            Object v = settings.get(e.getKey());
            if (v != null && !same(e.getValue(), v)) {
                out.add(e.getKey() + " " + v + " (preset " + e.getValue().asText() + ")");
            }
        }
        return out;
    }

    private static boolean same(JsonNode preset, Object value) {
        String a = preset.asText();
        String b = String.valueOf(value);
        if (a.equals(b)) {
            return true;
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
