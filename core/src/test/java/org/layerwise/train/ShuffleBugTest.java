package org.layerwise.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.Dataset;
import org.layerwise.data.OdeDataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

class ShuffleBugTest {
    private static long distinctBatches(int[] table, int batchSize) {
        return java.util.stream.IntStream.range(0, table.length / batchSize).mapToObj(b -> table[b * batchSize]).distinct().count();
    }

    @Test
    void referenceShuffleCollapsesBatchesWithinAFewEpochs() {
        // the reference digest's emulation with 20 batches: 12, 7, 5, 2, 2, then 1 distinct batch
        int batches = 20;
        int size = 3;
        int[] table = new int[batches * size];
        Arrays.setAll(table, i -> i);
        long[] distinct = new long[8];
        for (int e = 0; e < 8; e++) {
            Trainer.buggyShuffle(table, batches, size, Rng.derive(1, "shuffle", e));
            distinct[e] = distinctBatches(table, size);
        }
        assertTrue(distinct[0] < batches && distinct[0] > 5, Arrays.toString(distinct));
        for (int e = 1; e < 8; e++) {
            assertTrue(distinct[e] <= distinct[e - 1], Arrays.toString(distinct));
        }
        assertTrue(distinct[7] <= 2, Arrays.toString(distinct));
        for (int b = 0; b < batches; b++) { // whole batches are copied, never mixed
            assertEquals(table[b * size] + 1, table[b * size + 1]);
        }
    }

    @Test
    void bugModeResumesBitIdentically(@TempDir Path tmp) {
        ResidualMlp net = new ResidualMlp(8, 5, Activation.TANH, DeltaMode.SHARED);
        Dataset data = OdeDataset.generate(200, 5, 2);
        Trainer.Settings s = new Trainer.Settings(20, 45, 0, StopRule.EPSILON, 5, 3, 10, true);
        double[] straight = net.initialise(Init.XAVIER, 1, new Rng(1));
        double[] resumed = straight.clone();
        try (FusedKernel k = new FusedKernel(net, 1, 20)) {
            new Trainer(s, List.of()).train(k, straight, new Sgd(0.05, 0, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        Path ck = tmp.resolve("ck");
        TrainingListener kill = TrainerTest.killAt(33);
        double[] first = resumed.clone();
        try (FusedKernel k = new FusedKernel(net, 1, 20)) {
            new Trainer(s, List.of(kill)).train(k, first, new Sgd(0.05, 0, 0, 0, false), data, TrainerTest.at(ck));
        } catch (IllegalStateException expected) {
            // killed after the checkpoint at update 30 (mid-epoch: 10 batches per epoch)
        }
        try (FusedKernel k = new FusedKernel(net, 1, 20)) {
            new Trainer(s, List.of()).train(k, resumed, new Sgd(0.05, 0, 0, 0, false), data, TrainerTest.at(ck));
        }
        for (int i = 0; i < straight.length; i++) {
            assertEquals(Double.doubleToLongBits(straight[i]), Double.doubleToLongBits(resumed[i]));
        }
    }
}
