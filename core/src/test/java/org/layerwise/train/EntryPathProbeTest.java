package org.layerwise.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.layerwise.data.Dataset;
import org.layerwise.data.OdeDataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

class EntryPathProbeTest {
    @Test
    void probeRecordsEntriesAndDoesNotChangeTraining() {
        ResidualMlp net = new ResidualMlp(15, 6, Activation.RELU, DeltaMode.PER_LAYER);
        Dataset data = OdeDataset.generate(120, 6, 3);
        double[] plain = net.initialise(Init.XAVIER, 1, new Rng(4));
        double[] probed = plain.clone();
        Trainer.Settings s = new Trainer.Settings(40, 30, 0, StopRule.EPSILON, 5, 8, 0);
        EntryPathProbe probe = new EntryPathProbe(net, List.of(new EntryPathProbe.Entry(2, 3), new EntryPathProbe.Entry(5, -1)));
        try (FusedKernel k = new FusedKernel(net, 1, 40)) {
            new Trainer(s, List.of()).train(k, plain, new Sgd(0.05, 0.9, 0, 0, false), data, null, "a");
        }
        try (FusedKernel k = new FusedKernel(net, 1, 40)) {
            new Trainer(s, List.of(probe)).train(k, probed, new Sgd(0.05, 0.9, 0, 0, false), data, null, "a");
        }
        assertArrayEquals(plain, probed, 0.0);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), probe.epochs()); // 30 updates of 3 batches
        double[][] last = probe.values().get(9);
        assertEquals(probed[net.offsetA(7) + 2 * 6 + 3], last[0][7], 0.0);
        assertEquals(probed[net.offsetB(14) + 5], last[1][14], 0.0);
        assertEquals("A_2_3", probe.entries().get(0).name());
    }
}
