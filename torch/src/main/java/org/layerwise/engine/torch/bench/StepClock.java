package org.layerwise.engine.torch.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongConsumer;
import org.layerwise.train.StepView;
import org.layerwise.train.TrainingListener;

/**
 * Times whole steps of the core training loop as a listener: step k lasts from the end of step k-1
 * (from the loop's start for step 0) to the end of step k, where the end is this listener's
 * {@link #afterUpdate} call. Registered after every other listener, a step's time therefore holds
 * everything the loop does for it: taking the batch, forward and backward, the statistics, the
 * schedule, the other listeners before and after the update, and the update itself.
 *
 * <p>Between two steps it can run other work that is not counted in either step (the benchmark runs
 * the peers' steps there, so that all sides alternate and see the same load), and it can sample the
 * resident set size (VmRSS) after chosen steps.
 *
 * <p>Beside the wall-clock time it records the CPU time of the training thread per step: with one
 * libtorch thread every operator runs on that thread, so this figure is the step's own work and
 * barely depends on what else the machine runs (with more threads the OpenMP workers' time is not
 * in it).
 */
final class StepClock implements TrainingListener {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long[] ends;
    private final long[] resumes;
    private final long[] cpuEnds;
    private final long[] cpuResumes;
    private final long[] faultEnds;
    private final long[] faultResumes;
    private final long[] rssKib;
    private final int rssEvery;
    private final LongConsumer between;
    private long begin;
    private long cpuBegin;
    private long faultBegin;

    /**
     * @param steps    steps the loop will take
     * @param rssEvery sample VmRSS after steps rssEvery-1, 2·rssEvery-1, ... (0 = never)
     * @param between  work to run after step k, outside every step's time (given k), or null
     */
    StepClock(int steps, int rssEvery, LongConsumer between) {
        this.ends = new long[steps];
        this.resumes = new long[steps];
        this.cpuEnds = new long[steps];
        this.cpuResumes = new long[steps];
        this.faultEnds = new long[steps];
        this.faultResumes = new long[steps];
        this.rssEvery = rssEvery;
        this.rssKib = new long[rssEvery > 0 ? steps / rssEvery : 0];
        this.between = between;
        Arrays.fill(rssKib, -1);
    }

    @Override
    public String name() {
        return "bench-clock";
    }

    @Override
    public void onBegin(long resumedAt) {
        begin = System.nanoTime();
        cpuBegin = threadCpuNanos();
        faultBegin = ProcessMemory.minorFaults();
    }

    /** CPU time of the calling thread in ns (-1 where the JVM cannot measure it). */
    static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    @Override
    public void afterUpdate(StepView step) {
        int k = (int) step.step();
        ends[k] = System.nanoTime();
        cpuEnds[k] = threadCpuNanos();
        faultEnds[k] = ProcessMemory.minorFaults();
        if (rssEvery > 0 && (k + 1) % rssEvery == 0 && (k + 1) / rssEvery - 1 < rssKib.length) {
            rssKib[(k + 1) / rssEvery - 1] = ProcessMemory.rssKib();
        }
        if (between != null) {
            between.accept(k);
        }
        faultResumes[k] = ProcessMemory.minorFaults();
        cpuResumes[k] = threadCpuNanos();
        resumes[k] = System.nanoTime();
    }

    /** Duration of every step in ms. */
    double[] stepMs() {
        double[] t = new double[ends.length];
        for (int k = 0; k < ends.length; k++) {
            t[k] = (ends[k] - (k == 0 ? begin : resumes[k - 1])) / 1e6;
        }
        return t;
    }

    /** CPU time of the training thread in every step, in ms. */
    double[] stepCpuMs() {
        double[] t = new double[cpuEnds.length];
        for (int k = 0; k < cpuEnds.length; k++) {
            t[k] = (cpuEnds[k] - (k == 0 ? cpuBegin : cpuResumes[k - 1])) / 1e6;
        }
        return t;
    }

    /** Minor page faults of the process in every step (memory the kernel had to map afresh). */
    double[] stepFaults() {
        double[] t = new double[faultEnds.length];
        for (int k = 0; k < faultEnds.length; k++) {
            t[k] = faultEnds[k] - (k == 0 ? faultBegin : faultResumes[k - 1]);
        }
        return t;
    }

    /** VmRSS in KiB after steps rssEvery-1, 2·rssEvery-1, ... */
    long[] rssKib() {
        return rssKib.clone();
    }
}
