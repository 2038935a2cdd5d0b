package org.layerwise.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** The shape every user-facing config message must have. */
final class ConfigAssertions {
    private ConfigAssertions() {
    }

    /** Runs {@code action}, expects a ConfigException and checks its message; returns the message. */
    static String rejects(Executable action, String... fragments) {
        return rejects(false, action, fragments);
    }

    /**
     * @param mayMentionNull true only where the user wrote null themselves (JSON null, YAML ~)
     */
    static String rejects(boolean mayMentionNull, Executable action, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, action);
        String m = e.getMessage();
        assertOneLine(m, mayMentionNull);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "message lacks '" + f + "': " + m);
        }
        return m;
    }

    static void assertOneLine(String m, boolean mayMentionNull) {
        assertTrue(m != null && !m.isBlank(), "empty message");
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "more than one line: " + m);
        assertFalse(m.contains("For input string"), () -> "Java parse text leaked: " + m);
        assertFalse(m.contains("Exception"), () -> "exception name leaked: " + m);
        assertFalse(m.endsWith(": null") || m.contains("'null'") || m.contains("(null)"), () -> "a Java null leaked: " + m);
        if (!mayMentionNull) {
            assertFalse(m.contains("null"), () -> "mentions null: " + m);
        }
        assertTrue(m.contains(":"), () -> "names no file or key: " + m);
    }
}
