package org.layerwise.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.layerwise.data.Dataset;
import org.layerwise.model.ResidualMlp;

/**
 * The fused float32 kernel for deep residual MLPs: forward, loss and a hand-derived backward pass in
 * one sweep per layer, with no per-op dispatch. Why this shape:
 * <ul>
 *   <li>Two layouts of the same arithmetic, chosen by width ({@link Layout#forWidth}): lanes across
 *       samples for narrow layers ({@link SampleLanes}: d = 10 does not fill a vector) and lanes
 *       across features with a register-tiled micro-kernel for wide ones ({@link FeatureLanes}). The
 *       crossover is measured by {@code layerwise bench scaling-kernel}.</li>
 *   <li>h_0..h_L are kept, and sigma(z_k) of every layer while that copy fits in {@link #KEEP_LIMIT_BYTES}
 *       per thread; past it the backward pass recomputes z = A_k h_k + b_k from h_k (one more matrix product
 *       per layer, memory at one copy of the activations). Both give the same floats.</li>
 *   <li><b>Results do not depend on the thread count.</b> A batch is cut into fixed chunks of
 *       {@link #CHUNK} samples, whatever the threads; each chunk's loss and gradient are computed in
 *       an order that depends on the chunk alone, and the chunks are summed in chunk order. Threads
 *       take whole chunks, so a step is bit-identical on 1, 2 or N threads (and a run redone after
 *       damage with another thread count is bit-identical to the first). The price: one batch uses at
 *       most ceil(B / CHUNK) threads; more cores help by training more networks at once.</li>
 * </ul>
 * Parameters arrive as float64 (the optimizer's master copy) and are rounded to float32 once per call.
 */
public final class FusedKernel implements ResidualKernel {
    /** Samples per chunk: the unit of the fixed reduction order and of work per thread. */
    public static final int CHUNK = 256;

    /** Which lanes the SIMD vectors run across. Part of a run's arithmetic (the summation orders differ). */
    public enum Layout {
        SAMPLE_LANES, FEATURE_LANES;

        /**
         * Width from which {@link #FEATURE_LANES} is used, measured with {@code bench scaling-kernel}
         * on the 2-core AVX-512 machine of BENCHMARKS.md; {@code -Dlayerwise.kernel.feature-lanes-from=N}
         * overrides it.
         */
        public static final int DEFAULT_CROSSOVER = 56;

        public static Layout forWidth(int d) {
            int from = Integer.getInteger("layerwise.kernel.feature-lanes-from", DEFAULT_CROSSOVER);
            return d >= from ? FEATURE_LANES : SAMPLE_LANES;
        }
    }

    private final ResidualMlp net;
    private final Layout layout;
    private final int threads;
    private final int maxBatch;
    /** Rows per engine pass: CHUNK, or the whole batch when that is smaller (loss-only passes use it too). */
    private final int chunk;
    private final float[] w;
    private final ChunkEngine[] engines;
    private final float[][] chunkGrad;
    private final ExecutorService pool;

    /**
     * @param threads  threads to split each batch over (1 = the calling thread only); at most one per chunk is used
     * @param maxBatch the largest batch {@link #lossAndGradient} will be given
     */
    public FusedKernel(ResidualMlp net, int threads, int maxBatch) {
        this(net, threads, maxBatch, Layout.forWidth(net.width()));
    }

    public FusedKernel(ResidualMlp net, int threads, int maxBatch, Layout layout) {
        this(net, threads, maxBatch, layout, keepsActivations(net, Math.min(CHUNK, Math.max(1, maxBatch)), layout));
    }

    /**
     * @param keep keep sigma(z) of every layer from the forward pass for the backward pass (one more copy of
     *             the activations per thread) rather than recompute z there; the results are the same floats
     */
    FusedKernel(ResidualMlp net, int threads, int maxBatch, Layout layout, boolean keep) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.net = net;
        this.layout = layout;
        this.maxBatch = maxBatch;
        int chunks = chunks(maxBatch);
        this.threads = Math.max(1, Math.min(threads, chunks));
        this.w = new float[net.parameterCount()];
        this.chunk = Math.min(CHUNK, Math.max(1, maxBatch));
        this.engines = new ChunkEngine[this.threads];
        for (int t = 0; t < this.threads; t++) {
            engines[t] = layout == Layout.FEATURE_LANES ? new FeatureLanes(net, chunk, keep) : new SampleLanes(net, chunk, keep);
        }
        this.chunkGrad = new float[chunks][net.parameterCount()];
        this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads, r -> {
            Thread th = new Thread(r, "fused-kernel");
            th.setDaemon(true);
            return th;
        }) : null;
    }

    /** Most bytes of kept sigma(z) per thread; past it the backward pass recomputes z (the same results, 1/4 more arithmetic). */
    public static final long KEEP_LIMIT_BYTES = 1L << 30;
    /**
     * Narrowest width that keeps sigma(z): recomputing costs d² per sample and reading the kept copy d, so narrow
     * layers recompute. Measured with bench scaling-kernel on 2 threads (BENCHMARKS.md): keeping was 10-25 % slower
     * at d = 10 and 5-15 % faster at d = 25, 50 and 100; the crossover lies between 10 and 25.
     */
    public static final int KEEP_FROM_WIDTH = 16;

    /**
     * Whether a thread's engine keeps sigma(z) for the backward pass: when that copy of a chunk's activations fits in
     * {@link #KEEP_LIMIT_BYTES} and the layers are at least {@link #KEEP_FROM_WIDTH} wide; {@code -Dlayerwise.kernel.keep-activations=false} turns it off.
     */
    static boolean keepsActivations(ResidualMlp net, int chunk, Layout layout) {
        if (!Boolean.parseBoolean(System.getProperty("layerwise.kernel.keep-activations", "true"))) {
            return false;
        }
        if (net.width() < KEEP_FROM_WIDTH) {
            return false;
        }
        // the size the layout's engine allocates, padding included
        long floats = layout == Layout.FEATURE_LANES ? FeatureLanes.keptFloats(net, chunk) : SampleLanes.keptFloats(net, chunk);
        return 4L * floats <= KEEP_LIMIT_BYTES;
    }

    private static int chunks(int n) {
        return Math.max(1, (n + CHUNK - 1) / CHUNK);
    }

    @Override
    public ResidualMlp model() {
        return net;
    }

    public int threads() {
        return threads;
    }

    public Layout layout() {
        return layout;
    }

    @Override
    public double lossAndGradient(double[] params, Dataset data, int[] rows, int from, int to, double[] grad) {
        int n = to - from;
        if (n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " exceeds this kernel's maxBatch " + maxBatch);
        }
        loadWeights(params);
        int chunks = chunks(n);
        double[] sse = new double[chunks];
        runChunks(chunks, (t, c) -> {
            int lo = from + c * CHUNK;
            sse[c] = engines[t].run(w, data, rows, lo, Math.min(CHUNK, to - lo), n, true, chunkGrad[c]);
        });
        // the chunks in chunk order: the same sums whatever the thread count
        int count = net.parameterCount();
        // (chunk by chunk over all parameters: the same additions in the same order as summing each parameter's chunks
        // from 0.0, in a loop the JIT vectorizes)
        float[] first = chunkGrad[0];
        for (int p = 0; p < count; p++) {
            grad[p] = 0.0 + first[p];
        }
        for (int c = 1; c < chunks; c++) {
            float[] part = chunkGrad[c];
            for (int p = 0; p < count; p++) {
                grad[p] += part[p];
            }
        }
        return sum(sse) / ((double) n * net.width());
    }

    @Override
    public double loss(double[] params, Dataset data, int[] rows, int from, int to) {
        loadWeights(params);
        int chunks = (to - from + chunk - 1) / chunk;
        double[] sse = new double[chunks];
        runChunks(chunks, (t, c) -> {
            int lo = from + c * chunk;
            sse[c] = engines[t].run(w, data, rows, lo, Math.min(chunk, to - lo), to - from, false, null);
        });
        return sum(sse) / ((double) (to - from) * net.width());
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    private void loadWeights(double[] params) {
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) params[i];
        }
    }

    @FunctionalInterface
    private interface ChunkTask {
        void run(int thread, int chunk);
    }

    /** Thread t runs chunks t, t + T, t + 2T, ... on its own engine. */
    private void runChunks(int chunks, ChunkTask task) {
        int used = Math.min(threads, chunks);
        if (pool == null || used == 1) {
            for (int c = 0; c < chunks; c++) {
                task.run(0, c);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(used);
        for (int t = 0; t < used; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                for (int c = id; c < chunks; c += used) {
                    task.run(id, c);
                }
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("kernel thread failed", e.getCause());
        }
    }

    @Override
    public long workspaceBytes() {
        long bytes = 4L * w.length + 4L * chunkGrad.length * net.parameterCount();
        for (ChunkEngine e : engines) {
            bytes += e.workspaceBytes();
        }
        return bytes;
    }

    /**
     * Bytes of the activations h_0..h_L alone for a batch: the floor any backward pass must hold (the kernel
     * holds about twice this where it keeps sigma(z), {@link #keepsActivations}).
     */
    public static long activationBytes(ResidualMlp net, int batch) {
        return 4L * (net.depth() + 1) * net.width() * batch;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
