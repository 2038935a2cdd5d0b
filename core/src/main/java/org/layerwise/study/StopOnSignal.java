package org.layerwise.study;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Ctrl-C (or a scheduler's SIGTERM) while training: instead of dying mid-step, the JVM sets a stop
 * flag that the training loops poll, and waits (up to 60 s) for the running runs to write their
 * checkpoints and say how to resume. Shared by the study runner and the sweep executor.
 */
public final class StopOnSignal {
    private StopOnSignal() {
    }

    /** Runs {@code body}; with {@code handle}, a shutdown meanwhile sets {@code stop} and waits for the body to finish. */
    public static <T> T run(boolean handle, AtomicBoolean stop, PrintStream log, Supplier<T> body) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = handle ? new Thread(() -> {
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
        try {
            return body.get();
        } finally {
            log.flush();
            finished.countDown();
            if (hook != null && !stop.get()) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
        }
    }
}
