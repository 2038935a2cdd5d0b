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
}
