package org.layerwise.study;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.layerwise.config.ConfigException;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.Json;

/**
 * Runs any {@link Study} in a folder it owns: checks the settings against the folder, estimates
 * memory and disk before anything is written, takes the folder's lock, skips runs that verify,
 * redoes damaged ones (or lists them and stops, with {@code repair = false}), resumes interrupted
 * ones, runs the rest with the {@link LocalScheduler} (longest first, threads per run by cost within
 * the thread budget), then analyses the folder.
 *
 * <p>{@link #runOne} is the same for a single run of the plan ("run job i of N"), for executors that
 * fan runs out over processes or cluster nodes, and {@link #participate} the same for an executor that
 * schedules the runs of many studies itself. Those take the study folder's lock shared and each run's
 * own lock ({@link Locks}), so any number of processes may train one study's runs at once and no run
 * is ever trained twice; a whole-study invocation and {@link #report} take the folder exclusively.
 *
 * <p>This class sequences an invocation; each concern is a file of its own: {@link FolderCheck} (the folder
 * against the settings, which runs are pending), {@link Resources} (memory and disk up front),
 * {@link RunTrainer} (one run under its lock), {@link WholeStudyTraining} (scheduling and progress of a
 * whole study), {@link Participant} (a folder shared with other processes) and {@link StudyReport} (the
 * analysis and report from the folder alone).
 */
public final class StudyRunner {
    /**
     * @param waitForLock     wait for another process's lock instead of refusing
     * @param repair          redo damaged runs (false: list them and stop)
     * @param terminal        redraw progress in place
     * @param handleInterrupt on Ctrl-C, checkpoint running runs and say how to resume
     */
    public record Options(boolean waitForLock, boolean repair, List<String> commandLine, boolean terminal, boolean handleInterrupt) {
        public static Options defaults(List<String> commandLine) {
            return new Options(false, true, commandLine, false, false);
        }
    }

    /** What a whole-study invocation produced. */
    public record Outcome(Map<String, Object> summary, List<String> failedRuns) {
    }

    private final Study study;
    private final StudyConfig config;
    private final StudyFolder folder;
    private final Options options;
    private final PrintStream log;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final FolderCheck check;
    private final RunTrainer trainer;

    public StudyRunner(Study study, StudyConfig config, Path out, Options options, PrintStream log) {
        this.study = study;
        this.config = config;
        this.folder = new StudyFolder(out);
        this.options = options;
        this.log = log;
        this.check = new FolderCheck(study, config, folder, options.repair(), log);
        this.trainer = new RunTrainer(folder, options.repair(), String.join(" ", options.commandLine()), log, System.nanoTime());
    }

    /** Trains every pending run, then analyses the folder. */
    public Outcome runAll() {
        List<RunSpec> plan = study.plan(config);
        Path out = folder.dir();
        FolderCheck.requireFolderOrAbsent(out);
        try (Study.Session session = study.open(config, log)) {
            Map<String, Study.Footprint> footprints = new LinkedHashMap<>();
            for (RunSpec r : plan) {
                footprints.put(r.id(), session.footprint(r));
            }
            Resources.check(footprints, out, log);
            boolean existed = Files.exists(out);
            if (existed) {
                check.checkCompatible(); // a folder this command must refuse is left as it is, its lock file included
            }
            try (FolderLock lock = FolderLock.acquire(out, options.waitForLock(), String.join(" ", options.commandLine()), log)) {
                try {
                    check.checkCompatible();
                } catch (ConfigException e) {
                    if (!existed) {
                        lock.close();
                        FolderCheck.deleteQuietly(out);
                    }
                    throw e;
                }
                folder.writeConfig(config);
                Map<String, Object> prov = Provenance.gather(options.commandLine());
                prov.put("study", study.name());
                prov.put("inputs", session.describe());
                prov.put("thread_budget", threadBudget(config));
                Json.write(folder.file(StudyFolder.PROVENANCE), prov);
                AtomicFiles.deleteOrphans(out);

                List<RunSpec> pending = check.pending(plan);
                List<String> failed = new WholeStudyTraining(study, config, folder, options, log, stop, trainer).train(session, plan, pending, footprints);
                recordThreads(prov, plan);
                StudyFolder.Scan scan = folder.scan(plan);
                if (scan.complete().isEmpty()) {
                    throw new EnvironmentException("no run of the study finished (" + failed.size() + " failed); see the lines above");
                }
                log.println("training done (" + scan.coverage() + "); analysing");
                return new Outcome(study.analyse(config, folder, scan, log), failed);
            }
        }
    }

    /**
     * Trains run {@code index} of the plan (0-based) if it is not complete; no analysis. Other processes
     * may train other runs of the same folder at the same time (cluster tasks): this takes the study
     * folder's lock shared (waiting with {@code waitForLock} while a whole-study run or a report holds it),
     * then the run's own lock, waiting for a process that trains this very run; then the run is
     * verified and skipped when complete, redone when damaged, resumed from its checkpoint when
     * interrupted. The summary of the outcome is {@code {"run": id, "state": trained|complete|failed}}.
     */
    public Outcome runOne(int index) {
        List<RunSpec> plan = study.plan(config);
        if (index < 0 || index >= plan.size()) {
            throw new ConfigException("index: " + index + " is out of range; this study has runs 0 to " + (plan.size() - 1));
        }
        RunSpec r = plan.get(index);
        try (Participant p = participate(options.waitForLock())) {
            Resources.check(Map.of(r.id(), p.footprint(index)), folder.dir(), log);
            StudyProgress progress = new StudyProgress(log, options.terminal(), 1, r.cost());
            int requested = study.requestedRunThreads(config);
            int threads = requested > 0 ? requested : threadBudget(config);
            RunResult res = StopOnSignal.run(options.handleInterrupt(), stop, log, () -> p.train(index, threads, progress, r.id(), true, stop::get));
            progress.close();
            if (res.state() == RunResult.State.STOPPED) {
                log.println();
                log.println("stopped: " + r.id() + " checkpointed " + res.message() + ". Run the same command again to resume: "
                        + String.join(" ", options.commandLine()));
                log.flush();
                throw new StoppedException();
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("run", r.id());
            summary.put("state", res.state().name().toLowerCase(java.util.Locale.ROOT));
            if (!res.message().isEmpty()) {
                summary.put("message", res.message());
            }
            return new Outcome(summary, res.state() == RunResult.State.FAILED ? List.of(r.id() + ": " + res.message()) : List.of());
        }
    }

    /** How one run's training ended, for executors that train single runs. */
    public record RunResult(State state, String message) {
        /** TRAINED: trained now; COMPLETE: was complete already; BUSY: another process holds it (not waiting); FAILED; STOPPED (checkpointed). */
        public enum State { TRAINED, COMPLETE, FAILED, BUSY, STOPPED }
    }

    /**
     * Opens the study folder for training single runs beside other processes: takes the folder's lock
     * shared (see {@link Locks}), checks the folder holds this study with the same
     * settings and writes config.json if it has none. The study's data is loaded on first use.
     */
    public Participant participate(boolean waitForStudyLock) {
        Path out = folder.dir();
        FolderCheck.requireFolderOrAbsent(out);
        Locks.Held shared = Locks.shared(out, waitForStudyLock, String.join(" ", options.commandLine()), log);
        try {
            check.checkCompatible();
            if (!folder.hasConfig() || check.gridChanged()) {
                folder.writeConfig(config); // a grown grid is recorded, so the folder's report covers the new runs
            }
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
        return new Participant(study, config, folder, log, trainer, shared, study.plan(config));
    }


    /** The thread budget of the study's settings ("threads"), or every core when it has none. */
    static int threadBudget(StudyConfig config) {
        Object t = config.asMap().get("threads");
        return t instanceof Number n ? Math.max(1, n.intValue()) : Runtime.getRuntime().availableProcessors();
    }

    /** A scheduler outcome for a run's result. */
    public static LocalScheduler.Outcome outcome(RunResult res) {
        return switch (res.state()) {
            case TRAINED, COMPLETE -> LocalScheduler.Outcome.DONE;
            case FAILED -> LocalScheduler.Outcome.FAILED;
            case BUSY -> LocalScheduler.Outcome.BUSY;
            case STOPPED -> LocalScheduler.Outcome.STOPPED;
        };
    }

    /** The user stopped the study; everything is saved and the message printed. */
    public static final class StoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super("stopped by the user; run the same command again to resume");
        }
    }

    /** Adds the threads each run really trained with (from its result.json) to provenance.json. */
    private void recordThreads(Map<String, Object> prov, List<RunSpec> plan) {
        Map<String, Object> used = new TreeMap<>();
        for (RunSpec r : plan) {
            RunFolder f = folder.run(r);
            if (f.hasResult()) {
                try {
                    used.put(r.id(), f.result().path("threads").asInt());
                } catch (RuntimeException e) {
                    // damaged: the next run redoes it
                }
            }
        }
        prov.put("threads_used_per_run", used);
        prov.put("finished", java.time.Instant.now().toString());
        Json.write(folder.file(StudyFolder.PROVENANCE), prov);
    }

    /** A redrawn report: the study that made the folder and its summary. */
    public record Report(Study study, Map<String, Object> summary) {
    }

    /** Redraws a study's analysis and report from its folder alone; names runs that are missing or damaged. */
    public static Report report(Path dir, boolean wait, List<String> commandLine, PrintStream log) {
        return StudyReport.report(dir, wait, commandLine, log);
    }
}
