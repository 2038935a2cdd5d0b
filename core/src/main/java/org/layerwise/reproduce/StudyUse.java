package org.layerwise.reproduce;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.layerwise.study.StudyRegistry;

/**
 * One study a claim needs: the study's name, a preset of it and settings over the preset (applied as
 * {@code --KEY VALUE} flags would be). Two claims that need the same study with the same settings share
 * one use, so it runs once; its folder name is derived from the settings, so changed settings never
 * reuse an old folder.
 *
 * @param study    the study's name ("elr-trainability", "scaling")
 * @param preset   one of the study's presets
 * @param settings settings over the preset, in the order they are shown
 * @param label    the setting in words, as the claims page shows it
 */
public record StudyUse(String study, String preset, Map<String, String> settings, String label) {
    public StudyUse {
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A use of a preset as it is. */
    public static StudyUse of(String study, String preset, String label) {
        return new StudyUse(study, preset, Map.of(), label);
    }

    /** Settings in the order given: key, value, key, value ... */
    public static Map<String, String> settings(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    /** A copy with more settings over the preset (later keys win). */
    public StudyUse with(Map<String, String> more, String newLabel) {
        Map<String, String> m = new LinkedHashMap<>(settings);
        m.putAll(more);
        return new StudyUse(study, preset, m, newLabel);
    }

    /** The identity of the use: study, preset and settings in key order (the label is not part of it). */
    public String key() {
        return study + "|" + preset + "|" + new TreeMap<>(settings);
    }

    /** The study folder's name under the reproduction folder: the study, the preset and a digest of the settings when there are any. */
    public String folderName() {
        if (settings.isEmpty()) {
            return study + "-" + preset;
        }
        long h = 0xcbf29ce484222325L; // FNV-1a: stable across JVMs and versions, unlike String.hashCode's contract
        for (byte b : new TreeMap<>(settings).toString().getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return study + "-" + preset + "-" + String.format("%08x", (int) (h ^ (h >>> 32)));
    }

    /** The equivalent command line, for the page and for the user who wants to run it alone. */
    public String command() {
        StringBuilder sb = new StringBuilder("./layerwise ");
        sb.append(String.join(" ", StudyRegistry.get(study).command())).append(" --preset ").append(preset);
        settings.forEach((k, v) -> sb.append(" --").append(k).append(' ').append(v.contains(" ") ? "'" + v + "'" : v));
        return sb.toString();
    }
}
