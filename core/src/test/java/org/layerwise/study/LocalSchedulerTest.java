package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The local scheduler: bounded concurrency and threads, longest first, cost-proportional threads, failures isolated. */
class LocalSchedulerTest {
    /** A task that sleeps and records how many tasks and threads were in use while it ran. */
    private static class Sleeper implements LocalScheduler.Task {
        static final AtomicInteger RUNNING = new AtomicInteger();
        static final AtomicInteger THREADS = new AtomicInteger();
        static final AtomicInteger MAX_RUNNING = new AtomicInteger();
        static final AtomicInteger MAX_THREADS = new AtomicInteger();
        final String id;
        final double cost;
        final int fixed;
        final LocalScheduler.Outcome first;
        int max;
        int calls;
        int threadsGiven;

        Sleeper(String id, double cost, int fixed, LocalScheduler.Outcome first) {
            this.id = id;
            this.cost = cost;
            this.fixed = fixed;
            this.first = first;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public double cost() {
            return cost;
        }

        @Override
        public int fixedThreads() {
            return fixed;
        }

        @Override
        public int maxThreads() {
            return max;
        }

        @Override
        public LocalScheduler.Outcome run(int threads) {
            calls++;
            threadsGiven = threads;
            MAX_RUNNING.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
            MAX_THREADS.accumulateAndGet(THREADS.addAndGet(threads), Math::max);
            try {
                Thread.sleep(15);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                RUNNING.decrementAndGet();
                THREADS.addAndGet(-threads);
            }
            if (first == null && id.startsWith("boom")) {
                throw new IllegalStateException("a bug in a run");
            }
            return calls == 1 && first != null ? first : LocalScheduler.Outcome.DONE;
        }
    }

    private static void reset() {
        Sleeper.RUNNING.set(0);
        Sleeper.THREADS.set(0);
        Sleeper.MAX_RUNNING.set(0);
        Sleeper.MAX_THREADS.set(0);
    }

    @Test
    void threadSharesFollowTheCostOfTheRemainingWork() {
        // the benchmark grid of issue 7, depths 4..1024 base 2, costs proportional to depth
        double total = 2044;
        LocalScheduler two = new LocalScheduler(new LocalScheduler.Limits(2, 2, 0), () -> false, 10);
        // on 2 threads L=1024 is half the work: one thread, the other thread does all the rest
        assertEquals(1, two.allocate(1024, 0, 2, 0, 9, total, 0));
        LocalScheduler sixteen = new LocalScheduler(new LocalScheduler.Limits(16, 16, 0), () -> false, 10);
        // on 16 threads: 16 * 1024 / 2044 = 8 threads, then 8 * 512 / 1020 = 4, 16 * 256 / 2044 = 2, then 1
        assertEquals(8, sixteen.allocate(1024, 0, 16, 0, 9, total, 0));
        assertEquals(4, sixteen.allocate(512, 0, 8, 1, 8, total - 1024, 1024));
        assertEquals(2, sixteen.allocate(256, 0, 4, 2, 7, 508, 1536));
        assertEquals(1, sixteen.allocate(128, 0, 2, 3, 6, 252, 1792));
        // a dominant task with more tasks than threads still gets its share: 44-depth grid, L=9100 is ~1/6 of the work
        assertEquals(3, sixteen.allocate(9100, 0, 16, 0, 44, 54600, 0));
        // fewer pending than free threads: [8, 1, 1] on 4 threads -> 3 for the critical path, one left for the others
        LocalScheduler four = new LocalScheduler(new LocalScheduler.Limits(4, 4, 0), () -> false, 10);
        assertEquals(3, four.allocate(8, 0, 4, 0, 3, 10, 0));
        // the last pending task takes every free thread
        assertEquals(3, four.allocate(1, 0, 3, 1, 1, 1, 8));
        // a resumed run waits until its checkpoint's thread count is free
        assertEquals(0, four.allocate(5, 3, 2, 1, 2, 6, 1));
        assertEquals(3, four.allocate(5, 3, 3, 1, 2, 6, 1));
        // more threads than the budget are never asked for
        assertEquals(4, four.allocate(5, 9, 4, 0, 2, 6, 0));
        // a fixed count per task
        LocalScheduler fixed = new LocalScheduler(new LocalScheduler.Limits(4, 4, 2), () -> false, 10);
        assertEquals(2, fixed.allocate(8, 0, 4, 0, 3, 10, 0));
        assertEquals(0, fixed.allocate(8, 0, 1, 1, 3, 10, 0));
        // the last free slot (maxConcurrent) takes all free threads
        LocalScheduler slots = new LocalScheduler(new LocalScheduler.Limits(8, 2, 0), () -> false, 10);
        assertEquals(4, slots.allocate(1, 0, 8, 0, 10, 10, 0));
        assertEquals(4, slots.allocate(1, 0, 4, 1, 9, 9, 1));
    }

    @Test
    void boundedLongestFirstAndFailuresIsolated() {
        reset();
        List<Sleeper> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(new Sleeper("t" + i, 1 + i, 0, null));
        }
        tasks.add(new Sleeper("boom", 5.5, 0, null));
        tasks.add(new Sleeper("busy", 0.5, 0, LocalScheduler.Outcome.BUSY));
        tasks.add(new Sleeper("failed", 0.2, 0, LocalScheduler.Outcome.FAILED));
        LocalScheduler s = new LocalScheduler(new LocalScheduler.Limits(3, 2, 0), () -> false, 20);
        Map<String, LocalScheduler.Outcome> out = s.run(tasks);
        assertEquals(15, out.size());
        assertTrue(Sleeper.MAX_RUNNING.get() <= 2, "at most 2 at a time: " + Sleeper.MAX_RUNNING);
        assertTrue(Sleeper.MAX_THREADS.get() <= 3, "at most 3 threads: " + Sleeper.MAX_THREADS);
        assertEquals(LocalScheduler.Outcome.FAILED, out.get("boom"));
        assertEquals(1, s.unexpected().size());
        assertEquals(LocalScheduler.Outcome.FAILED, out.get("failed"));
        assertEquals(LocalScheduler.Outcome.DONE, out.get("busy"));
        assertEquals(2, tasks.get(13).calls, "a busy task is tried again");
        for (int i = 0; i < 12; i++) {
            assertEquals(LocalScheduler.Outcome.DONE, out.get("t" + i));
        }
        // longest first: start order is by cost, descending (the busy task's retry comes last)
        List<String> order = s.starts().stream().map(LocalScheduler.Start::id).toList();
        assertEquals(List.of("t11", "t10", "t9", "t8", "t7", "t6", "t5", "boom", "t4", "t3", "t2", "t1", "t0", "busy", "failed", "busy"), order);
    }

    @Test
    void theCriticalPathGetsTheFreeThreads() {
        reset();
        // one long task and two short ones on 4 threads: the long one starts first with 3 threads
        List<Sleeper> tasks = List.of(new Sleeper("long", 8, 0, null), new Sleeper("a", 1, 0, null), new Sleeper("b", 1, 0, null));
        LocalScheduler s = new LocalScheduler(new LocalScheduler.Limits(4, 4, 0), () -> false, 20);
        s.run(tasks);
        assertEquals(3, tasks.get(0).threadsGiven);
        assertEquals(1, tasks.get(1).threadsGiven);
        assertTrue(Sleeper.MAX_THREADS.get() <= 4);
        // a resumed task keeps its checkpoint's count whatever its share
        reset();
        Sleeper resumed = new Sleeper("resumed", 0.1, 2, null);
        new LocalScheduler(new LocalScheduler.Limits(4, 4, 0), () -> false, 20).run(List.of(new Sleeper("x", 9, 0, null), resumed));
        assertEquals(2, resumed.threadsGiven);
    }

    /** A task that can use only 2 threads gets 2 even when it is the last one and 8 are free. */
    @Test
    void aTaskGetsNoMoreThreadsThanItCanUse() {
        reset();
        Sleeper capped = new Sleeper("deep", 9, 0, null);
        capped.max = 2;
        Sleeper other = new Sleeper("shallow", 1, 0, null);
        new LocalScheduler(new LocalScheduler.Limits(8, 8, 0), () -> false, 20).run(List.of(capped, other));
        assertEquals(2, capped.threadsGiven);
        assertTrue(other.threadsGiven >= 1);
        reset();
        Sleeper alone = new Sleeper("alone", 1, 0, null);
        alone.max = 3;
        new LocalScheduler(new LocalScheduler.Limits(8, 8, 0), () -> false, 20).run(List.of(alone));
        assertEquals(3, alone.threadsGiven);
    }

    @Test
    void stopStartsNothingMore() {
        reset();
        AtomicBoolean stop = new AtomicBoolean();
        List<LocalScheduler.Task> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int k = i;
            tasks.add(new Sleeper("s" + i, 10 - i, 0, null) {
                @Override
                public LocalScheduler.Outcome run(int threads) {
                    if (k == 1) {
                        stop.set(true);
                    }
                    super.run(threads);
                    return stop.get() ? LocalScheduler.Outcome.STOPPED : LocalScheduler.Outcome.DONE;
                }
            });
        }
        Map<String, LocalScheduler.Outcome> out = new LocalScheduler(new LocalScheduler.Limits(1, 1, 0), stop::get, 20).run(tasks);
        assertEquals(Map.of("s0", LocalScheduler.Outcome.DONE, "s1", LocalScheduler.Outcome.STOPPED), out);
        assertFalse(out.containsKey("s2"));
    }
}
