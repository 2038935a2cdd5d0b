package org.layerwise.study;

import java.io.PrintStream;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.layerwise.study.StudyRunner.RunResult;

/**
 * A study folder opened by {@link StudyRunner#participate} for training single runs beside other
 * processes: it holds the folder's lock shared, loads the study's data on first use, and trains runs of
 * the plan one by one under their own locks. Closing it releases the shared lock and the study's data.
 */
public final class Participant implements AutoCloseable {
    private final Study study;
    private final StudyConfig config;
    private final StudyFolder folder;
    private final PrintStream log;
    private final RunTrainer trainer;
    private final Locks.Held shared;
    private final List<RunSpec> plan;
    private Study.Session session;
    private boolean closed;

    Participant(Study study, StudyConfig config, StudyFolder folder, PrintStream log, RunTrainer trainer, Locks.Held shared, List<RunSpec> plan) {
        this.study = study;
        this.config = config;
        this.folder = folder;
        this.log = log;
        this.trainer = trainer;
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
        return trainer.train(this::session, r, threads, progress, label, waitForRunLock, stop);
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
