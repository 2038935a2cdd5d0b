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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * ones, runs the rest longest first within the thread budget, then analyses the folder.
 * {@link #runOne} is the same for a single run of the plan ("run job i of N"), for executors that fan
 * runs out over processes or cluster nodes.
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
        return execute(plan, plan, true);
    }

    /** Trains run {@code index} of the plan (0-based) if it is not complete; no analysis. */
    public Outcome runOne(int index) {
        List<RunSpec> plan = study.plan(config);
        if (index < 0 || index >= plan.size()) {
            throw new ConfigException("index: " + index + " is out of range; this study has runs 0 to " + (plan.size() - 1));
        }
        return execute(plan, List.of(plan.get(index)), false);
    }

    private Outcome execute(List<RunSpec> plan, List<RunSpec> selected, boolean analyse) {
        Path out = folder.dir();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new ConfigException("out: " + out + " is a file, not a folder; choose another --out");
        }
        try (Study.Session session = study.open(config, log)) {
            Map<String, Study.Footprint> footprints = new LinkedHashMap<>();
            for (RunSpec r : selected) {
                footprints.put(r.id(), session.footprint(r));
            }
            checkResources(footprints);
            boolean existed = Files.exists(out);
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

                List<RunSpec> pending = pending(selected);
                List<String> failed = train(session, plan, selected, pending, footprints);
                recordThreads(prov, plan);
                if (!analyse) {
                    return new Outcome(Map.of(), failed);
                }
                StudyFolder.Scan scan = folder.scan(plan);
                if (scan.complete().isEmpty()) {
                    throw new EnvironmentException("no run of the study finished (" + failed.size() + " failed); see the lines above");
                }
                log.println("training done (" + scan.coverage() + "); analysing");
                return new Outcome(study.analyse(config, folder, scan, log), failed);
            }
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

    private List<String> train(Study.Session session, List<RunSpec> plan, List<RunSpec> selected, List<RunSpec> pending,
                               Map<String, Study.Footprint> footprints) {
        int budget = threadBudget();
        List<RunSpec> jobs = new ArrayList<>(pending);
        jobs.sort(Comparator.comparingDouble(RunSpec::cost).reversed()); // longest first balances the workers
        int requested = study.requestedRunThreads(config);
        int perRun = requested > 0 ? requested : Math.max(1, budget / Math.max(1, Math.min(jobs.size(), budget)));
        int workers = Math.max(1, Math.min(jobs.size(), budget / perRun));
        long heaviest = jobs.stream().mapToLong(r -> footprints.get(r.id()).heapBytes()).max().orElse(1);
        long fit = Math.max(1, usableHeap() / Math.max(1, heaviest));
        if (fit < workers) {
            log.printf("memory: %s per run, usable heap %s: running %d at a time instead of %d%n", bytes(heaviest), bytes(usableHeap()), fit, workers);
            workers = (int) fit;
        }
        double totalCost = selected.stream().mapToDouble(RunSpec::cost).sum();
        StudyProgress progress = new StudyProgress(log, options.terminal(), selected.size(), totalCost);
        for (RunSpec r : selected) {
            if (!jobs.contains(r)) {
                progress.alreadyDone(r);
            }
        }
        log.printf("%s: %d run(s), %d already done; %d to train with %d thread(s) each, %d at a time; output %s%n", study.name(),
                selected.size(), selected.size() - jobs.size(), jobs.size(), perRun, workers, folder.dir());
        List<String> failed = new ArrayList<>();
        List<String> interrupted = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = options.handleInterrupt() ? new Thread(() -> {
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }) : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (RunSpec r : jobs) {
                futures.add(pool.submit(() -> {
                    if (stop.get()) {
                        return;
                    }
                    RunFolder f = folder.run(r);
                    try {
                        Files.createDirectories(f.dir());
                        RunContext ctx = new RunContext(perRun, progress.start(r, footprints.get(r.id()).maxSteps()), stop::get, log);
                        Map<String, Object> res = session.run(r, f, ctx);
                        f.complete(res);
                        progress.finished(r, r.id() + ": " + res.getOrDefault("outcome", "done") + " (" + StudyProgress.clock(
                                (System.nanoTime() - start) / 1e9) + " elapsed)");
                    } catch (Trainer.Interrupted e) {
                        progress.stopped(r);
                        synchronized (interrupted) {
                            interrupted.add(r.id() + " at update " + e.updates());
                        }
                    } catch (ConfigException | EnvironmentException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
                        progress.failed(r, r.id() + ": " + e.getMessage());
                        synchronized (failed) {
                            failed.add(r.id() + ": " + e.getMessage());
                        }
                    } catch (OutOfMemoryError e) {
                        progress.failed(r, r.id() + ": out of memory (" + bytes(footprints.get(r.id()).heapBytes()) + " estimated per run)");
                        synchronized (failed) {
                            failed.add(r.id() + ": out of memory");
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
        } finally {
            pool.shutdownNow();
            progress.close();
            if (stop.get()) {
                int complete = folder.scan(plan).complete().size();
                log.println();
                log.println("stopped: " + complete + " of " + plan.size() + " runs are complete"
                        + (interrupted.isEmpty() ? "" : "; checkpointed: " + String.join(", ", interrupted))
                        + ". Run the same command again to resume: " + String.join(" ", options.commandLine()));
                log.flush();
            }
            finished.countDown();
            if (hook != null && !stop.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
        }
        if (stop.get()) {
            throw new StoppedException();
        }
        return failed;
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
            throw new ConfigException("report: " + dir + " is not a study folder (no " + StudyFolder.CONFIG + ")");
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
            throw new EnvironmentException("report: no finished run in " + dir + " (" + scan.planned().size() + " planned"
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
