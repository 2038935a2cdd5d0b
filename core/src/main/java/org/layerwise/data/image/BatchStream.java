package org.layerwise.data.image;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batches of a {@link BatchLoader} prepared in the background while the consumer trains.
 *
 * <p>A producer thread builds the batches in order; with {@code threads > 1} it and
 * {@code threads - 1} helper threads share the samples of each batch. Finished batches wait in a
 * queue of at most {@code prefetch} entries; while the queue is full the producer waits, so at most
 * {@code prefetch + 1} batches exist beyond the one the consumer holds. {@link #next()} returns the
 * next batch in order, waiting only when none is ready yet.
 *
 * <p>If preparing a sample fails, the consumer's next call to {@link #next()} or {@link #hasNext()}
 * reports it: {@code next()} throws the worker's exception itself (same type, same message, e.g. a
 * {@link org.layerwise.data.DataException} naming the file), and the threads stop. {@link #close()}
 * stops the threads promptly: each finishes at most the sample it is preparing, and close waits for that.
 */
public final class BatchStream implements Iterator<Batch>, AutoCloseable {
    private static final AtomicInteger STREAMS = new AtomicInteger();
    /** How long close() waits for a thread stuck in a sample that ignores interruption. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final BatchLoader loader;
    private final int startEpoch;
    private final int startBatch;
    private final boolean endless;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Batch> ready = new ArrayDeque<>();
    private final Thread producer;
    private final ExecutorService helpers;
    private Throwable failure;
    private boolean finished;
    private volatile boolean closed;

    BatchStream(BatchLoader loader, int epoch, int batch, boolean endless) {
        this.loader = loader;
        this.startEpoch = epoch;
        this.startBatch = batch;
        this.endless = endless;
        int id = STREAMS.incrementAndGet();
        if (loader.threads() > 1) {
            AtomicInteger n = new AtomicInteger();
            helpers = Executors.newFixedThreadPool(loader.threads() - 1, r -> {
                Thread t = new Thread(r, "layerwise-batches-" + id + "-helper-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        } else {
            helpers = null;
        }
        producer = new Thread(this::produce, "layerwise-batches-" + id);
        producer.setDaemon(true);
        producer.start();
    }

    private void produce() {
        int epoch = startEpoch;
        int batch = startBatch;
        int perEpoch = loader.batchesPerEpoch();
        try {
            while (!closed) {
                if (batch >= perEpoch) {
                    if (!endless) {
                        break;
                    }
                    epoch++;
                    batch = 0;
                }
                Batch b = build(epoch, batch);
                if (b == null) {
                    return; // closed while building
                }
                lock.lock();
                try {
                    while (ready.size() >= loader.prefetch() && !closed) {
                        changed.await();
                    }
                    if (closed) {
                        return;
                    }
                    ready.addLast(b);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                batch++;
            }
            lock.lock();
            try {
                finished = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            // close() interrupts a producer that waits for room or for its helpers
        } catch (Throwable t) {
            lock.lock();
            try {
                if (!closed) {
                    failure = t;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            if (helpers != null) {
                helpers.shutdownNow();
            }
        }
    }

    /** Prepares one batch, sharing its samples with the helpers; null if the stream was closed meanwhile. */
    private Batch build(int epoch, int batchIndex) throws Throwable {
        int[] order = loader.orderOf(epoch);
        long key = BatchLoader.augmentKey(loader.seed(), epoch);
        Batch b = loader.allocate(epoch, batchIndex);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> error = new AtomicReference<>();
        Runnable work = () -> {
            try {
                int k;
                while (!closed && error.get() == null && (k = next.getAndIncrement()) < b.size()) {
                    loader.fillOne(b, order, key, k);
                }
            } catch (Throwable t) {
                error.compareAndSet(null, t);
            }
        };
        if (helpers == null) {
            work.run();
        } else {
            int n = loader.threads() - 1;
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                helpers.execute(() -> {
                    try {
                        work.run();
                    } finally {
                        done.countDown();
                    }
                });
            }
            work.run();
            done.await();
        }
        if (error.get() != null) {
            throw error.get();
        }
        return closed ? null : b;
    }

    /** Whether another batch comes; waits until one is ready, the epoch ended, or a worker failed. */
    @Override
    public boolean hasNext() {
        lock.lock();
        try {
            awaitSomething();
            return !ready.isEmpty() || failure != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch in order, waiting if it is not ready yet.
     *
     * @throws NoSuchElementException after the last batch of a single-epoch stream
     * @throws IllegalStateException once closed
     */
    @Override
    public Batch next() {
        lock.lock();
        try {
            awaitSomething();
            if (failure != null) {
                throw rethrow(failure);
            }
            if (closed) {
                throw new IllegalStateException("batch stream of " + loader.source().name() + " is closed");
            }
            if (ready.isEmpty()) {
                throw new NoSuchElementException("no batches left in this epoch of " + loader.source().name());
            }
            Batch b = ready.removeFirst();
            changed.signalAll();
            return b;
        } finally {
            lock.unlock();
        }
    }

    private void awaitSomething() {
        while (ready.isEmpty() && failure == null && !finished && !closed) {
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a batch of " + loader.source().name(), e);
            }
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new IllegalStateException(t.getMessage(), t);
    }

    /** Batches prepared and waiting (0..prefetch): a consumer that often finds 0 is starved for data. */
    public int prepared() {
        lock.lock();
        try {
            return ready.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the threads (each finishes at most its current sample) and waits for them; idempotent. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            ready.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        producer.interrupt();
        if (helpers != null) {
            helpers.shutdownNow();
        }
        boolean interrupted = false;
        try {
            producer.join(TimeUnit.SECONDS.toMillis(CLOSE_WAIT_SECONDS));
            if (helpers != null) {
                helpers.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests: whether any of this stream's threads still runs. */
    boolean threadsAlive() {
        return producer.isAlive() || (helpers != null && !helpers.isTerminated());
    }
}
