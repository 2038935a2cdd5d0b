package org.layerwise.sweep;

import org.layerwise.study.CheckpointPeek;
import org.layerwise.study.LocalScheduler;
import org.layerwise.study.Participant;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.layerwise.io.EnvironmentException;
import org.layerwise.study.FolderLock;
import org.layerwise.study.RunFolder;
import org.layerwise.study.Resources;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyProgress;
import org.layerwise.study.StudyRunner;

/**
 * Runs a whole sweep on this machine, the default executor: every run of every entry through one
 * {@link LocalScheduler} (bounded concurrency, a thread budget, longest first, the critical path
 * given the free threads), each through the same per-run path as {@code run-one}
 * ({@link Participant#train}: run lock, verification, resume). Idempotent: complete runs
 * are verified and skipped, interrupted ones resume, damaged ones are redone, so running it again
 * after a kill, a crash or a fix does only what is missing. One failing run is reported and the
 * others go on. The sweep folder's lock keeps a second local executor out (it waits with
 * {@code wait}); Slurm tasks on the same sweep may run beside it, each run trained by whoever takes
 * its lock first.
 */
public final class LocalExecutor {
    /**
     * @param threads       the thread budget
     * @param parallel      most runs at a time
     * @param threadsPerRun a fixed count per run, or 0 for cost-proportional shares
     * @param waitForOthers wait for another executor on this sweep instead of refusing
     * @param terminal      redraw progress in place
     * @param handleInterrupt on Ctrl-C, checkpoint the running runs and say how to resume
     * @param commandLine   recorded in locks (who holds what)
     */
    public record Options(int threads, int parallel, int threadsPerRun, boolean waitForOthers, boolean terminal, boolean handleInterrupt,
                          List<String> commandLine) {
    }

    /** What one invocation did. */
    public record Result(int runs, int trained, int alreadyComplete, List<String> failed, boolean stopped) {
    }

    /** Sessions (loaded data) kept open beyond the running runs' own, so entries that alternate do not reload each time. */
    private static final int SPARE_SESSIONS = 2;

    private final SweepFolder sweep;
    private final Manifest manifest;
    private final Options options;
    private final PrintStream log;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Handle> open = new ArrayList<>();

    public LocalExecutor(SweepFolder sweep, Manifest manifest, Options options, PrintStream log) {
        this.sweep = sweep;
        this.manifest = manifest;
        this.options = options;
        this.log = log;
    }

    /** Asks the running runs to checkpoint and stop (as Ctrl-C does). */
    public void requestStop() {
        stop.set(true);
    }

    /** One entry: its runner, and its participant while it has runs to train. */
    private final class Handle {
        final Manifest.Entry entry;
        final StudyRunner runner;
        final List<RunSpec> plan;
        Participant participant;
        int remaining;
        int inUse;
        long lastUsed;
        boolean loaded;

        Handle(Manifest.Entry entry, StudyRunner runner, List<RunSpec> plan) {
            this.entry = entry;
            this.runner = runner;
            this.plan = plan;
        }
    }

    public Result run() {
        Study study = manifest.studyImpl();
        try (FolderLock lock = FolderLock.acquire(sweep.dir(), options.waitForOthers(), String.join(" ", options.commandLine()), log)) {
            StudyProgress progress = new StudyProgress(log, options.terminal(), manifest.size(), manifest.totalCost());
            List<LocalScheduler.Task> tasks = new ArrayList<>();
            Map<String, String> failed = new LinkedHashMap<>();
            int[] trained = {0};
            int complete = 0;
            long heaviest = 0;
            String heaviestRun = null;
            for (Manifest.Entry e : manifest.entries()) {
                StudyConfig config = Sweep.entryConfig(manifest, e, options.threads());
                StudyRunner runner = new StudyRunner(study, config, sweep.entryDir(e),
                        new StudyRunner.Options(true, true, options.commandLine(), options.terminal(), false), log);
                List<RunSpec> plan = study.plan(config);
                if (!plan.stream().map(RunSpec::id).toList().equals(e.runIds())) {
                    throw new EnvironmentException(sweep.manifestFile() + ": the runs of entry " + e.id()
                            + " differ from what this layerwise plans; plan the sweep again");
                }
                Handle h = new Handle(e, runner, plan);
                int requested = study.requestedRunThreads(config);
                List<Integer> todo = new ArrayList<>();
                for (int j = 0; j < plan.size(); j++) {
                    RunSpec r = plan.get(j);
                    RunFolder f = new RunFolder(sweep.entryDir(e).resolve(r.folder()), r.id());
                    if (f.hasResult() && f.status().state() == RunFolder.State.COMPLETE) {
                        progress.alreadyDone(new RunSpec(e.id() + "/" + r.id(), r.folder(), Map.of(), r.cost()));
                        complete++;
                    } else {
                        todo.add(j);
                    }
                }
                if (todo.isEmpty()) {
                    continue;
                }
                h.remaining = todo.size();
                // footprints need the study's data: load it once per entry now, and again when its runs start
                Map<Integer, Study.Footprint> footprints = new LinkedHashMap<>();
                try (Participant p = runner.participate(true)) {
                    for (int j : todo) {
                        footprints.put(j, p.footprint(j));
                        if (footprints.get(j).heapBytes() > heaviest) {
                            heaviest = footprints.get(j).heapBytes();
                            heaviestRun = e.id() + "/" + plan.get(j).id();
                        }
                    }
                }
                for (int j : todo) {
                    Manifest.Slot slot = new Manifest.Slot(e, j, e.firstIndex() + j);
                    tasks.add(task(h, slot, footprints.get(j), requested, progress, failed, trained));
                }
            }
            long heap = Resources.usableHeap();
            if (heaviest > heap) {
                throw new EnvironmentException(String.format("memory: run %s needs about %s of Java heap, but only %s is usable"
                        + " (set LAYERWISE_HEAP, e.g. LAYERWISE_HEAP=20g)", heaviestRun, Resources.bytes(heaviest), Resources.bytes(heap)));
            }
            log.printf("sweep '%s': %d runs in %d entr%s, %d already complete; %d to train on %d thread(s), at most %d at a time, %s;"
                            + " output %s%n", manifest.sweep(), manifest.size(), manifest.entries().size(), manifest.entries().size() == 1 ? "y" : "ies", complete, tasks.size(), options.threads(),
                    options.parallel(), options.threadsPerRun() > 0 ? options.threadsPerRun() + " thread(s) per run" : "threads per run by cost",
                    sweep.dir());
            LocalScheduler scheduler = new LocalScheduler(new LocalScheduler.Limits(options.threads(), options.parallel(), options.threadsPerRun(),
                    heap), stop::get, 2000);
            try {
                interruptible(() -> scheduler.run(tasks));
            } finally {
                progress.close();
                closeAll();
            }
            for (Throwable t : scheduler.unexpected()) {
                log.println("internal error in a run (" + t + "); this is a bug");
            }
            List<String> failures = new ArrayList<>();
            failed.forEach((k, v) -> failures.add(k + ": " + v));
            if (stop.get()) {
                log.println();
                log.println("stopped: running runs checkpointed. Run the same command again to resume: " + String.join(" ", options.commandLine()));
            }
            return new Result(manifest.size(), trained[0], complete, failures, stop.get());
        }
    }

    private LocalScheduler.Task task(Handle h, Manifest.Slot slot, Study.Footprint footprint, int requested, StudyProgress progress, Map<String, String> failed,
                                     int[] trained) {
        return new LocalScheduler.Task() {
            @Override
            public String id() {
                return slot.key();
            }

            @Override
            public double cost() {
                return slot.cost();
            }

            @Override
            public int fixedThreads() {
                int resume = CheckpointPeek.threads(sweep.entryDir(h.entry).resolve(h.plan.get(slot.planIndex()).folder())
                        .resolve(RunFolder.CHECKPOINT));
                return resume > 0 ? resume : requested;
            }

            @Override
            public long memory() {
                return footprint.heapBytes();
            }

            @Override
            public int maxThreads() {
                return footprint.maxThreads();
            }

            @Override
            public LocalScheduler.Outcome run(int threads) {
                Participant p = acquire(h);
                boolean finished = false;
                try {
                    long t0 = System.nanoTime();
                    StudyRunner.RunResult r = p.train(slot.planIndex(), threads, progress, slot.key(), false, stop::get);
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("threads", threads);
                    details.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
                    switch (r.state()) {
                        case TRAINED -> {
                            sweep.event("trained", slot, details);
                            synchronized (trained) {
                                trained[0]++;
                            }
                        }
                        case FAILED -> {
                            details.put("message", r.message());
                            sweep.event("failed", slot, details);
                            synchronized (failed) {
                                failed.put(slot.key(), r.message());
                            }
                        }
                        case STOPPED -> sweep.event("stopped", slot, details);
                        default -> { }
                    }
                    finished = r.state() != StudyRunner.RunResult.State.BUSY;
                    return StudyRunner.outcome(r);
                } finally {
                    release(h, finished);
                }
            }
        };
    }

    /** The entry's participant, opened (shared study lock) on first use; bounds the sessions kept open. */
    private synchronized Participant acquire(Handle h) {
        if (h.participant == null) {
            h.participant = h.runner.participate(true);
            open.add(h);
        }
        h.inUse++;
        h.lastUsed = System.nanoTime();
        h.loaded = true; // its run loads the data now
        List<Handle> idle = new ArrayList<>(open.stream().filter(x -> x.loaded && x.inUse == 0).toList());
        idle.sort(Comparator.comparingLong(x -> x.lastUsed));
        long loaded = open.stream().filter(x -> x.loaded).count();
        for (int i = 0; i < idle.size() && loaded > options.parallel() + SPARE_SESSIONS; i++, loaded--) {
            idle.get(i).participant.releaseSession(); // least recently used first
            idle.get(i).loaded = false;
        }
        return h.participant;
    }

    private synchronized void release(Handle h, boolean finished) {
        h.inUse--;
        if (finished) {
            h.remaining--;
        }
        if (h.remaining == 0 && h.inUse == 0 && h.participant != null) {
            h.participant.close();
            h.participant = null;
            open.remove(h);
        }
    }

    private synchronized void closeAll() {
        for (Handle h : open) {
            h.participant.close();
            h.participant = null;
        }
        open.clear();
    }

    /** Runs {@code body}; on Ctrl-C meanwhile, the running runs checkpoint before the JVM exits ({@link StopOnSignal}). */
    private <T> T interruptible(java.util.function.Supplier<T> body) {
        return org.layerwise.study.StopOnSignal.run(options.handleInterrupt(), stop, log, body);
    }

    /** The sweep folder a manifest file lives in. */
    static SweepFolder folderOf(Path manifestFile) {
        return new SweepFolder(manifestFile.toAbsolutePath().getParent());
    }
}
