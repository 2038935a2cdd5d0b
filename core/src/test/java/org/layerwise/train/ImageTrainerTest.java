package org.layerwise.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.ImageSetSource;
import org.layerwise.data.image.Normalization;
import org.layerwise.io.Csv;
import org.layerwise.io.Npy;
import org.layerwise.train.schedule.LrSchedule;
import org.layerwise.util.Rng;

/** The image training loop and the ELR probe on a pure-Java scale-invariant network (no libtorch). */
class ImageTrainerTest {
    private static final int[] SIZES = {30, 60, 90, 10};

    static BatchLoader loader(long seed) {
        Rng rng = new Rng(3);
        byte[] px = new byte[64 * 3 * 4 * 4];
        int[] labels = new int[64];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        ImageSet set = new ImageSet("random", 64, 3, 4, 4, 10, px, labels);
        return BatchLoader.builder(ImageSetSource.eval(set, Normalization.scaleOnly(3))).batchSize(16).seed(seed).build();
    }

    private static ImageTrainer.Result train(Path dir, long steps, LrSchedule schedule, Trainer.Checkpoints ck, TrainingListener extra) {
        try (FakeNetwork net = new FakeNetwork(SIZES, 7, 0); ElrProbe probe = new ElrProbe(dir, 1)) {
            List<TrainingListener> ls = extra == null ? List.of(probe) : List.of(probe, extra);
            return new ImageTrainer(new ImageTrainer.Settings(steps, 10, 0), ls, () -> false).train(net, loader(5), null, schedule, ck);
        }
    }

    /** What scale invariance makes exact for plain SGD, measured by the probe through the whole loop. */
    @Test
    void probeSeesScaleInvarianceExactly(@TempDir Path tmp) {
        train(tmp, 40, LrSchedule.constant(0.3), Trainer.Checkpoints.none(), null);
        double[][] sigma = rows(Npy.read(tmp.resolve("sigma.npy")));
        double[][] elr = rows(Npy.read(tmp.resolve("elr.npy")));
        double[][] orth = rows(Npy.read(tmp.resolve("orthogonality.npy")));
        double[][] angle = rows(Npy.read(tmp.resolve("angular_update.npy")));
        assertEquals(40, sigma.length);
        assertEquals(3, sigma[0].length, "the classifier is reported apart, not as a layer");
        for (int t = 0; t + 1 < 40; t++) {
            for (int l = 0; l < 3; l++) {
                double predicted = sigma[t][l] * sigma[t][l] * (1 + elr[t][l] * elr[t][l]);
                assertEquals(predicted, sigma[t + 1][l] * sigma[t + 1][l], 1e-5 * predicted, "t=" + t + " l=" + l); // float32 files
                assertTrue(Math.abs(orth[t][l]) < 1e-5, "orthogonality " + orth[t][l]);
                assertEquals(Math.atan(elr[t][l]), angle[t][l], 1e-4 * Math.atan(elr[t][l]) + 1e-6);
            }
        }
        Csv.Columns steps = Csv.readColumns(tmp.resolve(ElrProbe.STEPS));
        double[] spread = steps.column("spread");
        assertTrue(spread[39] < spread[0], "under a constant LR the spread falls: " + spread[0] + " -> " + spread[39]);
        assertEquals(40 * 3, Csv.readColumns(tmp.resolve(ElrProbe.LONG)).rows());
    }

    /** Killed at step 27 (checkpoint at 20) and resumed: every probe file equals an uninterrupted run's, byte for byte. */
    @Test
    void resumeIsBitIdenticalIncludingProbeFiles(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("straight"));
        Path b = Files.createDirectories(tmp.resolve("resumed"));
        train(a, 35, LrSchedule.constant(0.3).withElrWarmup(), Trainer.Checkpoints.none(), null);
        Path ck = b.resolve("checkpoint.bin");
        assertThrows(IllegalStateException.class, () -> train(b, 35, LrSchedule.constant(0.3).withElrWarmup(), TrainerTest.at(ck),
                TrainerTest.killAt(27)));
        train(b, 35, LrSchedule.constant(0.3).withElrWarmup(), TrainerTest.at(ck), null);
        for (String f : List.of("sigma.npy", "elr.npy", "lr.npy", "angular_update.npy", ElrProbe.LONG, ElrProbe.STEPS, ElrProbe.LAYERS)) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
    }

    /** The ELR warm-up never takes a step above the critical LR it just measured, and stops once that exceeds the target. */
    @Test
    void elrWarmupStaysAtOrBelowTheCriticalLr(@TempDir Path tmp) {
        train(tmp, 60, LrSchedule.constant(1e4).withElrWarmup(), Trainer.Checkpoints.none(), null);
        Csv.Columns steps = Csv.readColumns(tmp.resolve(ElrProbe.STEPS));
        double[] lr = steps.column("lr");
        double[] crit = steps.column("critical_lr_predicted");
        boolean capped = false;
        for (int t = 0; t < lr.length; t++) {
            assertTrue(lr[t] <= Math.min(1e4, crit[t]) * (1 + 1e-12) || lr[t] == 1e4, "step " + t + ": " + lr[t] + " > " + crit[t]);
            capped |= lr[t] < 1e4;
        }
        assertTrue(capped, "a target of 1e4 is far above the critical LR at first");
    }

    static double[][] rows(Npy.Array a) {
        int n = a.shape()[0];
        int m = a.shape()[1];
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a.data(), i * m, out[i], 0, m);
        }
        return out;
    }

    /** A step whose loss or gradient is not finite ends the run as diverged, with its step. */
    @Test
    void divergenceIsRecordedWithItsStep(@TempDir Path tmp) {
        ImageTrainer.Result r = train(tmp, 40, LrSchedule.step(0.3, new long[] {12}, 1e300), Trainer.Checkpoints.none(), null);
        assertTrue(r.diverged(), "a rate of 3e299 from step 12 on must blow up");
        assertTrue(r.divergedAt() >= 12 && r.divergedAt() < 40, "diverged at " + r.divergedAt());
        assertEquals(r.divergedAt(), Csv.readColumns(tmp.resolve(ElrProbe.STEPS)).rows(), "the probe recorded every step before it");
    }

    private static ImageTrainer.Result trainTo(Path dir, double target, long checkpointEvery, Trainer.Checkpoints ck, TrainingListener... extra) {
        try (FakeNetwork net = new FakeNetwork(SIZES, 7, 0); ElrProbe probe = new ElrProbe(dir, 1)) {
            List<TrainingListener> ls = new java.util.ArrayList<>(List.of(probe));
            ls.addAll(List.of(extra));
            return new ImageTrainer(new ImageTrainer.Settings(60, checkpointEvery, 0, target), ls, () -> false).train(net, loader(5), null,
                    LrSchedule.constant(0.3), ck);
        }
    }

    /** Epoch means of the batch losses, as onEpochEnd reports them. */
    static final class EpochMeans implements TrainingListener {
        final List<Double> means = new java.util.ArrayList<>();

        @Override
        public void onEpochEnd(int epoch, long updates, double meanLoss, Parameters params) {
            assertEquals(4L * (epoch + 1), updates, "4 batches per epoch");
            means.add(meanLoss);
        }
    }

    /**
     * The loss target (Cohen et al.'s ε rule): the run stops at the end of the first epoch whose mean batch loss is below it,
     * and an interruption in the middle of that epoch (a checkpoint after 2 of its 4 batches) resumes to the same stop and epoch loss.
     */
    @Test
    void lossTargetStopsAtTheFirstEpochBelowItAlsoAfterAResume(@TempDir Path tmp) throws Exception {
        EpochMeans free = new EpochMeans();
        ImageTrainer.Result all = trainTo(Files.createDirectories(tmp.resolve("free")), 0, 0, Trainer.Checkpoints.none(), free);
        assertTrue(!all.converged() && all.steps() == 60, "no target: every step");
        assertEquals(15, free.means.size());
        double mean = 0;
        for (int i = 0; i < 4; i++) {
            mean += Csv.readColumns(tmp.resolve("free").resolve(ElrProbe.STEPS)).column("loss")[12 + i] / 4;
        }
        assertEquals(mean, free.means.get(3), 1e-6 * Math.abs(mean), "epoch 3 is the mean of steps 12..15");
        int first = 5; // the lowest epoch mean from epoch 5 on, just above it as the target: the run must stop exactly there
        for (int e = 5; e < 15; e++) {
            first = free.means.get(e) < free.means.get(first) ? e : first;
        }
        double target = free.means.get(first) * (1 + 1e-9);
        int expected = 0;
        while (!(free.means.get(expected) < target)) {
            expected++;
        }
        assertTrue(expected >= 3, "the target must not be met in the first epochs (got epoch " + expected + "); the test needs a later stop");
        ImageTrainer.Result straight = trainTo(Files.createDirectories(tmp.resolve("straight")), target, 0, Trainer.Checkpoints.none());
        assertTrue(straight.converged());
        assertEquals(4L * (expected + 1), straight.steps());
        assertEquals(free.means.get(expected), straight.lastEpochLoss(), 0);
        Path b = Files.createDirectories(tmp.resolve("resumed"));
        Path ck = b.resolve("checkpoint.bin");
        long every = 4L * expected + 2; // the first checkpoint falls in the middle of the stopping epoch
        assertThrows(IllegalStateException.class, () -> trainTo(b, target, every, TrainerTest.at(ck), TrainerTest.killAt(every + 1)));
        ImageTrainer.Result resumed = trainTo(b, target, every, TrainerTest.at(ck));
        assertEquals(straight, resumed, "the same stop, step and epoch loss after a resume from step " + every);
    }
}
