package org.layerwise.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.Dataset;
import org.layerwise.data.OdeDataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.io.Csv;
import org.layerwise.io.Npy;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

class EntryPathProbeTest {
    private final ResidualMlp net = new ResidualMlp(15, 6, Activation.RELU, DeltaMode.PER_LAYER);
    private final Dataset data = OdeDataset.generate(120, 6, 3);
    private final List<EntryPathProbe.Entry> entries = List.of(new EntryPathProbe.Entry(2, 3), new EntryPathProbe.Entry(5, -1));

    @Test
    void probeRecordsEntriesAndDoesNotChangeTraining(@TempDir Path tmp) {
        double[] plain = net.initialise(Init.XAVIER, 1, new Rng(4));
        double[] probed = plain.clone();
        Trainer.Settings s = new Trainer.Settings(40, 30, 0, StopRule.EPSILON, 5, 8, 0);
        try (FusedKernel k = new FusedKernel(net, 1, 40)) {
            new Trainer(s, List.of()).train(k, plain, new Sgd(0.05, 0.9, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        try (FusedKernel k = new FusedKernel(net, 1, 40); EntryPathProbe probe = new EntryPathProbe(net, entries, tmp, 1)) {
            new Trainer(s, List.of(probe)).train(k, probed, new Sgd(0.05, 0.9, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        assertArrayEquals(plain, probed, 0.0);
        Npy.Array a = Npy.read(tmp.resolve(EntryPathProbe.VALUES));
        assertArrayEquals(new int[] {10, 2, 15}, a.shape()); // 30 updates of 3 batches: 10 epochs
        assertEquals((float) probed[net.offsetA(7) + 2 * 6 + 3], a.data()[(9 * 2) * 15 + 7], 0.0);
        assertEquals((float) probed[net.offsetB(14) + 5], a.data()[(9 * 2 + 1) * 15 + 14], 0.0);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Csv.readColumns(tmp.resolve(EntryPathProbe.INDEX)).column("epoch"));
        assertEquals("A_2_3", entries.get(0).name());
    }

    @Test
    void thinningKeepsEveryKthEpoch(@TempDir Path tmp) {
        double[] p = net.initialise(Init.XAVIER, 1, new Rng(4));
        try (FusedKernel k = new FusedKernel(net, 1, 40); EntryPathProbe probe = new EntryPathProbe(net, entries, tmp, 4)) {
            new Trainer(new Trainer.Settings(40, 30, 0, StopRule.EPSILON, 5, 8, 0), List.of(probe))
                    .train(k, p, new Sgd(0.05, 0, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        assertArrayEquals(new double[] {0, 4, 8}, Csv.readColumns(tmp.resolve(EntryPathProbe.INDEX)).column("epoch"));
        // 5000 epochs at L = 10000: 400 kB a row, a 256 MiB budget keeps every 8th
        assertEquals(8, EntryPathProbe.thinning(5000, 10, 10000, 256L << 20));
        assertEquals(1, EntryPathProbe.thinning(10, 10, 100, 256L << 20));
    }

    /** Killed after the checkpoint at update 24 (epoch 8) and resumed: the files equal an uninterrupted run's, byte for byte. */
    @Test
    void filesAfterAResumeEqualAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path straight = Files.createDirectories(tmp.resolve("straight"));
        Path resumed = Files.createDirectories(tmp.resolve("resumed"));
        Trainer.Settings s = new Trainer.Settings(40, 45, 0, StopRule.EPSILON, 5, 8, 12);
        double[] p = net.initialise(Init.XAVIER, 1, new Rng(4));
        try (FusedKernel k = new FusedKernel(net, 1, 40); EntryPathProbe probe = new EntryPathProbe(net, entries, straight, 1)) {
            new Trainer(s, List.of(probe)).train(k, p.clone(), new Sgd(0.05, 0, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        Path ck = resumed.resolve("ck.bin");
        try (FusedKernel k = new FusedKernel(net, 1, 40); EntryPathProbe probe = new EntryPathProbe(net, entries, resumed, 1)) {
            assertThrows(IllegalStateException.class, () -> new Trainer(s, List.of(probe, TrainerTest.killAt(31)))
                    .train(k, p.clone(), new Sgd(0.05, 0, 0, 0, false), data, TrainerTest.at(ck)));
        }
        try (FusedKernel k = new FusedKernel(net, 1, 40); EntryPathProbe probe = new EntryPathProbe(net, entries, resumed, 1)) {
            new Trainer(s, List.of(probe)).train(k, p.clone(), new Sgd(0.05, 0, 0, 0, false), data, TrainerTest.at(ck));
        }
        for (String f : List.of(EntryPathProbe.VALUES, EntryPathProbe.INDEX, EntryPathProbe.META)) {
            assertArrayEquals(Files.readAllBytes(straight.resolve(f)), Files.readAllBytes(resumed.resolve(f)), f);
        }
    }
}
