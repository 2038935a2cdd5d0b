package org.layerwise.sweep;

import org.layerwise.study.Locks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.io.IoErrors;
import org.layerwise.io.Json;

/**
 * A sweep's folder, the one place every executor and every machine that sees it shares:
 * <pre>
 *   manifest.json        the plan (entries, their settings, run ids and costs)
 *   entries/ID/          one study folder per entry (config.json, its runs, summary.json, report.html)
 *   events.jsonl         one line per run that ended (trained, failed, stopped), appended by every executor
 *   slurm/               job scripts, submissions (jobs.jsonl), per-task logs
 *   runs.csv, runs.json, entries.csv, entries.json, report.html   written by collect
 * </pre>
 * State is read from the run folders themselves (a run is complete when its result verifies), from
 * run locks (running here or on a node) and from squeue; the events only add why a run failed.
 */
public final class SweepFolder {
    public static final String EVENTS = "events.jsonl";
    public static final String SLURM = "slurm";
    private static final ObjectWriter LINE = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public SweepFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path manifestFile() {
        return dir.resolve(Manifest.FILE);
    }

    public boolean hasManifest() {
        return Files.isRegularFile(manifestFile());
    }

    public Manifest manifest() {
        return Manifest.read(manifestFile());
    }

    /** An entry's study folder. */
    public Path entryDir(Manifest.Entry e) {
        return dir.resolve(e.folder()).normalize();
    }

    /** Writes the plan; refuses a folder that holds another study's or another sweep's plan. */
    public void writeManifest(Manifest m) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigException("out: " + dir + " is a file, not a folder; choose another --out");
        }
        if (hasManifest()) {
            JsonNode old; // only its names: a manifest of an older layerwise is replaced by the new plan
            try {
                old = Json.read(manifestFile());
            } catch (RuntimeException e) {
                old = Json.MAPPER.createObjectNode();
            }
            String study = old.path("study").asText(m.study());
            String sweep = old.path("sweep").asText(m.sweep());
            if (!study.equals(m.study()) || !sweep.equals(m.sweep())) {
                throw new ConfigException("out: " + dir + " holds the sweep '" + sweep + "' of study " + study + ", not '" + m.sweep()
                        + "' of study " + m.study() + "; choose another --out");
            }
        }
        m.write(manifestFile());
    }

    /** Appends one event line (time, host and pid added); lines of other processes may interleave, never mix. */
    public void event(String event, Manifest.Slot slot, Map<String, Object> details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", Instant.now().toString());
        m.put("event", event);
        m.put("index", slot.index());
        m.put("run", slot.key());
        m.put("host", Locks.host());
        m.put("pid", ProcessHandle.current().pid());
        String job = System.getenv("SLURM_ARRAY_JOB_ID");
        if (job != null) {
            m.put("slurm", job + "_" + System.getenv("SLURM_ARRAY_TASK_ID"));
        }
        m.putAll(details);
        try {
            Files.createDirectories(dir);
            // one write() of one line with O_APPEND: concurrent writers' lines do not mix on a local file system
            Files.write(dir.resolve(EVENTS), (LINE.writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dir.resolve(EVENTS) + ": " + IoErrors.describe(e), e);
        }
    }

    /** Every event recorded, oldest first; unreadable lines (a torn write) are skipped. */
    public List<JsonNode> events() {
        Path f = dir.resolve(EVENTS);
        List<JsonNode> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                try {
                    if (!line.isBlank()) {
                        out.add(Json.MAPPER.readTree(line));
                    }
                } catch (IOException | RuntimeException e) {
                    // a line cut by a crash: ignore it
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + f + ": " + IoErrors.describe(e), e);
        }
        return out;
    }
}
