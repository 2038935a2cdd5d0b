package org.layerwise.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.layerwise.config.ConfigException;
import org.layerwise.data.DataException;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.IoErrors;
import org.layerwise.study.StudyRunner.RunResult;
import org.layerwise.train.Trainer;

/**
 * Trains one run of a study folder, the same way for a whole-study invocation, a single run and an
 * executor: under the run's lock, verified first, resumed from its checkpoint, marked complete; every
 * failure becomes a one-line result, so one run never stops the others.
 */
final class RunTrainer {
    private final StudyFolder folder;
    private final boolean repair;
    private final String owner;
    private final PrintStream log;
    private final long started;

    /**
     * @param owner   the command line, named in the run lock
     * @param started when the invocation started (for the elapsed time in progress lines)
     */
    RunTrainer(StudyFolder folder, boolean repair, String owner, PrintStream log, long started) {
        this.folder = folder;
        this.repair = repair;
        this.owner = owner;
        this.log = log;
        this.started = started;
    }

    /**
     * Trains one run under its run lock: verified first (complete: skipped; damaged: cleared and redone,
     * or failed with {@code repair = false}), then trained, resuming from its checkpoint, and marked
     * complete. Every failure becomes a FAILED result with one line; nothing escapes to stop other runs.
     */
    RunResult train(Supplier<Study.Session> session, RunSpec r, int threads, StudyProgress progress,
                               String label, boolean waitForRunLock, BooleanSupplier stopped) {
        RunSpec shown = label.equals(r.id()) ? r : new RunSpec(label, r.folder(), r.settings(), r.cost());
        Locks.Held lock;
        try {
            lock = Locks.exclusive(Locks.runLockFile(folder.dir(), r.folder()), waitForRunLock, owner, log);
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
                if (!repair) {
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
        } catch (ConfigException | EnvironmentException | DataException | UncheckedIOException | IllegalArgumentException
                 | IllegalStateException e) {
            progress.failed(shown, label + ": " + e.getMessage());
            return new RunResult(RunResult.State.FAILED, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            String m = "could not create " + f.dir() + ": " + IoErrors.describe(e);
            progress.failed(shown, label + ": " + m);
            return new RunResult(RunResult.State.FAILED, m);
        } catch (OutOfMemoryError e) {
            String m = "out of memory (the Java heap is " + Resources.bytes(Runtime.getRuntime().maxMemory()) + "; set LAYERWISE_HEAP or run fewer at a time)";
            progress.failed(shown, label + ": " + m);
            return new RunResult(RunResult.State.FAILED, m);
        } catch (RuntimeException e) {
            String m = "internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            progress.failed(shown, label + ": " + m);
            return new RunResult(RunResult.State.FAILED, m);
        }
    }
}
