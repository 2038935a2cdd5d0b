package org.layerwise.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.layerwise.config.ConfigException;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.IoErrors;
import org.layerwise.io.Json;
import org.layerwise.train.Trainer;

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
    private final long started = System.nanoTime();

    public StudyRunner(Study study, StudyConfig config, Path out, Options options, PrintStream log) {
        this.study = study;
        this.config = config;
        this.folder = new StudyFolder(out);
        this.options = options;
        this.log = log;
    }

    /** Trains every pending run, then analyses the folder. */
    public Outcome runAll() {
        List<RunSpec> plan = study.plan(config);
        Path out = folder.dir();
        requireFolderOrAbsent(out);
        try (Study.Session session = study.open(config, log)) {
            Map<String, Study.Footprint> footprints = new LinkedHashMap<>();
            for (RunSpec r : plan) {
                footprints.put(r.id(), session.footprint(r));
            }
            checkResources(footprints);
            boolean existed = Files.exists(out);
            if (existed) {
                checkCompatible(); // a folder this command must refuse is left as it is, its lock file included
            }
            try (FolderLock lock = FolderLock.acquire(out, options.waitForLock(), String.join(" ", options.commandLine()), log)) {
                try {
                    checkCompatible();
                } catch (ConfigException e) {
                    if (!existed) {
                        lock.close();
                        deleteQuietly(out);
                    }
                    throw e;
                }
                folder.writeConfig(config);
                Map<String, Object> prov = Provenance.gather(options.commandLine());
                prov.put("study", study.name());
                prov.put("inputs", session.describe());
                prov.put("thread_budget", threadBudget());
                Json.write(folder.file(StudyFolder.PROVENANCE), prov);
                AtomicFiles.deleteOrphans(out);

                List<RunSpec> pending = pending(plan);
                List<String> failed = train(session, plan, pending, footprints);
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
            checkResources(Map.of(r.id(), p.footprint(index)));
            StudyProgress progress = new StudyProgress(log, options.terminal(), 1, r.cost());
            int requested = study.requestedRunThreads(config);
            int threads = requested > 0 ? requested : threadBudget();
            RunResult res = interruptible(() -> p.train(index, threads, progress, r.id(), true, stop::get));
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
        requireFolderOrAbsent(out);
        Locks.Held shared = Locks.shared(out, waitForStudyLock, String.join(" ", options.commandLine()), log);
        try {
            checkCompatible();
            if (!folder.hasConfig() || gridChanged()) {
                folder.writeConfig(config); // a grown grid is recorded, so the folder's report covers the new runs
            }
        } catch (RuntimeException e) {
            shared.close();
            throw e;
        }
        return new Participant(shared, study.plan(config));
    }

    /** A study folder opened by {@link #participate}; closing it releases the shared lock and the study's data. */
    public final class Participant implements AutoCloseable {
        private final Locks.Held shared;
        private final List<RunSpec> plan;
        private Study.Session session;
        private boolean closed;

        private Participant(Locks.Held shared, List<RunSpec> plan) {
            this.shared = shared;
            this.plan = plan;
        }

        /** The study's runs, in plan order. */
        public List<RunSpec> plan() {
            return plan;
        }

        /** The study's prepared data and engine, loaded on the first call. */
        public synchronized Study.Session session() {
            if (closed) {
                throw new IllegalStateException("participant closed");
            }
            if (session == null) {
                session = study.open(config, log);
            }
            return session;
        }

        public Study.Footprint footprint(int index) {
            return session().footprint(plan.get(index));
        }

        /** Closes the study's data until the next {@link #session()} (an executor bounding memory over many studies). */
        public synchronized void releaseSession() {
            if (session != null) {
                Study.Session s = session;
                session = null;
                s.close();
            }
        }

        /** The thread count run {@code index} must resume with (its checkpoint's), or 0 when it has no checkpoint. */
        public int resumeThreads(int index) {
            return CheckpointPeek.threads(folder.run(plan.get(index)).checkpoint());
        }

        /** Where run {@code index} stands now (verifying a finished run's files). */
        public RunFolder.Status status(int index) {
            return folder.run(plan.get(index)).status();
        }

        /**
         * Trains run {@code index} with {@code threads} threads (a resumed run keeps its checkpoint's
         * count) unless it is complete; {@code label} names it in progress lines. Without
         * {@code waitForRunLock}, a run another process holds is left alone ({@link RunResult.State#BUSY}).
         */
        public RunResult train(int index, int threads, StudyProgress progress, String label, boolean waitForRunLock, BooleanSupplier stop) {
            RunSpec r = plan.get(index);
            return trainRun(this::session, r, threads, progress, label, waitForRunLock, stop);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (session != null) {
                    session.close();
                }
            } finally {
                shared.close();
            }
        }
    }

    private static void requireFolderOrAbsent(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException("out: " + out + " is a file, not a folder; choose another --out");
        }
    }

    private int threadBudget() {
        Object t = config.asMap().get("threads");
        return t instanceof Number n ? Math.max(1, n.intValue()) : Runtime.getRuntime().availableProcessors();
    }

    /** Refuses before anything is written when one run cannot fit the heap or the runs cannot fit the disk. */
    private void checkResources(Map<String, Study.Footprint> footprints) {
        long heap = usableHeap();
        long maxHeap = 0;
        String maxId = null;
        long disk = 0;
        for (var e : footprints.entrySet()) {
            if (e.getValue().heapBytes() > maxHeap) {
                maxHeap = e.getValue().heapBytes();
                maxId = e.getKey();
            }
            disk += e.getValue().diskBytes();
        }
        long free = freeSpace(folder.dir());
        log.printf("estimate: %d run(s); at most %s of heap per run (usable heap %s); at most %s on disk (%s free)%n",
                footprints.size(), bytes(maxHeap), bytes(heap), bytes(disk), free < 0 ? "unknown" : bytes(free));
        footprints.values().stream().map(Study.Footprint::note).filter(n -> !n.isEmpty()).distinct().forEach(n -> log.println("  " + n));
        if (maxHeap > heap) {
            throw new EnvironmentException(String.format("memory: run %s needs about %s of Java heap, but only %s is usable"
                    + " (the launcher gives Java 75%% of RAM; set LAYERWISE_HEAP, e.g. LAYERWISE_HEAP=20g, or lower the depth, width or batch size)",
                    maxId, bytes(maxHeap), bytes(heap)));
        }
        if (free >= 0 && disk > free) {
            throw new EnvironmentException(String.format("disk: the runs need up to %s in %s but only %s is free; free space or choose another --out",
                    bytes(disk), folder.dir(), bytes(free)));
        }
    }

    static long usableHeap() {
        return (long) (0.85 * Runtime.getRuntime().maxMemory());
    }

    private static long freeSpace(Path dir) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                try {
                    return Files.getFileStore(p).getUsableSpace();
                } catch (IOException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    public static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(v < 10 ? "%.1f %s" : "%.0f %s", v, u[i]);
    }

    /** Whether the folder's config.json records another grid than this config (checkCompatible allows only the grid to differ). */
    private boolean gridChanged() {
        StudyFolder.Saved saved = folder.readConfig();
        Map<String, Object> old = StudyConfigs.fromSaved(study, saved.settings(), folder.file(StudyFolder.CONFIG)).without(study.executionKeys());
        return !old.equals(config.without(study.executionKeys()));
    }

    /** The folder must hold this study with the same run-determining settings (the grid may grow). */
    private void checkCompatible() {
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
    private List<RunSpec> pending(List<RunSpec> selected) {
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
            if (!options.repair()) {
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

    /**
     * Trains the pending runs of a whole-study invocation with the {@link LocalScheduler} (the scheduler
     * a sweep's local executor uses too): longest first, threads per run by cost, a resumed run with its
     * checkpoint's thread count; one failing run is reported and the others go on.
     */
    private List<String> train(Study.Session session, List<RunSpec> plan, List<RunSpec> jobs, Map<String, Study.Footprint> footprints) {
        int budget = threadBudget();
        int requested = study.requestedRunThreads(config);
        int concurrent = requested > 0 ? Math.max(1, budget / requested) : budget;
        long heaviest = jobs.stream().mapToLong(r -> footprints.get(r.id()).heapBytes()).max().orElse(1);
        long fit = Math.max(1, usableHeap() / Math.max(1, heaviest));
        if (fit < Math.min(concurrent, jobs.size())) {
            log.printf("memory: up to %s per run, usable heap %s: running as many at a time as fit (at least %d)%n", bytes(heaviest),
                    bytes(usableHeap()), fit);
        }
        double totalCost = plan.stream().mapToDouble(RunSpec::cost).sum();
        StudyProgress progress = new StudyProgress(log, options.terminal(), plan.size(), totalCost);
        for (RunSpec r : plan) {
            if (!jobs.contains(r)) {
                progress.alreadyDone(r);
            }
        }
        log.printf("%s: %d run(s), %d already done; %d to train on %d thread(s), %s at a time, longest first; output %s%n", study.name(),
                plan.size(), plan.size() - jobs.size(), jobs.size(), budget,
                requested > 0 ? concurrent + " with " + requested + " thread(s) each" : "up to " + Math.min(concurrent, Math.max(1, jobs.size()))
                        + ", threads per run by cost,", folder.dir());
        List<String> failed = new ArrayList<>();
        List<String> interrupted = new ArrayList<>();
        LocalScheduler scheduler = new LocalScheduler(new LocalScheduler.Limits(budget, concurrent, requested, usableHeap()),
                stop::get, 1000);
        List<LocalScheduler.Task> tasks = new ArrayList<>();
        for (RunSpec r : jobs) {
            tasks.add(new LocalScheduler.Task() {
                @Override
                public String id() {
                    return r.id();
                }

                @Override
                public double cost() {
                    return r.cost();
                }

                @Override
                public int fixedThreads() {
                    return CheckpointPeek.threads(folder.run(r).checkpoint());
                }

                @Override
                public long memory() {
                    return footprints.get(r.id()).heapBytes();
                }

                @Override
                public LocalScheduler.Outcome run(int threads) {
                    RunResult res = trainRun(() -> session, r, threads, progress, r.id(), false, stop::get);
                    synchronized (failed) {
                        switch (res.state()) {
                            case FAILED -> failed.add(r.id() + ": " + res.message());
                            case STOPPED -> interrupted.add(r.id() + " " + res.message());
                            default -> { }
                        }
                    }
                    return outcome(res);
                }
            });
        }
        try {
            interruptible(() -> scheduler.run(tasks));
        } finally {
            progress.close();
        }
        if (stop.get()) {
            int complete = folder.scan(plan).complete().size();
            log.println();
            log.println("stopped: " + complete + " of " + plan.size() + " runs are complete"
                    + (interrupted.isEmpty() ? "" : "; checkpointed: " + String.join(", ", interrupted))
                    + ". Run the same command again to resume: " + String.join(" ", options.commandLine()));
            log.flush();
            throw new StoppedException();
        }
        return failed;
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

    /**
     * Trains one run under its run lock: verified first (complete: skipped; damaged: cleared and redone,
     * or failed with {@code repair = false}), then trained, resuming from its checkpoint, and marked
     * complete. Every failure becomes a FAILED result with one line; nothing escapes to stop other runs.
     */
    private RunResult trainRun(java.util.function.Supplier<Study.Session> session, RunSpec r, int threads, StudyProgress progress,
                               String label, boolean waitForRunLock, BooleanSupplier stopped) {
        RunSpec shown = label.equals(r.id()) ? r : new RunSpec(label, r.folder(), r.settings(), r.cost());
        Locks.Held lock;
        try {
            lock = Locks.exclusive(Locks.runLockFile(folder.dir(), r.folder()), waitForRunLock, String.join(" ", options.commandLine()), log);
        } catch (EnvironmentException e) {
            progress.failed(shown, label + ": " + e.getMessage());
            return new RunResult(RunResult.State.FAILED, e.getMessage());
        }
        if (lock == null) {
            return new RunResult(RunResult.State.BUSY, "trained by another process");
        }
        RunFolder f = folder.run(r);
        try (lock) {
            f.deleteOrphans();
            RunFolder.Status s = f.status();
            if (s.state() == RunFolder.State.COMPLETE) {
                progress.alreadyDone(shown);
                return new RunResult(RunResult.State.COMPLETE, "");
            }
            if (s.state() == RunFolder.State.DAMAGED) {
                String problems = String.join("; ", s.problems());
                if (!options.repair()) {
                    progress.failed(shown, label + ": damaged, not repaired (--no-repair): " + problems);
                    return new RunResult(RunResult.State.FAILED, "damaged, not repaired (--no-repair): " + problems);
                }
                log.println("damaged, redoing: " + label + ": " + problems);
                f.clear();
            }
            Files.createDirectories(f.dir());
            Study.Footprint fp = session.get().footprint(r);
            RunContext ctx = new RunContext(threads, progress.start(shown, fp.maxSteps()), stopped, log);
            Map<String, Object> res = new LinkedHashMap<>(session.get().run(r, f, ctx));
            f.complete(res);
            progress.finished(shown, label + ": " + res.getOrDefault("outcome", "done") + " (" + StudyProgress.clock(
                    (System.nanoTime() - started) / 1e9) + " elapsed)");
            return new RunResult(RunResult.State.TRAINED, "");
        } catch (Trainer.Interrupted e) {
            progress.stopped(shown);
            return new RunResult(RunResult.State.STOPPED, "at update " + e.updates());
        } catch (ConfigException | EnvironmentException | org.layerwise.data.DataException | UncheckedIOException | IllegalArgumentException
                 | IllegalStateException e) {
            progress.failed(shown, label + ": " + e.getMessage());
            return new RunResult(RunResult.State.FAILED, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            String m = "could not create " + f.dir() + ": " + IoErrors.describe(e);
            progress.failed(shown, label + ": " + m);
            return new RunResult(RunResult.State.FAILED, m);
        } catch (OutOfMemoryError e) {
            String m = "out of memory (the Java heap is " + bytes(Runtime.getRuntime().maxMemory()) + "; set LAYERWISE_HEAP or run fewer at a time)";
            progress.failed(shown, label + ": " + m);
            return new RunResult(RunResult.State.FAILED, m);
        } catch (RuntimeException e) {
            String m = "internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            progress.failed(shown, label + ": " + m);
            return new RunResult(RunResult.State.FAILED, m);
        }
    }

    /** Runs {@code body}; on Ctrl-C meanwhile, the running runs checkpoint before the JVM exits ({@link StopOnSignal}). */
    private <T> T interruptible(java.util.function.Supplier<T> body) {
        return StopOnSignal.run(options.handleInterrupt(), stop, log, body);
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
            return new Report(study, study.analyse(config, folder, scan, log));
        }
    }

    private static void requireFinishedRun(Path dir, StudyFolder.Scan scan) {
        if (scan.complete().isEmpty()) {
            Map<String, String> absent = scan.absent();
            throw new EnvironmentException("no finished run in " + dir + " (" + scan.planned().size() + " planned"
                    + (absent.isEmpty() ? "" : "; e.g. " + absent.entrySet().iterator().next()) + "); run the study first");
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new EnvironmentException("could not remove " + dir + ": " + IoErrors.describe(e), e);
        }
    }
}
