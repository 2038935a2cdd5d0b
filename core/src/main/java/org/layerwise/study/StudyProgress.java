package org.layerwise.study;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

/**
 * Progress of a whole study: runs done / running / failed / left, what each running run is at, and
 * an estimate of the time left for the study. On a terminal one status line is redrawn in place;
 * otherwise (a log file, CI) a plain line is printed every 30 s. The estimate comes from the runs'
 * relative costs ({@link RunSpec#cost()}) and the work done per second in this process (a run's work
 * is its cost times the share of its update budget it did here; updates a resumed run had done before
 * do not count towards the rate). "At most" assumes every run uses its whole budget; once runs have
 * finished, "about" scales that by the share of their budgets the finished runs used, since runs that
 * converge or diverge stop early (the ELR trainability grid's diverging runs stop within a few steps:
 * the bound alone was 30x the time it took). The clock of the rates starts at the first update (of the
 * study, and of each run for its own rate): the time before it is one-time start-up (data loading, JIT
 * compilation, the first libtorch step), and counting it made the first estimate of a 56 s ELR run
 * 0:14:43.
 */
public final class StudyProgress {
    private final PrintStream out;
    private final boolean terminal;
    private final int total;
    private final LongSupplier clock;
    private long lastDraw;
    private long clockStart = -1; // when the study's first update in this process ended; -1 before
    private double workAtClockStart; // the work done here by then
    private final double totalCost;
    private double finishedCost;  // cost of runs completed in this process
    private double finishedWork;  // their work done here: cost x share of the budget done in this process
    private double finishedUsed;  // cost x share of the budget each used in all (before a resume too)
    private double skippedCost;   // cost of runs already complete before this process started
    private int done;
    private int failed;
    private final Map<String, Tracker> running = new LinkedHashMap<>();
    private boolean statusShown;

    public StudyProgress(PrintStream out, boolean terminal, int total, double totalCost) {
        this(out, terminal, total, totalCost, System::nanoTime);
    }

    /** With its own clock (nanoseconds), for tests. */
    StudyProgress(PrintStream out, boolean terminal, int total, double totalCost, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.totalCost = totalCost;
        this.clock = clock;
        this.lastDraw = clock.getAsLong(); // plain output: the first status line after 30 s, as every later one
    }

    /** A run that was complete before this process started. */
    public synchronized void alreadyDone(RunSpec r) {
        done++;
        skippedCost += r.cost();
    }

    /** The progress listener of one run; {@code maxUpdates} is its update budget. */
    public synchronized TrainingListener start(RunSpec r, long maxUpdates) {
        Tracker t = new Tracker(r, maxUpdates);
        running.put(r.id(), t);
        return t;
    }

    /** A run finished: its line is printed above the status. */
    public synchronized void finished(RunSpec r, String line) {
        Tracker t = running.remove(r.id());
        done++;
        finishedCost += r.cost();
        finishedWork += r.cost() * (t == null ? 1 : t.fractionDoneHere());
        finishedUsed += r.cost() * (t == null ? 1 : t.fractionDoneHere() + t.fractionBefore());
        print(String.format("[%d/%d] %s", done, total, line));
    }

    public synchronized void failed(RunSpec r, String line) {
        running.remove(r.id());
        failed++;
        print(String.format("[failed] %s", line));
    }

    /** A run stopped by the user: not counted as done or failed. */
    public synchronized void stopped(RunSpec r) {
        running.remove(r.id());
    }

    /** Prints a line above the status line. */
    public synchronized void print(String line) {
        if (terminal && statusShown) {
            out.print("\r\033[K");
        }
        out.println(line);
        statusShown = false;
        draw(true);
    }

    public synchronized void close() {
        if (terminal && statusShown) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    /**
     * Seconds left if every run uses its whole budget, from work done per second here since the first
     * update; NaN before a second of it is measured.
     */
    synchronized double secondsLeft() {
        return secondsLeft(clock.getAsLong());
    }

    /** The work done in this process: finished runs and the runs in flight. */
    private double workHere() {
        double inFlight = 0;
        for (Tracker t : running.values()) {
            inFlight += t.spec.cost() * t.fractionDoneHere();
        }
        return finishedWork + inFlight;
    }

    synchronized double secondsLeft(long now) {
        double inFlightDone = 0;
        for (Tracker t : running.values()) {
            inFlightDone += t.spec.cost() * (t.fractionDoneHere() + t.fractionBefore());
        }
        double work = workHere() - workAtClockStart;
        double elapsed = (now - clockStart) / 1e9;
        if (clockStart < 0 || work <= 0 || elapsed < 1) {
            return Double.NaN;
        }
        double left = totalCost - skippedCost - finishedCost - inFlightDone;
        return Math.max(0, left) / (work / elapsed);
    }

    /**
     * {@link #secondsLeft} scaled by the share of their budgets the runs finished here used; NaN until
     * a run has finished.
     */
    synchronized double expectedSecondsLeft(long now) {
        if (finishedCost <= 0) {
            return Double.NaN;
        }
        return secondsLeft(now) * Math.min(1, finishedUsed / finishedCost);
    }

    private void draw(boolean force) {
        long now = clock.getAsLong();
        if (!force && now - lastDraw < (terminal ? 500_000_000L : 30_000_000_000L)) {
            return;
        }
        if (!terminal && force) {
            return; // plain output: status lines only on the 30 s clock
        }
        lastDraw = now;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("[done %d/%d · running %d · failed %d · left %d]", done, total, running.size(), failed,
                total - done - failed - running.size()));
        for (Tracker t : running.values()) {
            sb.append(' ').append(t.describe(now));
        }
        sb.append(" · study ").append(timeLeft(now));
        if (terminal) {
            String line = sb.toString();
            out.print("\r\033[K" + line);
            out.flush();
            statusShown = true;
        } else {
            out.println(sb);
        }
    }

    /** "time left: measuring", "at most 0:48:52 left" or "about 0:01:10 left (at most 0:48:52)". */
    synchronized String timeLeft(long now) {
        double most = secondsLeft(now);
        if (Double.isNaN(most)) {
            return "time left: measuring";
        }
        double about = expectedSecondsLeft(now);
        return Double.isNaN(about) || about >= most ? "at most " + clock(most) + " left" : "about " + clock(about) + " left (at most " + clock(most) + ")";
    }

    static String clock(double seconds) {
        long s = (long) Math.ceil(seconds);
        return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** One run's progress; its rate counts only updates done since it (re)started. */
    private final class Tracker implements TrainingListener {
        final RunSpec spec;
        final long max;
        long resumedAt;
        volatile long updates;
        long firstAt = -1; // when its first update here ended; its rate counts from there
        long firstUpdates;

        Tracker(RunSpec spec, long max) {
            this.spec = spec;
            this.max = Math.max(1, max);
        }

        @Override
        public String name() {
            return "progress";
        }

        @Override
        public void onBegin(long resumed) {
            resumedAt = resumed;
            updates = resumed;
            if (resumed > 0) {
                print(spec.id() + ": resumed from its checkpoint at update " + resumed);
            }
        }

        @Override
        public void afterUpdate(StepView step) {
            updates = step.step() + 1;
            synchronized (StudyProgress.this) {
                if (firstAt < 0) {
                    firstAt = clock.getAsLong();
                    firstUpdates = updates;
                }
                if (clockStart < 0) {
                    clockStart = firstAt;
                    workAtClockStart = workHere();
                }
                draw(false);
            }
        }

        double fractionDoneHere() {
            return Math.min(1, (double) (updates - resumedAt) / max);
        }

        double fractionBefore() {
            return Math.min(1, (double) resumedAt / max);
        }

        /** "L00291-s0 178/3000 340 updates/s"; the rate once a second has passed since its first update. */
        String describe(long now) {
            double secs = firstAt < 0 ? 0 : (now - firstAt) / 1e9;
            double rate = secs >= 1 ? (updates - firstUpdates) / secs : 0;
            return String.format("%s %d/%d%s%s", spec.id(), updates, max, resumedAt > 0 ? " (resumed at " + resumedAt + ")" : "",
                    rate > 0 ? " " + rate(rate) + " updates/s" : "");
        }
    }

    /** A rate with two significant digits below 10 ("0.42", "1.3"), whole numbers above: a slow run's rate is not "0" or "1". */
    static String rate(double perSecond) {
        return perSecond >= 10 ? String.format("%.0f", perSecond) : perSecond >= 1 ? String.format("%.1f", perSecond)
                : String.format("%.2g", perSecond);
    }
}
