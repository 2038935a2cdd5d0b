package org.layerwise.study;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.io.EnvironmentException;

/**
 * Analysis and report of a study folder from the folder alone ({@code layerwise report}): the study
 * that made it and its settings from config.json, the runs that are sound, then the study's own
 * analysis under the folder's lock. No training, no training data.
 */
final class StudyReport {
    private StudyReport() {
    }

    /** Redraws a study's analysis and report from its folder alone; names runs that are missing or damaged. */
    static StudyRunner.Report report(Path dir, boolean wait, List<String> commandLine, PrintStream log) {
        StudyFolder folder = new StudyFolder(dir);
        if (!folder.hasConfig()) {
            throw new ConfigException(dir + " is not a study folder (no " + StudyFolder.CONFIG + ")");
        }
        StudyFolder.Saved saved = folder.readConfig();
        Study study = StudyRegistry.get(saved.study());
        StudyConfig config = StudyConfigs.fromSaved(study, saved.settings(), folder.file(StudyFolder.CONFIG));
        List<RunSpec> plan = study.plan(config);
        requireFinishedRun(dir, folder.scan(plan)); // before the lock: a folder with nothing to report gets nothing written
        try (FolderLock lock = FolderLock.acquire(dir, wait, String.join(" ", commandLine), log)) {
            StudyFolder.Scan scan = folder.scan(plan);
            requireFinishedRun(dir, scan);
            Map<String, String> absent = scan.absent();
            if (!absent.isEmpty()) {
                log.println("reporting on " + scan.coverage() + "; absent or damaged:");
                absent.forEach((id, why) -> log.println("  " + id + ": " + why));
            }
            return new StudyRunner.Report(study, study.analyse(config, folder, scan, log));
        }
    }

    private static void requireFinishedRun(Path dir, StudyFolder.Scan scan) {
        if (scan.complete().isEmpty()) {
            Map<String, String> absent = scan.absent();
            throw new EnvironmentException("no finished run in " + dir + " (" + scan.planned().size() + " planned"
                    + (absent.isEmpty() ? "" : "; e.g. " + absent.entrySet().iterator().next()) + "); run the study first");
        }
    }
}
