package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.layerwise.engine.torch.Natives;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.DataException;
import org.layerwise.engine.torch.model.ResNet;
import org.layerwise.engine.torch.model.ResNetSpec;
import org.layerwise.engine.torch.model.Shortcut;
import org.layerwise.engine.torch.model.Tensors;

/** Save, load and resume: bit for bit on CPU with a fixed torch thread count. */
@SuppressWarnings("try") // scopes act by existing
class CheckpointTest {
    /** Option B and affine BN, so every kind of parameter and buffer is in the file. */
    private static final ResNetSpec SPEC = ResNetSpec.cifar(8, 10).withShortcut(Shortcut.B).withAffineBatchNorm(true);

    @BeforeAll
    static void threads() {
        Natives.load(); // before any torch.* call: loads libtorch the safe way (see Natives)
        torch.set_num_threads(1);
    }

    /** Steps from..to-1 with a batch and per-tensor rates that depend on the step index; returns the losses. */
    private static List<Double> train(ResNet net, Sgd sgd, int from, int to) {
        List<Double> losses = new ArrayList<>();
        for (int step = from; step < to; step++) {
            try (PointerScope s = new PointerScope()) {
                losses.add(TrainStep.forwardBackward(net, TestData.batch(net, 8, 8, step)).loss());
                double[] lrs = new double[net.parameterCount()];
                for (int i = 0; i < lrs.length; i++) {
                    lrs[i] = 0.05 / (1 + step) * (1 + (i % 3));
                }
                sgd.step(lrs, step % 2 == 0);
            }
        }
        return losses;
    }

    private static Sgd optimizer(ResNet net) {
        return new Sgd(net, 0.9, 5e-4, true);
    }

    @Test
    void resumingGivesTheSameWeightsBitForBit() {
        try (ResNet straight = ResNet.create(SPEC, 1); Sgd straightSgd = optimizer(straight);
                ResNet first = ResNet.create(SPEC, 1); Sgd firstSgd = optimizer(first);
                ResNet resumed = ResNet.create(SPEC, 99); Sgd resumedSgd = optimizer(resumed)) {
            List<Double> straightLosses = train(straight, straightSgd, 0, 6);
            List<Double> losses = train(first, firstSgd, 0, 3);
            byte[] checkpoint = Checkpoint.toBytes(first, firstSgd);
            Checkpoint.fromBytes(resumed, resumedSgd, checkpoint); // a fresh model with other weights
            losses.addAll(train(resumed, resumedSgd, 3, 6));
            assertEquals(straightLosses, losses);
            assertSameState(straight, straightSgd, resumed, resumedSgd);
        }
    }

    private static void assertSameState(ResNet a, Sgd sa, ResNet b, Sgd sb) {
        try (PointerScope s = new PointerScope()) {
            for (int i = 0; i < a.parameterCount(); i++) {
                assertArrayEquals(Tensors.toBytes(a.parameter(i)), Tensors.toBytes(b.parameter(i)), a.parameterName(i));
                assertArrayEquals(Tensors.toBytes(sa.momentumBuffer(i)), Tensors.toBytes(sb.momentumBuffer(i)), "momentum " + a.parameterName(i));
            }
            for (int i = 0; i < a.buffers().size(); i++) {
                assertArrayEquals(Tensors.toBytes(a.buffer(i)), Tensors.toBytes(b.buffer(i)), a.bufferNames().get(i));
            }
        }
    }

    @Test
    void roundTripIsExactAndNeedsNoOptimizer(@TempDir Path dir) throws Exception {
        try (ResNet net = ResNet.create(SPEC, 2); Sgd sgd = optimizer(net); ResNet copy = ResNet.create(SPEC, 3);
                Sgd copySgd = optimizer(copy)) {
            train(net, sgd, 0, 2);
            byte[] bytes = Checkpoint.toBytes(net, sgd);
            Checkpoint.fromBytes(copy, copySgd, bytes);
            assertArrayEquals(bytes, Checkpoint.toBytes(copy, copySgd));
            Path file = dir.resolve("run.ckpt");
            Checkpoint.save(file, net, null);
            try (ResNet modelOnly = ResNet.create(SPEC, 4)) {
                Checkpoint.load(file, modelOnly, null);
                assertArrayEquals(Checkpoint.toBytes(net, null), Checkpoint.toBytes(modelOnly, null));
                DataException e = assertThrows(DataException.class, () -> Checkpoint.load(file, modelOnly, optimizer(modelOnly)));
                assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("no optimizer state"), e.getMessage());
            }
        }
    }

    @Test
    void mismatchesAreOneLineErrors(@TempDir Path dir) throws Exception {
        try (ResNet net = ResNet.create(SPEC, 2); Sgd sgd = optimizer(net)) {
            train(net, sgd, 0, 1);
            byte[] bytes = Checkpoint.toBytes(net, sgd);
            try (ResNet other = ResNet.create(SPEC.withResidual(false), 2)) {
                DataException e = assertThrows(DataException.class, () -> Checkpoint.fromBytes(other, null, bytes));
                assertTrue(e.getMessage().contains(SPEC.label()) && e.getMessage().contains(SPEC.withResidual(false).label()), e.getMessage());
            }
            try (ResNet same = ResNet.create(SPEC, 5)) {
                DataException e = assertThrows(DataException.class, () -> Checkpoint.fromBytes(same, new Sgd(same, 0.5, 5e-4, true), bytes));
                assertTrue(e.getMessage().contains("SGD momentum is '0.9'"), e.getMessage());
                e = assertThrows(DataException.class, () -> Checkpoint.fromBytes(same, null, Arrays.copyOf(bytes, bytes.length / 2)));
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
                Path junk = dir.resolve("junk.bin");
                Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
                e = assertThrows(DataException.class, () -> Checkpoint.load(junk, same, null));
                assertEquals(junk + ": not a layerwise ResNet checkpoint (bad magic number)", e.getMessage());
                assertFalse(e.getMessage().contains("\n"));
            }
        }
    }
}
