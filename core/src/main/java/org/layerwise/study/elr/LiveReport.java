package org.layerwise.study.elr;

import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

/**
 * Rewrites the study's report.html while a run trains, about every N seconds, so a long run can be
 * watched in a browser (the page reloads itself). It first flushes the probe's tables, so the report
 * reads what the run has measured so far; it runs between two steps, on the training thread.
 */
final class LiveReport implements TrainingListener {
    private final long intervalNanos;
    private final Runnable flush;
    private final Runnable render;
    private long last = System.nanoTime();

    LiveReport(int seconds, Runnable flush, Runnable render) {
        this.intervalNanos = seconds * 1_000_000_000L;
        this.flush = flush;
        this.render = render;
    }

    @Override
    public String name() {
        return "live-report";
    }

    @Override
    public void afterUpdate(StepView step) {
        long now = System.nanoTime();
        if (now - last >= intervalNanos) {
            flush.run();
            render.run();
            last = System.nanoTime(); // drawing time does not count against the interval
        }
    }
}
