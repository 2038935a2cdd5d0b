package org.layerwise.study;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.layerwise.study.StudyRunner.RunResult;

/**
 * Scheduling and progress of a whole-study invocation: the pending runs on the {@link LocalScheduler}
 * (the scheduler a sweep's local executor uses too) within the thread budget and the heap, one progress
 * display over the study, and on Ctrl-C the running runs checkpointed and how to resume said.
 */
final class WholeStudyTraining {
    private final Study study;
    private final StudyConfig config;
    private final StudyFolder folder;
    private final StudyRunner.Options options;
    private final PrintStream log;
    private final AtomicBoolean stop;
    private final RunTrainer trainer;

    WholeStudyTraining(Study study, StudyConfig config, StudyFolder folder, StudyRunner.Options options, PrintStream log, AtomicBoolean stop,
                       RunTrainer trainer) {
        this.study = study;
        this.config = config;
        this.folder = folder;
        this.options = options;
        this.log = log;
        this.stop = stop;
        this.trainer = trainer;
    }

    /**
     * Trains the pending runs of a whole-study invocation with the {@link LocalScheduler} (the scheduler
     * a sweep's local executor uses too): longest first, threads per run by cost, a resumed run with its
     * checkpoint's thread count; one failing run is reported and the others go on.
     */
    List<String> train(Study.Session session, List<RunSpec> plan, List<RunSpec> jobs, Map<String, Study.Footprint> footprints) {
        int budget = StudyRunner.threadBudget(config);
        int requested = study.requestedRunThreads(config);
        int concurrent = requested > 0 ? Math.max(1, budget / requested) : budget;
        long heaviest = jobs.stream().mapToLong(r -> footprints.get(r.id()).heapBytes()).max().orElse(1);
        long fit = Math.max(1, Resources.usableHeap() / Math.max(1, heaviest));
        if (fit < Math.min(concurrent, jobs.size())) {
            log.printf("memory: up to %s per run, usable heap %s: running as many at a time as fit (at least %d)%n", Resources.bytes(heaviest),
                    Resources.bytes(Resources.usableHeap()), fit);
        }
        double totalCost = plan.stream().mapToDouble(RunSpec::cost).sum();
        StudyProgress progress = new StudyProgress(log, options.terminal(), plan.size(), totalCost);
        for (RunSpec r : plan) {
            if (!jobs.contains(r)) {
                progress.alreadyDone(r);
            }
        }
        int atOnce = Math.min(concurrent, Math.max(1, jobs.size()));
        String schedule = requested > 0
                ? String.format("%d at a time with %d thread(s) each", concurrent, requested)
                : String.format("up to %d at a time, threads shared by cost", atOnce);
        log.printf("%s: %d run(s), %d already done; %d to train on %d thread(s), %s, longest first; output %s%n", study.name(),
                plan.size(), plan.size() - jobs.size(), jobs.size(), budget, schedule, folder.dir());
        List<String> failed = new ArrayList<>();
        List<String> interrupted = new ArrayList<>();
        LocalScheduler scheduler = new LocalScheduler(new LocalScheduler.Limits(budget, concurrent, requested, Resources.usableHeap()),
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
                public int maxThreads() {
                    return footprints.get(r.id()).maxThreads();
                }

                @Override
                public LocalScheduler.Outcome run(int threads) {
                    RunResult res = trainer.train(() -> session, r, threads, progress, r.id(), false, stop::get);
                    synchronized (failed) {
                        switch (res.state()) {
                            case FAILED -> failed.add(r.id() + ": " + res.message());
                            case STOPPED -> interrupted.add(r.id() + " " + res.message());
                            default -> { }
                        }
                    }
                    return StudyRunner.outcome(res);
                }
            });
        }
        try {
            StopOnSignal.run(options.handleInterrupt(), stop, log, () -> scheduler.run(tasks));
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
            throw new StudyRunner.StoppedException();
        }
        return failed;
    }
}
