package org.layerwise.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @Test
    void readsRejectDuplicateKeysAndTrailingContent() {
        JsonProcessingException dup = assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readTree("{\"a\": 1, \"a\": 2}"));
        assertTrue(dup.getOriginalMessage().contains("'a'"), dup.getOriginalMessage());
        assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readTree("{\"a\": {\"b\": 1, \"b\": 1}}"));
        assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readValue("{\"a\": 1, \"a\": 2}", Map.class));
        assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readTree("{\"a\": 1} {\"a\": 2}"));
    }

    @Test
    void readErrorsAreOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Path dup = Files.writeString(tmp.resolve("summary.json"), "{\n \"a\": 1,\n \"a\": 2\n}");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Json.read(dup));
        assertEquals("could not read JSON " + dup + " at line 3, column 5: Duplicate field 'a'", e.getMessage());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> Json.read(tmp.resolve("none.json")));
        assertEquals("could not read JSON " + tmp.resolve("none.json") + ": file not found", missing.getMessage());
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"a\": }");
        String m = assertThrows(UncheckedIOException.class, () -> Json.read(bad)).getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains("line 1, column 7"), m);
    }

    @Test
    void writeThenReadRoundTrips(@TempDir Path tmp) {
        Path f = tmp.resolve("x.json");
        Json.write(f, Map.of("b", 2, "a", 0.1));
        assertEquals(0.1, Json.read(f).get("a").doubleValue());
        assertEquals(2, Json.read(f).get("b").intValue());
    }
}
