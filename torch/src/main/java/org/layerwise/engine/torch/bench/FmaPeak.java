package org.layerwise.engine.torch.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.ADD;

/**
 * This machine's float32 FMA peak as the Vector API reaches it: {@value #CHAINS} independent chains
 * {@code acc = acc * B + C} of {@link FloatVector#fma} on {@link FloatVector#SPECIES_PREFERRED} per
 * thread (enough to cover the FMA latency times the FMA ports of current x86 cores, and few enough that
 * the accumulators and the two constants stay in registers even with the 16 of AVX2), run on every
 * thread at once.
 *
 * <p>One FMA counts as two floating-point operations per lane, so {@code n} iterations of one thread
 * are {@code 2 * CHAINS * lanes * n} flops ({@link #flops}). Each chain's value after {@code n}
 * iterations has a closed form ({@link #expected}), which the test compares with what the loop returns:
 * a loop that did fewer iterations than it counts would fail it.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Independent FMA chains per thread. */
    static final int CHAINS = 12;
    /** acc = acc * B + C: converges to C / (1 - B) = 1, so values stay normal (no denormal slow path). */
    static final float B = 0.99f;
    static final float C = 0.01f;

    private FmaPeak() {
    }

    /**
     * One measurement.
     *
     * @param threads    threads that ran the loop at once
     * @param iterations loop iterations of each thread
     * @param seconds    wall-clock time from the common start to the last thread's end
     * @param checksum   the sum of all lanes of all chains of all threads (keeps the loop alive)
     */
    public record Result(int threads, long iterations, double seconds, double checksum) {
        /** Floating-point operations done: 2 per lane per FMA. */
        public double flops() {
            return threads * (double) FmaPeak.flops(iterations);
        }

        public double gflops() {
            return flops() / seconds / 1e9;
        }
    }

    /** The lanes of one vector of the preferred species. */
    public static int lanes() {
        return S.length();
    }

    /** Flops of {@code iterations} iterations of one thread: 2 * CHAINS * lanes per iteration. */
    static long flops(long iterations) {
        return 2L * CHAINS * lanes() * iterations;
    }

    /** What chain {@code chain} holds in every lane after {@code n} iterations (the closed form of the recurrence, in double). */
    static double expected(int chain, long n) {
        double b = B;
        double c = C;
        double bn = Math.pow(b, n);
        return bn * start(chain) + c * (1 - bn) / (1 - b);
    }

    /** The chains start apart, so that each one's value depends on how many iterations it ran. */
    static float start(int chain) {
        return 2f + chain;
    }

    /**
     * Runs the chains for {@code n} iterations on the calling thread; returns each chain's lane 0
     * followed by the sum of all lanes of all chains.
     */
    static double[] chains(long n) {
        FloatVector b = FloatVector.broadcast(S, B);
        FloatVector c = FloatVector.broadcast(S, C);
        FloatVector a0 = FloatVector.broadcast(S, start(0));
        FloatVector a1 = FloatVector.broadcast(S, start(1));
        FloatVector a2 = FloatVector.broadcast(S, start(2));
        FloatVector a3 = FloatVector.broadcast(S, start(3));
        FloatVector a4 = FloatVector.broadcast(S, start(4));
        FloatVector a5 = FloatVector.broadcast(S, start(5));
        FloatVector a6 = FloatVector.broadcast(S, start(6));
        FloatVector a7 = FloatVector.broadcast(S, start(7));
        FloatVector a8 = FloatVector.broadcast(S, start(8));
        FloatVector a9 = FloatVector.broadcast(S, start(9));
        FloatVector a10 = FloatVector.broadcast(S, start(10));
        FloatVector a11 = FloatVector.broadcast(S, start(11));
        for (long i = 0; i < n; i++) {
            a0 = a0.fma(b, c);
            a1 = a1.fma(b, c);
            a2 = a2.fma(b, c);
            a3 = a3.fma(b, c);
            a4 = a4.fma(b, c);
            a5 = a5.fma(b, c);
            a6 = a6.fma(b, c);
            a7 = a7.fma(b, c);
            a8 = a8.fma(b, c);
            a9 = a9.fma(b, c);
            a10 = a10.fma(b, c);
            a11 = a11.fma(b, c);
        }
        // lane 0 of each chain, then the sum of all lanes (named one by one: an array of the vectors kept them boxed in the loop)
        double[] out = new double[CHAINS + 1];
        out[0] = a0.lane(0);
        out[1] = a1.lane(0);
        out[2] = a2.lane(0);
        out[3] = a3.lane(0);
        out[4] = a4.lane(0);
        out[5] = a5.lane(0);
        out[6] = a6.lane(0);
        out[7] = a7.lane(0);
        out[8] = a8.lane(0);
        out[9] = a9.lane(0);
        out[10] = a10.lane(0);
        out[11] = a11.lane(0);
        out[CHAINS] = (double) a0.reduceLanes(ADD) + a1.reduceLanes(ADD) + a2.reduceLanes(ADD) + a3.reduceLanes(ADD) + a4.reduceLanes(ADD)
                + a5.reduceLanes(ADD) + a6.reduceLanes(ADD) + a7.reduceLanes(ADD) + a8.reduceLanes(ADD) + a9.reduceLanes(ADD)
                + a10.reduceLanes(ADD) + a11.reduceLanes(ADD);
        return out;
    }

    /**
     * Measures the peak on {@code threads} threads at once: warms the loop up (so the JIT has compiled
     * it), sizes it to about {@code seconds} per thread, and keeps the fastest of {@code repeats} runs.
     */
    public static Result measure(int threads, double seconds, int repeats) {
        long iterations = Math.max(1 << 16, (long) (seconds / warmUp()));
        Result best = null;
        for (int r = 0; r < Math.max(1, repeats); r++) {
            Result res = run(threads, iterations);
            if (best == null || res.seconds() < best.seconds()) {
                best = res;
            }
        }
        return best;
    }

    /**
     * Calls the loop until the JIT has compiled it (the time per call stops falling: at least 0.2 s and
     * 5 calls, the last within 5 % of the fastest; at most 3 s) and returns the fastest time per
     * iteration seen, in seconds.
     */
    static double warmUp() {
        long n = 1 << 16;
        long t0 = System.nanoTime();
        double fastest = Double.MAX_VALUE;
        for (int calls = 1; ; calls++) {
            long c0 = System.nanoTime();
            chains(n);
            long c1 = System.nanoTime();
            double per = (c1 - c0) / 1e9 / n;
            fastest = Math.min(fastest, per);
            boolean settled = calls >= 5 && c1 - t0 > 200_000_000L && per < 1.05 * fastest;
            if (settled || c1 - t0 > 3_000_000_000L) {
                return fastest;
            }
        }
    }

    /** Every thread runs {@code iterations} iterations, released together; the time is the start to the last one's end. */
    public static Result run(int threads, long iterations) {
        // the clock starts in the barrier's action, which runs before any thread is released: read after
        // the await, a short run could end before the start was taken (a negative time, seen in CI)
        long[] start = new long[1];
        CyclicBarrier ready = new CyclicBarrier(threads + 1, () -> start[0] = System.nanoTime());
        double[] sums = new double[threads];
        long[] ends = new long[threads];
        List<Thread> started = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    chains(1 << 10); // this thread's first call, outside the timing
                    ready.await();
                    sums[id] = chains(iterations)[CHAINS];
                    ends[id] = System.nanoTime();
                } catch (Exception e) {
                    failure[0] = new IllegalStateException("FMA peak thread failed: " + e, e);
                }
            }, "fma-peak-" + t);
            th.setDaemon(true);
            th.start();
            started.add(th);
        }
        try {
            ready.await();
            for (Thread th : started) {
                th.join();
            }
        } catch (Exception e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("FMA peak measurement interrupted", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        long end = 0;
        double checksum = 0;
        for (int t = 0; t < threads; t++) {
            end = Math.max(end, ends[t]);
            checksum += sums[t];
        }
        return new Result(threads, iterations, (end - start[0]) / 1e9, checksum);
    }
}
