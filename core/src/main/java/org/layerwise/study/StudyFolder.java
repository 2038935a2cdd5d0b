package org.layerwise.study;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.io.Json;

/**
 * A study's output folder: {@code config.json} (which study made it, and its settings),
 * {@code provenance.json}, the lock, and one {@link RunFolder} per run under the paths the study's
 * {@link RunSpec}s name.
 */
public final class StudyFolder {
    public static final String CONFIG = "config.json";
    public static final String PROVENANCE = "provenance.json";

    private final Path dir;

    public StudyFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    public RunFolder run(RunSpec spec) {
        return new RunFolder(dir.resolve(spec.folder()), spec.id());
    }

    public boolean hasConfig() {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /** The study that made the folder and its raw settings. Folders from before the study framework hold one study's settings alone ({@link Study#ownsUnnamedConfig}). */
    public record Saved(String study, JsonNode settings) {
    }

    public Saved readConfig() {
        JsonNode n;
        try {
            n = Json.read(dir.resolve(CONFIG));
        } catch (RuntimeException e) {
            throw new ConfigException(dir.resolve(CONFIG) + " is unreadable: " + e.getMessage());
        }
        if (n.has("study") && n.has("settings")) {
            return new Saved(n.get("study").asText(), n.get("settings"));
        }
        // layerwise 0.1 wrote one study's settings alone: the study that says it owns such a folder
        for (Study s : StudyRegistry.all().values()) {
            if (s.ownsUnnamedConfig()) {
                return new Saved(s.name(), n);
            }
        }
        throw new ConfigException(dir.resolve(CONFIG) + " names no study (no \"study\" field) and no study reads such a folder");
    }

    public void writeConfig(StudyConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("study", c.study());
        m.put("settings", c.asMap());
        Json.write(dir.resolve(CONFIG), m);
    }

    /** The state of every planned run. */
    public record Scan(List<RunSpec> planned, Map<String, RunFolder.Status> status) {
        public List<RunSpec> complete() {
            return planned.stream().filter(r -> status.get(r.id()).state() == RunFolder.State.COMPLETE).toList();
        }

        public List<RunSpec> damaged() {
            return planned.stream().filter(r -> status.get(r.id()).state() == RunFolder.State.DAMAGED).toList();
        }

        /** Planned runs with no sound result, each with why ("not run", "interrupted", what is damaged). */
        public Map<String, String> absent() {
            Map<String, String> m = new LinkedHashMap<>();
            for (RunSpec r : planned) {
                RunFolder.Status s = status.get(r.id());
                switch (s.state()) {
                    case NEW -> m.put(r.id(), "not run");
                    case PARTIAL -> m.put(r.id(), "interrupted (checkpoint only)");
                    case DAMAGED -> m.put(r.id(), String.join("; ", s.problems()));
                    default -> { }
                }
            }
            return m;
        }

        /** "27 of 30 runs". */
        public String coverage() {
            return complete().size() + " of " + planned.size() + " runs";
        }
    }

    public Scan scan(List<RunSpec> plan) {
        Map<String, RunFolder.Status> m = new LinkedHashMap<>();
        for (RunSpec r : plan) {
            m.put(r.id(), run(r).status());
        }
        return new Scan(new ArrayList<>(plan), m);
    }
}
