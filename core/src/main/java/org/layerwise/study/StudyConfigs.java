package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;

/** Resolves a study's settings: defaults, then a preset, then a config file (JSON or YAML), then flags, each checked. */
public final class StudyConfigs {
    private StudyConfigs() {
    }

    public static StudyConfig resolve(Study study, String preset, Path file, Map<String, String> flags) {
        ConfigSpec spec = study.spec();
        Map<String, Object> v = spec.defaults();
        if (preset != null) {
            Presets.Preset p = study.presets().get(preset);
            if (p == null) {
                throw new ConfigException("preset: unknown value '" + preset + "'; allowed: one of "
                        + String.join(", ", study.presets().all().keySet()));
            }
            spec.applyJson(v, p.settings(), "preset " + preset);
        }
        if (file != null) {
            spec.applyFile(v, file); // JSON or YAML, every file and value check
        }
        flags.forEach((k, x) -> v.put(k, spec.parse(k, x)));
        return study.config(v);
    }

    /** The settings a study folder recorded, re-read with the study's spec (the folder's config.json). */
    public static StudyConfig fromSaved(Study study, JsonNode settings, Path source) {
        Map<String, Object> v = study.spec().defaults();
        study.spec().applyJson(v, settings, source.toString());
        return study.config(v);
    }
}
