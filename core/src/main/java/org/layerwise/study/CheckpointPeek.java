package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.layerwise.io.Json;

/**
 * Reads the text fields of a checkpoint's header without reading its numbers (see
 * {@link org.layerwise.train.Checkpoint} for the layout): how a scheduler learns, before a run resumes,
 * the thread count the run must keep. Anything unreadable reads as "no checkpoint"; the run itself
 * then decides (and starts over if the checkpoint is damaged).
 */
public final class CheckpointPeek {
    private static final int MAGIC = 0x4C57434B; // "LWCK"
    private static final int MAX_HEADER = 1 << 20;

    private CheckpointPeek() {
    }

    /** The "threads" text field of the checkpoint at {@code file}, or 0 when there is none or it is unreadable. */
    public static int threads(Path file) {
        JsonNode t = text(file);
        try {
            return t == null ? 0 : Math.max(0, Integer.parseInt(t.path("threads").asText("0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The header's text fields, or null. */
    static JsonNode text(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(raw);
            if (in.readInt() != MAGIC) {
                return null;
            }
            in.readInt(); // format version: the run itself refuses versions it cannot read
            int length = in.readInt();
            if (length < 2 || length > MAX_HEADER) {
                return null;
            }
            byte[] h = in.readNBytes(length);
            return h.length == length ? Json.MAPPER.readTree(h).path("text") : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
