package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A study's named presets, read from a YAML file shipped in the jar
 * ({@code /org/layerwise/presets/STUDY.yaml}): each preset has a description and a mapping of
 * settings, checked against the study's spec like any user config. Presets are data, not code, so a
 * user can read one and copy it into their own config.
 */
public final class Presets {
    /** One preset: its one-line description and its settings (raw, validated when applied). */
    public record Preset(String name, String description, JsonNode settings) {
    }

    private final String resource;
    private final Map<String, Preset> presets;

    private Presets(String resource, Map<String, Preset> presets) {
        this.resource = resource;
        this.presets = presets;
    }

    public static Presets load(String study) {
        String resource = "/org/layerwise/presets/" + study + ".yaml";
        try (InputStream in = Presets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing preset resource " + resource);
            }
            JsonNode root = new YAMLMapper().readTree(in);
            Map<String, Preset> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                var e = it.next();
                m.put(e.getKey(), new Preset(e.getKey(), e.getValue().path("description").asText(""), e.getValue().path("settings")));
            }
            return new Presets(resource, m);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }

    public Map<String, Preset> all() {
        return presets;
    }

    public Preset get(String name) {
        return presets.get(name);
    }

    public String resource() {
        return resource;
    }
}
