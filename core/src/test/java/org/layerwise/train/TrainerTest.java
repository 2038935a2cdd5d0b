package org.layerwise.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.Dataset;
import org.layerwise.data.OdeDataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.engine.ReferenceKernel;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.model.ResidualMlp;
import org.layerwise.util.Rng;

class TrainerTest {
    private final ResidualMlp net = new ResidualMlp(20, 10, Activation.TANH, DeltaMode.SHARED);
    private final Dataset data = OdeDataset.generate(400, 10, 7);

    /** Checkpoints in {@code ck}, resuming from it when it exists (what a run folder does). */
    static Trainer.Checkpoints at(Path ck) {
        return new Trainer.Checkpoints(ck, Files.exists(ck) ? Checkpoint.read(ck) : null, java.util.Map.of("fingerprint", "fp"));
    }

    /** Throws at update n: a process killed there. */
    static TrainingListener killAt(long n) {
        return new TrainingListener() {
            @Override
            public void afterUpdate(StepView step) {
                if (step.step() + 1 == n) {
                    throw new IllegalStateException("killed");
                }
            }
        };
    }

    private Trainer.Settings settings(long maxUpdates, long checkpointEvery) {
        return new Trainer.Settings(50, maxUpdates, 0, StopRule.EPSILON, 5, 99, checkpointEvery);
    }

    @Test
    void resumedRunContinuesBitIdentically(@TempDir Path tmp) {
        double[] straight = net.initialise(Init.XAVIER, 1, new Rng(1));
        double[] resumed = straight.clone();
        Adam a1 = new Adam(1e-3, 0.9, 0.999, 1e-8, 0);
        try (FusedKernel k = new FusedKernel(net, 2, 50)) {
            new Trainer(settings(37, 0), List.of()).train(k, straight, a1, data, Trainer.Checkpoints.none());
        }
        // the same run, killed after update 20 (a checkpoint was written at 10 and 20), then started again
        Path ck = tmp.resolve("ck.bin");
        TrainingListener killer = killAt(23);
        double[] first = resumed.clone();
        try (FusedKernel k = new FusedKernel(net, 2, 50)) {
            assertThrows(IllegalStateException.class, () -> new Trainer(settings(37, 10), List.of(killer))
                    .train(k, first, new Adam(1e-3, 0.9, 0.999, 1e-8, 0), data, at(ck)));
        }
        assertTrue(Files.exists(ck));
        try (FusedKernel k = new FusedKernel(net, 2, 50)) {
            // fresh parameters and optimizer: everything must come from the checkpoint
            TrainResult r = new Trainer(settings(37, 10), List.of()).train(k, resumed, new Adam(1e-3, 0.9, 0.999, 1e-8, 0), data, at(ck));
            assertEquals(37, r.updates());
        }
        for (int i = 0; i < straight.length; i++) {
            assertEquals(Double.doubleToLongBits(straight[i]), Double.doubleToLongBits(resumed[i]), "parameter " + i);
        }
    }

    @Test
    void damagedCheckpointIsRefusedWithAReason(@TempDir Path tmp) throws Exception {
        Path ck = tmp.resolve("ck.bin");
        double[] p = net.initialise(Init.XAVIER, 1, new Rng(1));
        try (FusedKernel k = new FusedKernel(net, 1, 50)) {
            new Trainer(settings(10, 5), List.of()).train(k, p, new Sgd(0.01, 0, 0, 0, false), data, at(ck));
        }
        byte[] b = Files.readAllBytes(ck);
        b[b.length / 2] ^= 1;
        Files.write(ck, b);
        Checkpoint.Unusable e = assertThrows(Checkpoint.Unusable.class, () -> Checkpoint.read(ck));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        Files.write(ck, java.util.Arrays.copyOf(b, b.length / 3));
        assertTrue(assertThrows(Checkpoint.Unusable.class, () -> Checkpoint.read(ck)).getMessage().contains("truncated"));
    }

    @Test
    void divergenceIsRecordedWithItsStep() {
        double[] p = net.initialise(Init.HE, 1, new Rng(1));
        p[net.offsetDelta()] = 1.0;
        TrainResult r;
        try (ReferenceKernel k = new ReferenceKernel(net)) {
            r = new Trainer(settings(1000, 0), List.of()).train(k, p, new Sgd(1e6, 0, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        assertEquals(TrainResult.Reason.DIVERGED, r.reason());
        assertTrue(r.divergedAt() >= 0 && r.divergedAt() < 1000);
        assertTrue(Double.isNaN(r.finalLoss()));
    }

    @Test
    void stopsBelowEpsilonAtAnEpochEnd() {
        // a linear net with delta none can fit a linear target exactly
        ResidualMlp lin = new ResidualMlp(1, 3, Activation.LINEAR, DeltaMode.NONE);
        Rng rng = new Rng(3);
        float[] x = new float[300];
        float[] y = new float[300];
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = (float) rng.uniform(-1, 1);
            }
            for (int j = 0; j < 3; j++) {
                y[i * 3 + j] = x[i * 3 + j] + 0.5f * x[i * 3 + (j + 1) % 3] + 0.1f;
            }
        }
        Dataset d = new Dataset("linear", 100, 3, x, y);
        double[] p = new double[lin.parameterCount()];
        TrainResult r;
        try (ReferenceKernel k = new ReferenceKernel(lin)) {
            r = new Trainer(new Trainer.Settings(10, 100000, 1e-6, StopRule.EPSILON, 5, 1, 0), List.of())
                    .train(k, p, new Sgd(0.2, 0.9, 0, 0, false), d, Trainer.Checkpoints.none());
        }
        assertEquals(TrainResult.Reason.CONVERGED, r.reason());
        assertTrue(r.finalLoss() < 1e-6);
        assertEquals(0, r.updates() % 10, "stops only at an epoch end");
        assertEquals(0.5, p[lin.offsetA(0) + 1], 1e-2); // z_0 = 0.5 x_1 + 0.1
        assertEquals(0.1, p[lin.offsetB(0)], 1e-2);
    }

    @Test
    void plateauRuleStopsWhenLossStalls() {
        double[] p = net.initialise(Init.XAVIER, 1, new Rng(1));
        TrainResult r;
        try (FusedKernel k = new FusedKernel(net, 1, 50)) {
            // lr 0: the loss never improves, so exactly `patience` epochs after the first (which sets best)
            r = new Trainer(new Trainer.Settings(50, 100000, 0, StopRule.PLATEAU, 3, 1, 0), List.of())
                    .train(k, p, new Sgd(0.0, 0, 0, 0, false), data, Trainer.Checkpoints.none());
        }
        assertEquals(TrainResult.Reason.PLATEAU, r.reason());
        assertEquals(4, r.epochs());
    }

    @Test
    void everyEpochVisitsEveryRowOnce() {
        int[] perm = Rng.derive(5, "shuffle", 3).permutation(1000);
        boolean[] seen = new boolean[1000];
        for (int v : perm) {
            assertFalse(seen[v]);
            seen[v] = true;
        }
        assertFalse(java.util.Arrays.equals(perm, Rng.derive(5, "shuffle", 4).permutation(1000)));
        assertArrayEquals(perm, Rng.derive(5, "shuffle", 3).permutation(1000));
    }
}
