package org.layerwise.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON in and out, pretty-printed and written atomically. Reads are strict: a duplicate key or content
 * after the top-level value is an error, not a silent "last one wins". Config files written by people
 * go through {@link org.layerwise.config.ConfigFiles} instead, which also reads YAML and reports every
 * problem as a {@link org.layerwise.config.ConfigException}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Path path, Object value) {
        AtomicFiles.writeString(path, toString(value) + "\n");
    }

    /**
     * Reads a JSON file written by this program (a run's config.json, summary.json, ...).
     *
     * @throws UncheckedIOException with a one-line message naming the file, and the line and column
     *     of malformed JSON
     */
    public static JsonNode read(Path path) {
        try {
            return MAPPER.readTree(Files.readString(path));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at != null && at.getLineNr() > 0 ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
            String reason = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage().lines().findFirst().orElse("malformed");
            throw new UncheckedIOException("could not read JSON " + path + where + ": " + reason, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read JSON " + path + ": " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "file not found";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.charset.CharacterCodingException) {
            return "not UTF-8 text";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }
}
