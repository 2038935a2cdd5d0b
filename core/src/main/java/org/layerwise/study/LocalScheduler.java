package org.layerwise.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * Runs independent tasks (training runs) on this machine within a thread budget: at most
 * {@code maxConcurrent} at a time, longest first, each given a number of threads when it starts that
 * it keeps until it ends. The same scheduler runs a study's own grid ({@code layerwise scaling}) and a
 * sweep's runs across many studies ({@code layerwise sweep run}).
 *
 * <p>Threads per task ([derived], a heuristic for a makespan close to total work / threads under
 * near-linear speed-up): with {@code W} the cost of the tasks pending and running, a task of cost
 * {@code c} gets {@code round(T·c/W)} of the {@code T} threads, at least one, so a task that dominates
 * the work (the deepest network) does not run alone on one thread at the end while the others idle.
 * When no more tasks are pending than threads are free, the free threads are shared among them in
 * proportion to their cost (the critical path gets the most), keeping for the others their share;
 * the last pending task gets every free thread. A task that must have a given count (a resumed run
 * keeps its checkpoint's thread count, so it stays bit-identical) waits until that many are free.
 * A fixed per-task count ({@code threadsPerTask}) replaces all of this.
 *
 * <p>A task that fails is recorded and the others go on; a task that reports {@link Outcome#BUSY}
 * (another process is running it) is tried again later; once {@code stop} is true no task starts and
 * the running ones are waited for (they checkpoint and return {@link Outcome#STOPPED}).
 */
public final class LocalScheduler {
    /** How a task ended. */
    public enum Outcome {
        /** Finished (trained, or found complete). */
        DONE,
        /** Failed; the task reported why. */
        FAILED,
        /** Another process holds it: try again later. */
        BUSY,
        /** Stopped by the user, state saved. */
        STOPPED
    }

    /** One unit of work. */
    public interface Task {
        String id();

        /** Relative cost: the order (longest first) and the thread shares. */
        double cost();

        /** The thread count this task must run with, or 0 for whatever the scheduler gives. */
        default int fixedThreads() {
            return 0;
        }

        /** The most threads this task can use (e.g. one per kernel chunk of its batch), or 0 for no limit. */
        default int maxThreads() {
            return 0;
        }

        /** Memory (bytes) the task holds at its peak; tasks start only while the running ones' total fits the budget. */
        default long memory() {
            return 0;
        }

        /** Runs the task with {@code threads} threads; exceptions count as {@link Outcome#FAILED}. */
        Outcome run(int threads);
    }

    /**
     * @param threads        the thread budget T
     * @param maxConcurrent  most tasks at a time
     * @param threadsPerTask a fixed count per task, or 0 for the cost-proportional shares
     * @param memory         bytes the running tasks may hold together ({@link Task#memory()}); a task
     *                       that alone exceeds it still runs, alone
     */
    public record Limits(int threads, int maxConcurrent, int threadsPerTask, long memory) {
        public Limits {
            threads = Math.max(1, threads);
            maxConcurrent = Math.max(1, maxConcurrent);
            threadsPerTask = Math.max(0, threadsPerTask);
            memory = memory <= 0 ? Long.MAX_VALUE : memory;
        }

        public Limits(int threads, int maxConcurrent, int threadsPerTask) {
            this(threads, maxConcurrent, threadsPerTask, Long.MAX_VALUE);
        }
    }

    /** When a task started and with how many threads (for tests and logs). */
    public record Start(String id, int threads, long nanoTime) {
    }

    private final Limits limits;
    private final BooleanSupplier stop;
    private final long retryMillis;
    private final List<Start> starts = new ArrayList<>();
    private final List<Throwable> unexpected = new ArrayList<>();

    public LocalScheduler(Limits limits, BooleanSupplier stop, long retryMillis) {
        this.limits = limits;
        this.stop = stop;
        this.retryMillis = retryMillis;
    }

    /** The tasks started, in order, with their thread counts. */
    public synchronized List<Start> starts() {
        return new ArrayList<>(starts);
    }

    /** Exceptions tasks threw instead of reporting a failure (bugs); each also counted as FAILED. */
    public synchronized List<Throwable> unexpected() {
        return new ArrayList<>(unexpected);
    }

    /**
     * Runs every task; returns the outcome of each task that ran (in the order they ended). Tasks that
     * never started because of {@code stop} are absent.
     */
    public Map<String, Outcome> run(List<? extends Task> tasks) {
        List<Task> pending = new ArrayList<>(tasks);
        pending.sort(Comparator.comparingDouble(Task::cost).reversed()); // stable: equal costs keep their order
        List<Task> deferred = new ArrayList<>();
        Map<String, Outcome> result = new LinkedHashMap<>();
        int[] free = {limits.threads()};
        int[] running = {0};
        double[] runningCost = {0};
        long[] runningMemory = {0};
        long[] retryAt = {0};
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "layerwise-run");
            t.setDaemon(true);
            return t;
        });
        try {
            synchronized (this) {
                while (true) {
                    if (!deferred.isEmpty() && System.currentTimeMillis() >= retryAt[0]) {
                        pending.addAll(deferred);
                        deferred.clear();
                        pending.sort(Comparator.comparingDouble(Task::cost).reversed());
                    }
                    while (!stop.getAsBoolean() && !pending.isEmpty() && running[0] < limits.maxConcurrent()) {
                        Task t = pending.get(0);
                        if (running[0] > 0 && runningMemory[0] + t.memory() > limits.memory()) {
                            break; // waits for memory; longest first, so nothing overtakes it
                        }
                        double pendingCost = pending.stream().mapToDouble(Task::cost).sum();
                        int share = allocate(t.cost(), t.fixedThreads(), free[0], running[0], pending.size(), pendingCost, runningCost[0]);
                        if (share == 0) {
                            break;
                        }
                        // threads a task cannot use stay free for the next one
                        int n = t.fixedThreads() == 0 && t.maxThreads() > 0 ? Math.min(share, t.maxThreads()) : share;
                        pending.remove(0);
                        free[0] -= n;
                        running[0]++;
                        runningCost[0] += t.cost();
                        runningMemory[0] += t.memory();
                        starts.add(new Start(t.id(), n, System.nanoTime()));
                        pool.execute(() -> {
                            Outcome o;
                            try {
                                o = t.run(n);
                            } catch (RuntimeException | Error e) {
                                o = Outcome.FAILED;
                                synchronized (this) {
                                    unexpected.add(e);
                                }
                            }
                            synchronized (this) {
                                free[0] += n;
                                running[0]--;
                                runningCost[0] -= t.cost();
                                runningMemory[0] -= t.memory();
                                if (o == Outcome.BUSY) {
                                    deferred.add(t);
                                    retryAt[0] = System.currentTimeMillis() + retryMillis;
                                } else {
                                    result.put(t.id(), o);
                                }
                                notifyAll();
                            }
                        });
                    }
                    boolean stopping = stop.getAsBoolean();
                    if (running[0] == 0 && (stopping || pending.isEmpty() && deferred.isEmpty())) {
                        break;
                    }
                    long waitMs = 200; // also polls stop
                    if (!deferred.isEmpty()) {
                        waitMs = Math.max(1, Math.min(waitMs, retryAt[0] - System.currentTimeMillis()));
                    }
                    wait(waitMs);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdown();
        }
        return result;
    }

    /**
     * Threads for the largest pending task, or 0 when it cannot start yet.
     *
     * @param cost        its cost
     * @param fixed       the count it must have, or 0
     * @param free        threads free now
     * @param running     tasks running
     * @param pending     tasks pending, itself included
     * @param pendingCost their total cost, its own included
     * @param runningCost the total cost of the running tasks
     */
    int allocate(double cost, int fixed, int free, int running, int pending, double pendingCost, double runningCost) {
        int total = limits.threads();
        if (fixed > 0 || limits.threadsPerTask() > 0) {
            int need = Math.min(fixed > 0 ? fixed : limits.threadsPerTask(), total);
            return free >= need ? need : 0;
        }
        if (free <= 0) {
            return 0;
        }
        int slots = Math.max(1, Math.min(pending, limits.maxConcurrent() - running));
        if (pending == 1 || slots == 1) {
            return free; // nothing else can start now: all free threads
        }
        double work = pendingCost + runningCost;
        int n = Math.max(1, Math.max(free / slots, work > 0 ? (int) Math.round(total * cost / work) : 1));
        int reserve = 0;
        if (pending <= free) {
            // fewer runs than free threads: share the free threads in proportion to cost, keeping the others' shares
            double share = pendingCost > 0 ? cost / pendingCost : 1.0 / pending;
            n = Math.max(n, (int) Math.round(free * share));
            reserve = Math.min(pending - 1, Math.max(1, (int) Math.round(free * (1 - share))));
        }
        return Math.max(1, Math.min(n, free - reserve));
    }
}
