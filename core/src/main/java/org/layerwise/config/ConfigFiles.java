package org.layerwise.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;

/** Placeholder until the hardened reader lands: reads a JSON config, one-line errors. */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    public static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config: file not found: " + file);
        }
        try {
            return org.layerwise.io.Json.MAPPER.readTree(Files.readString(file));
        } catch (Exception e) {
            throw new ConfigException("config: " + file + " is not valid JSON");
        }
    }
}
