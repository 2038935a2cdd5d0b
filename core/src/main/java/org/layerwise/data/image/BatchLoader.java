package org.layerwise.data.image;

import org.layerwise.data.DataException;
import org.layerwise.util.Rng;

/**
 * Cuts a {@link SampleSource} into batches for training and evaluation.
 *
 * <p><b>Order.</b> Epoch {@code e} visits the samples in the permutation
 * {@code Rng.derive(seed, "image-shuffle", e).permutation(n)} (a true permutation: every sample once),
 * or in index order without shuffling. Batch {@code k} holds positions {@code k*B .. k*B+B-1} of that
 * order; a trailing partial batch is dropped unless {@code dropLast(false)} (evaluation).
 *
 * <p><b>Randomness.</b> The sample at position {@code p} of epoch {@code e} is prepared with its own
 * stream {@link #sampleRng(long, int, int)}, which depends on (seed, epoch, position) only. So a batch
 * is bit-identical whatever the number of loader threads, the timing, or whether the loader started
 * at the beginning of the epoch or at batch {@code k} after a resume.
 *
 * <p><b>Overlap.</b> {@link #stream} and {@link #epoch} prepare batches on background threads into a
 * bounded queue (see {@link BatchStream}) while the caller trains on the previous one; {@link #load}
 * prepares one batch on the calling thread.
 */
public final class BatchLoader {
    private final SampleSource source;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final int threads;
    private final int prefetch;
    private volatile CachedOrder cached;

    private record CachedOrder(int epoch, int[] order) {
    }

    private BatchLoader(Builder b) {
        this.source = b.source;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.threads = b.threads;
        this.prefetch = b.prefetch;
    }

    /** A loader over {@code source}: batch size 128, seed 0, shuffled, partial batch dropped, 1 thread, 2 batches prefetched. */
    public static Builder builder(SampleSource source) {
        return new Builder(source);
    }

    /** Settings of a {@link BatchLoader}. */
    public static final class Builder {
        private final SampleSource source;
        private int batchSize = 128;
        private long seed;
        private boolean shuffle = true;
        private boolean dropLast = true;
        private int threads = 1;
        private int prefetch = 2;

        private Builder(SampleSource source) {
            this.source = source;
        }

        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether each epoch visits the samples in a fresh random permutation (default) or in index order. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Whether a trailing partial batch is dropped (default, for training) or kept (evaluation). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Threads preparing samples, 1..256 (default 1); the result does not depend on it. */
        public Builder threads(int threads) {
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("loader threads must be in 1..256, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Prepared batches waiting for the consumer, 1..64 (default 2). */
        public Builder prefetch(int prefetch) {
            if (prefetch < 1 || prefetch > 64) {
                throw new IllegalArgumentException("prefetch must be in 1..64 batches, got " + prefetch);
            }
            this.prefetch = prefetch;
            return this;
        }

        public BatchLoader build() {
            BatchLoader loader = new BatchLoader(this);
            if (dropLast && loader.batchesPerEpoch() == 0) {
                throw new DataException(source.name() + " holds " + source.size() + " samples, fewer than one batch of " + batchSize);
            }
            return loader;
        }
    }

    /**
     * One pass over all of {@code source} in index order, the last batch possibly smaller, prepared
     * on {@code threads} background threads (close it when done).
     */
    public static BatchStream evaluation(SampleSource source, int batchSize, int threads) {
        return builder(source).batchSize(batchSize).shuffle(false).dropLast(false).threads(threads).build().epoch(0, 0);
    }

    public SampleSource source() {
        return source;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    public boolean shuffled() {
        return shuffle;
    }

    public boolean dropsLast() {
        return dropLast;
    }

    public int threads() {
        return threads;
    }

    public int prefetch() {
        return prefetch;
    }

    /** Batches per epoch: {@code n / B} when dropping the partial batch, else {@code ceil(n / B)}. */
    public int batchesPerEpoch() {
        int n = source.size();
        return dropLast ? n / batchSize : (int) (((long) n + batchSize - 1) / batchSize);
    }

    /** The order in which epoch {@code epoch} visits the samples (a fresh array). */
    public int[] order(int epoch) {
        return orderOf(epoch).clone();
    }

    /** The cached order of one epoch: computing a permutation of ImageNet takes milliseconds, not nothing. */
    int[] orderOf(int epoch) {
        CachedOrder c = cached;
        if (c != null && c.epoch() == epoch) {
            return c.order();
        }
        int n = source.size();
        int[] order;
        if (shuffle) {
            order = Rng.derive(seed, "image-shuffle", epoch).permutation(n);
        } else {
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        }
        cached = new CachedOrder(epoch, order);
        return order;
    }

    /** The random stream of the sample at position {@code position} of epoch {@code epoch}. */
    public static Rng sampleRng(long seed, int epoch, int position) {
        return Rng.derive(augmentKey(seed, epoch), "image-sample", position);
    }

    /** The key from which the sample streams of one epoch derive (computed once per epoch). */
    static long augmentKey(long seed, int epoch) {
        return Rng.derive(seed, "image-augment", epoch).nextLong();
    }

    /** Prepares batch {@code batch} of epoch {@code epoch} on the calling thread. */
    public Batch load(int epoch, int batch) {
        checkBatch(batch, false);
        Batch b = allocate(epoch, batch);
        fill(b, orderOf(epoch), augmentKey(seed, epoch), 0, b.size());
        return b;
    }

    /**
     * Batches from batch {@code batch} of epoch {@code epoch} on, epoch after epoch without end,
     * prepared in the background. {@code batch} may equal {@link #batchesPerEpoch()} (a checkpoint
     * taken at the end of an epoch): the stream then starts with batch 0 of the next epoch. Close the
     * stream when done.
     */
    public BatchStream stream(int epoch, int batch) {
        checkBatch(batch, true);
        if (batchesPerEpoch() == 0) {
            throw new IllegalArgumentException(source.name() + " has no batches: an endless stream would never yield one");
        }
        return new BatchStream(this, epoch, batch, true);
    }

    /**
     * The batches of epoch {@code epoch} from batch {@code batch} to its end, prepared in the
     * background ({@code batch == batchesPerEpoch()} gives an empty stream).
     */
    public BatchStream epoch(int epoch, int batch) {
        checkBatch(batch, true);
        return new BatchStream(this, epoch, batch, false);
    }

    private void checkBatch(int batch, boolean endAllowed) {
        int max = batchesPerEpoch();
        if (batch < 0 || batch > max || (batch == max && !endAllowed)) {
            throw new IllegalArgumentException("batch " + batch + " is outside 0.." + (endAllowed ? max : max - 1) + " ("
                    + max + " batches per epoch of " + source.name() + ")");
        }
    }

    /** An empty batch of the right size for (epoch, batch). */
    Batch allocate(int epoch, int batch) {
        int start = batch * batchSize;
        int size = Math.min(batchSize, source.size() - start);
        int sample = source.channels() * source.height() * source.width();
        return new Batch(epoch, batch, size, source.channels(), source.height(), source.width(),
                new float[size * sample], new int[size], new int[size]);
    }

    /** Prepares sample {@code k} of {@code b} (position {@code b.index() * B + k} of the epoch). */
    void fillOne(Batch b, int[] order, long augmentKey, int k) {
        int position = b.index() * batchSize + k;
        int index = order[position];
        int sample = b.channels() * b.height() * b.width();
        source.write(index, Rng.derive(augmentKey, "image-sample", position), b.images(), k * sample);
        b.labels()[k] = source.label(index);
        b.samples()[k] = index;
    }

    private void fill(Batch b, int[] order, long augmentKey, int from, int to) {
        for (int k = from; k < to; k++) {
            fillOne(b, order, augmentKey, k);
        }
    }
}
