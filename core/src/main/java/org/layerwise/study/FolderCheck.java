package org.layerwise.study;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.layerwise.config.ConfigException;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.IoErrors;

/**
 * Planning and verification against a study folder: whether the folder may hold this study with these
 * settings (only the execution settings and the grid may differ), whether the grid grew, and which
 * runs still need training (complete ones verified and skipped, damaged ones cleared for a redo or,
 * without repair, listed).
 */
final class FolderCheck {
    private final Study study;
    private final StudyConfig config;
    private final StudyFolder folder;
    private final boolean repair;
    private final PrintStream log;

    FolderCheck(Study study, StudyConfig config, StudyFolder folder, boolean repair, PrintStream log) {
        this.study = study;
        this.config = config;
        this.folder = folder;
        this.repair = repair;
        this.log = log;
    }

    /** A study folder is a folder or not there yet, never a file. */
    static void requireFolderOrAbsent(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException("out: " + out + " is a file, not a folder; choose another --out");
        }
    }

    /** Whether the folder's config.json records another grid than this config (checkCompatible allows only the grid to differ). */
    boolean gridChanged() {
        StudyFolder.Saved saved = folder.readConfig();
        Map<String, Object> old = StudyConfigs.fromSaved(study, saved.settings(), folder.file(StudyFolder.CONFIG)).without(study.executionKeys());
        return !old.equals(config.without(study.executionKeys()));
    }

    /** The folder must hold this study with the same run-determining settings (the grid may grow). */
    void checkCompatible() {
        if (!folder.hasConfig()) {
            return;
        }
        StudyFolder.Saved saved = folder.readConfig();
        if (!saved.study().equals(study.name())) {
            throw new ConfigException("out: " + folder.dir() + " holds a '" + saved.study() + "' study, not '" + study.name()
                    + "'; choose another --out");
        }
        Map<String, Object> old = StudyConfigs.fromSaved(study, saved.settings(), folder.file(StudyFolder.CONFIG)).asMap();
        Map<String, Object> now = config.asMap();
        for (String k : now.keySet()) {
            if (study.executionKeys().contains(k) || study.gridKeys().contains(k)) {
                continue;
            }
            if (!Objects.equals(old.get(k), now.get(k))) {
                throw new ConfigException(k + ": the output folder " + folder.dir() + " holds a study with " + k + " = " + old.get(k)
                        + ", not " + now.get(k) + "; choose another --out or delete the folder");
            }
        }
    }

    /** Verifies the selected runs: complete ones are skipped, damaged ones cleared for a redo (or listed, without repair). */
    List<RunSpec> pending(List<RunSpec> selected) {
        List<RunSpec> pending = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        for (RunSpec r : selected) {
            RunFolder f = folder.run(r);
            f.deleteOrphans();
            RunFolder.Status s = f.status();
            switch (s.state()) {
                case COMPLETE -> { }
                case DAMAGED -> {
                    damaged.add(r.id() + ": " + String.join("; ", s.problems()));
                    pending.add(r);
                }
                default -> pending.add(r);
            }
        }
        if (!damaged.isEmpty()) {
            if (!repair) {
                throw new EnvironmentException(damaged.size() + " damaged run(s), not repaired (--no-repair): " + String.join(" | ", damaged));
            }
            for (String d : damaged) {
                log.println("damaged, redoing: " + d);
            }
            for (RunSpec r : selected) {
                if (damaged.stream().anyMatch(d -> d.startsWith(r.id() + ": "))) {
                    folder.run(r).clear();
                }
            }
        }
        return pending;
    }

    /** Removes a folder this command created and must leave as it found it (absent). */
    static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new EnvironmentException("could not remove " + dir + ": " + IoErrors.describe(e), e);
        }
    }
}
