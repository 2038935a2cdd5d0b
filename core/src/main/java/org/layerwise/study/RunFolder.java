package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.Checksums;
import org.layerwise.io.IoErrors;
import org.layerwise.io.Json;

/**
 * The folder of one run, and the one place that knows its bookkeeping files: {@code result.json}
 * (written last: the completion marker, with the size and CRC32C of every other file of the run and
 * the run's id) and {@code checkpoint.bin} (an interrupted run's state). A run is complete only if its
 * result verifies: every listed file present, of the recorded size and checksum, and the id is this
 * folder's; anything else is reported by name and the run is redone, never used silently.
 */
public final class RunFolder {
    public static final String RESULT = "result.json";
    public static final String CHECKPOINT = "checkpoint.bin";

    /** Where a run stands. */
    public enum State { NEW, PARTIAL, COMPLETE, DAMAGED }

    /** A run's state and, when DAMAGED, what is wrong, one phrase per problem. */
    public record Status(State state, List<String> problems) {
    }

    private final Path dir;
    private final String id;

    public RunFolder(Path dir, String id) {
        this.dir = dir;
        this.id = id;
    }

    public Path dir() {
        return dir;
    }

    public String id() {
        return id;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public Path checkpoint() {
        return dir.resolve(CHECKPOINT);
    }

    public boolean hasResult() {
        return Files.exists(dir.resolve(RESULT));
    }

    /** Reads and verifies the folder. Cheap for NEW/PARTIAL; reads every file for COMPLETE. */
    public Status status() {
        if (!hasResult()) {
            return new Status(Files.exists(checkpoint()) ? State.PARTIAL : State.NEW, List.of());
        }
        List<String> problems = verify();
        return new Status(problems.isEmpty() ? State.COMPLETE : State.DAMAGED, problems);
    }

    /** What is wrong with a finished run's files (empty: sound). */
    public List<String> verify() {
        List<String> problems = new ArrayList<>();
        JsonNode r;
        try {
            r = Json.read(dir.resolve(RESULT));
        } catch (RuntimeException e) {
            return List.of(RESULT + " is unreadable");
        }
        if (!r.has("run") && !r.has("files") && r.has("stop_reason")) {
            return problems; // written by layerwise 0.1, which recorded no checksums: accepted as it is, unverified
        }
        if (!id.equals(r.path("run").asText(null))) {
            problems.add(RESULT + " belongs to run '" + r.path("run").asText("?") + "', not " + id);
        }
        JsonNode files = r.path("files");
        if (!files.isObject()) {
            problems.add(RESULT + " lists no files (written by an older layerwise or damaged)");
            return problems;
        }
        for (var it = files.fields(); it.hasNext(); ) {
            var e = it.next();
            Path f = dir.resolve(e.getKey());
            if (!f.normalize().startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                problems.add(e.getKey() + " is missing");
                continue;
            }
            try {
                long size = Files.size(f);
                long want = e.getValue().path("bytes").asLong(-1);
                if (size != want) {
                    problems.add(e.getKey() + (size < want ? " is truncated" : " has the wrong size") + " (" + size + " bytes, " + want + " recorded)");
                } else if (!Checksums.crc32c(f).equals(e.getValue().path("crc32c").asText())) {
                    problems.add(e.getKey() + " is damaged (checksum mismatch)");
                }
            } catch (IOException | UncheckedIOException ex) {
                problems.add(e.getKey() + " is unreadable");
            }
        }
        return problems;
    }

    /** The verified result.json of a complete run. */
    public JsonNode result() {
        return Json.read(dir.resolve(RESULT));
    }

    /**
     * Marks the run complete: records every file in the folder (but the checkpoint and temporaries)
     * with its size and checksum in result.json beside {@code result}, written atomically and last;
     * then removes the checkpoint.
     */
    public void complete(Map<String, Object> result) {
        Map<String, Object> files = new LinkedHashMap<>();
        for (Path f : files()) {
            String n = f.getFileName().toString();
            if (n.equals(RESULT) || n.equals(CHECKPOINT)) {
                continue;
            }
            try {
                files.put(n, Map.of("bytes", Files.size(f), "crc32c", Checksums.crc32c(f)));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + f + ": " + IoErrors.describe(e), e);
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run", id);
        r.putAll(result);
        r.put("files", files);
        Json.write(dir.resolve(RESULT), r);
        try {
            Files.deleteIfExists(checkpoint());
        } catch (IOException e) {
            // a leftover checkpoint is harmless: result.json marks the run complete
        }
    }

    /**
     * The run's checkpoint if it is usable for this run (readable, of this format, with this
     * fingerprint); otherwise null, after saying why and clearing the folder: a damaged or foreign
     * checkpoint costs the updates since the run started, never a wrong result.
     */
    public org.layerwise.train.Checkpoint usableCheckpoint(String fingerprint, java.io.PrintStream log) {
        if (!Files.exists(checkpoint())) {
            return null;
        }
        String why;
        try {
            org.layerwise.train.Checkpoint c = org.layerwise.train.Checkpoint.read(checkpoint());
            if (c.has("fingerprint") && c.text("fingerprint").equals(fingerprint)) {
                return c;
            }
            why = "was written by a run with other settings";
        } catch (org.layerwise.train.Checkpoint.Unusable e) {
            why = e.getMessage();
        }
        log.println(id + ": the checkpoint " + why + "; starting this run over");
        clear();
        return null;
    }

    /** Deletes everything in the folder, so the run starts over. */
    public void clear() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /** Removes temporary files a killed writer left behind. */
    public int deleteOrphans() {
        return AtomicFiles.deleteOrphans(dir);
    }

    /** Regular files directly in the folder, sorted by name. */
    public List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !AtomicFiles.isTemporary(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + dir + ": " + IoErrors.describe(e), e);
        }
    }
}
