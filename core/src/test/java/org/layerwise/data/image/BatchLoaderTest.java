package org.layerwise.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.layerwise.data.DataException;
import org.layerwise.util.Rng;

/** Every test has a time limit: a deadlocked loader must fail, not hang the build. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BatchLoaderTest {
    private static final ImageSet SET = TransformTest.pattern(50);
    private static final ImageSetSource TRAIN = ImageSetSource.train(SET, Normalization.of(SET));

    private static BatchLoader loader(SampleSource source, int threads, int prefetch) {
        return BatchLoader.builder(source).batchSize(8).seed(42).threads(threads).prefetch(prefetch).build();
    }

    private static void assertSame(Batch expected, Batch actual) {
        assertEquals(expected.epoch(), actual.epoch());
        assertEquals(expected.index(), actual.index());
        assertArrayEquals(expected.samples(), actual.samples());
        assertArrayEquals(expected.labels(), actual.labels());
        // bitwise: Arrays.equals on floats compares floatToIntBits
        assertTrue(Arrays.equals(expected.images(), actual.images()), "batch " + actual.epoch() + "/" + actual.index() + " differs");
    }

    @Test
    void epochsArePermutationsFromTheSeededStream() {
        BatchLoader keep = BatchLoader.builder(TRAIN).batchSize(8).seed(42).dropLast(false).build();
        assertEquals(7, keep.batchesPerEpoch());
        assertEquals(6, loader(TRAIN, 1, 2).batchesPerEpoch());
        assertArrayEquals(Rng.derive(42, "image-shuffle", 3).permutation(50), keep.order(3));
        int[] seen = new int[50];
        for (int b = 0; b < 7; b++) {
            Batch batch = keep.load(3, b);
            assertEquals(b < 6 ? 8 : 2, batch.size());
            for (int k = 0; k < batch.size(); k++) {
                seen[batch.samples()[k]]++;
                assertEquals(SET.labels()[batch.samples()[k]], batch.labels()[k]);
            }
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(1, seen[i], "sample " + i + " once per epoch");
        }
        assertFalse(Arrays.equals(keep.order(3), keep.order(4)));
        assertFalse(Arrays.equals(keep.order(3), BatchLoader.builder(TRAIN).batchSize(8).seed(43).build().order(3)));
    }

    @Test
    void eachSampleIsPreparedFromItsOwnPositionStream() {
        BatchLoader l = loader(TRAIN, 1, 2);
        Batch b = l.load(2, 4);
        int sample = 3 * 5 * 6;
        for (int k = 0; k < 8; k++) {
            float[] one = new float[sample];
            TRAIN.write(b.samples()[k], BatchLoader.sampleRng(42, 2, 4 * 8 + k), one, 0);
            assertArrayEquals(one, Arrays.copyOfRange(b.images(), k * sample, (k + 1) * sample));
        }
        // the same sample at another position (another epoch) is augmented differently
        assertNotEquals(Arrays.toString(l.load(2, 0).images()), Arrays.toString(l.load(3, 0).images()));
    }

    @Test
    void streamsAreBitIdenticalForAnyThreadCountAndAfterAResume() {
        BatchLoader reference = loader(TRAIN, 1, 2);
        for (int threads : new int[] {1, 3}) {
            try (BatchStream s = loader(TRAIN, threads, threads == 1 ? 2 : 4).stream(0, 0)) {
                // crosses from epoch 0 into epoch 1
                for (int step = 0; step < 9; step++) {
                    assertSame(reference.load(step / 6, step % 6), s.next());
                }
            }
        }
        // resume at batch 4 of epoch 1 with another thread count
        try (BatchStream s = loader(TRAIN, 2, 3).stream(1, 4)) {
            assertSame(reference.load(1, 4), s.next());
            assertSame(reference.load(1, 5), s.next());
            assertSame(reference.load(2, 0), s.next());
        }
    }

    @Test
    void oneEpochEndsAndEvaluationKeepsTheLastPartialBatchInOrder() {
        try (BatchStream s = loader(TRAIN, 2, 2).epoch(5, 4)) {
            assertEquals(4, s.next().index());
            assertEquals(5, s.next().index());
            assertFalse(s.hasNext());
            assertThrows(java.util.NoSuchElementException.class, s::next);
        }
        ImageSetSource eval = ImageSetSource.eval(SET, Normalization.CIFAR10);
        int position = 0;
        try (BatchStream s = BatchLoader.evaluation(eval, 16, 3)) {
            while (s.hasNext()) {
                Batch b = s.next();
                for (int k = 0; k < b.size(); k++) {
                    assertEquals(position, b.samples()[k]);
                    float[] one = new float[90];
                    CifarAugmentation.writePlain(SET, position, Normalization.CIFAR10, one, 0);
                    assertArrayEquals(one, Arrays.copyOfRange(b.images(), k * 90, (k + 1) * 90));
                    position++;
                }
            }
        }
        assertEquals(50, position);
    }

    /** A deliberately slow source (test-only): every sample takes {@code millis} ms and reports who prepared it. */
    private static final class SlowSource implements SampleSource {
        final SampleSource inner;
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();
        final AtomicInteger written = new AtomicInteger();
        final AtomicInteger maxIndex = new AtomicInteger(-1);
        final CountDownLatch[] batchDone;
        final CountDownLatch failed = new CountDownLatch(1);
        final int batchSize;
        final int failAt;
        volatile long millis = 1;
        volatile boolean uninterruptible;

        SlowSource(SampleSource inner, int batchSize, int failAt) {
            this.inner = inner;
            this.batchSize = batchSize;
            this.failAt = failAt;
            batchDone = new CountDownLatch[inner.size() / batchSize + 1];
            for (int b = 0; b < batchDone.length; b++) {
                batchDone[b] = new CountDownLatch(Math.min(batchSize, inner.size() - b * batchSize));
            }
        }

        @Override
        public void write(int index, Rng rng, float[] out, int offset) {
            threads.add(Thread.currentThread());
            maxIndex.accumulateAndGet(index, Math::max);
            if (uninterruptible) {
                // like a JPEG decode in javax.imageio, which does not look at the interrupt flag
                long end = System.nanoTime() + millis * 1_000_000;
                boolean interrupted = false;
                for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
                    try {
                        Thread.sleep(left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            } else {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (index == failAt) {
                failed.countDown();
                throw new DataException("/data/imagenet/train/n01/broken.JPEG: cannot decode image (bad Huffman code)");
            }
            inner.write(index, rng, out, offset);
            written.incrementAndGet();
            batchDone[index / batchSize].countDown();
        }

        @Override
        public String name() {
            return "slow";
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int channels() {
            return inner.channels();
        }

        @Override
        public int height() {
            return inner.height();
        }

        @Override
        public int width() {
            return inner.width();
        }

        @Override
        public int numClasses() {
            return inner.numClasses();
        }

        @Override
        public int label(int index) {
            return inner.label(index);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "gave up waiting for: " + what);
            Thread.sleep(1);
        }
    }

    @Test
    void batchesArePreparedWhileTheConsumerWorksAndTheQueueIsBounded() throws Exception {
        // unshuffled, so sample index = position and batch b holds samples 4b .. 4b+3
        SlowSource slow = new SlowSource(TRAIN, 4, -1);
        BatchLoader l = BatchLoader.builder(slow).batchSize(4).seed(1).shuffle(false).threads(1).prefetch(2).build();
        try (BatchStream s = l.epoch(0, 0)) {
            for (int b = 0; b < 6; b++) {
                Batch batch = s.next();
                assertEquals(b, batch.index());
                // the consumer's "training step": it does not call the loader, yet batch b+1 gets decoded and queued
                assertTrue(slow.batchDone[b + 1].await(10, TimeUnit.SECONDS), "batch " + (b + 1) + " prepared during step " + b);
                await(() -> s.prepared() >= 1, "batch " + (b + 1) + " queued");
            }
            assertFalse(slow.threads.contains(Thread.currentThread()), "the consumer thread never decodes");
            // a consumer that stops taking: 2 queued + 1 in preparation, nothing beyond
            await(() -> s.prepared() == 2, "queue full");
            Thread.sleep(150);
            assertEquals(2, s.prepared());
            int taken = 6;
            assertTrue(slow.maxIndex.get() < (taken + 2 + 1) * 4, "prepared ahead up to sample " + slow.maxIndex.get());
        }
    }

    @Test
    void aWorkerFailureSurfacesInTheNextCallWithItsMessage() throws Exception {
        for (int threads : new int[] {1, 3}) {
            SlowSource slow = new SlowSource(TRAIN, 4, 9);
            BatchLoader l = BatchLoader.builder(slow).batchSize(4).shuffle(false).threads(threads).prefetch(3).build();
            BatchStream s = l.stream(0, 0);
            // wait until the worker has failed (batch 2); batch 0, maybe 1, are ready, but the failure comes first
            assertTrue(slow.failed.await(10, TimeUnit.SECONDS));
            await(() -> !s.threadsAlive(), "threads stop after a failure");
            assertTrue(s.hasNext());
            DataException e = assertThrows(DataException.class, s::next);
            assertEquals("/data/imagenet/train/n01/broken.JPEG: cannot decode image (bad Huffman code)", e.getMessage());
            assertThrows(DataException.class, s::next, "stays failed");
            s.close();
        }
    }

    @Test
    void closeStopsTheThreadsPromptly() throws Exception {
        SlowSource slow = new SlowSource(TRAIN, 24, -1);
        slow.millis = 20;
        slow.uninterruptible = true;
        BatchStream s = BatchLoader.builder(slow).batchSize(24).seed(5).threads(3).prefetch(1).build().stream(0, 0);
        s.next();
        assertTrue(s.threadsAlive());
        // close in the middle of preparing a batch
        await(() -> slow.written.get() % 24 >= 3 && slow.written.get() % 24 <= 12, "a batch half prepared");
        int before = slow.written.get();
        s.close();
        assertFalse(s.threadsAlive(), "close waits for its threads");
        // each of the 3 threads finishes at most the sample it is in and one it claimed just before the flag was set
        assertTrue(slow.written.get() - before <= 6, (slow.written.get() - before) + " samples prepared after close began");
        int after = slow.written.get();
        Thread.sleep(30);
        assertEquals(after, slow.written.get(), "nothing is prepared after close");
        assertThrows(IllegalStateException.class, s::next);
        assertFalse(s.hasNext());
        s.close();
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(TRAIN).batchSize(0));
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(TRAIN).threads(0));
        assertThrows(IllegalArgumentException.class, () -> BatchLoader.builder(TRAIN).prefetch(0));
        TestFiles.oneLine(() -> BatchLoader.builder(TRAIN).batchSize(64).build(), "pattern holds 50 samples, fewer than one batch of 64");
        assertThrows(IllegalArgumentException.class, () -> loader(TRAIN, 1, 2).stream(0, 7));
        assertThrows(IllegalArgumentException.class, () -> loader(TRAIN, 1, 2).load(0, 6));
        try (BatchStream end = loader(TRAIN, 1, 2).epoch(0, 6)) {
            assertFalse(end.hasNext());
        }
        try (BatchStream next = loader(TRAIN, 1, 2).stream(0, 6)) {
            Batch b = next.next();
            assertEquals(1, b.epoch(), "a checkpoint at the end of epoch 0 resumes with epoch 1");
            assertEquals(0, b.index());
        }
    }
}
