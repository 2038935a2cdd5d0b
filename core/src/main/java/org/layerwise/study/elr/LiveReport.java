package org.layerwise.study.elr;

import java.util.function.LongSupplier;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

/**
 * Rewrites the study's report.html while a run trains, about every N seconds, so a long run can be
 * watched in a browser (the page reloads itself). It first flushes the probe's tables, so the report
 * reads what the run has measured so far; it runs between two steps, on the training thread, so its
 * time is the run's: the wait after a redraw is at least {@value #SLOWDOWN} times what the redraw took,
 * which keeps redrawing under 1/(1+{@value #SLOWDOWN}) = 5 % of a run's wall time [layerwise]. (A
 * redraw of the quick trainability study takes 10-25 s on 2 cores; every 60 s that was a quarter of
 * the study's time.)
 */
final class LiveReport implements TrainingListener {
    static final int SLOWDOWN = 19;

    private final long intervalNanos;
    private final Runnable flush;
    private final Runnable render;
    private final LongSupplier clock;
    private long last;
    private long wait;

    LiveReport(int seconds, Runnable flush, Runnable render) {
        this(seconds, flush, render, System::nanoTime);
    }

    LiveReport(int seconds, Runnable flush, Runnable render, LongSupplier clock) {
        this.intervalNanos = seconds * 1_000_000_000L;
        this.flush = flush;
        this.render = render;
        this.clock = clock;
        this.last = clock.getAsLong();
        this.wait = intervalNanos;
    }

    @Override
    public String name() {
        return "live-report";
    }

    @Override
    public void afterUpdate(StepView step) {
        long now = clock.getAsLong();
        if (now - last >= wait) {
            flush.run();
            render.run();
            last = clock.getAsLong();
            wait = Math.max(intervalNanos, SLOWDOWN * (last - now));
        }
    }
}
