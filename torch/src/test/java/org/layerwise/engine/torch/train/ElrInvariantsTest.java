package org.layerwise.engine.torch.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.ImageSetSource;
import org.layerwise.data.image.Normalization;
import org.layerwise.engine.torch.Natives;
import org.layerwise.io.Csv;
import org.layerwise.io.Npy;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.NetworkFactory;
import org.layerwise.train.NetworkSpec;
import org.layerwise.train.TrainableNetwork;
import org.layerwise.train.Trainer;
import org.layerwise.train.schedule.LrSchedule;
import org.layerwise.util.Rng;

/**
 * What scale invariance makes exact for plain SGD, on a real libtorch ResNet (no-short, BN without
 * affine parameters) trained through the core's loop and measured by the ELR probe: for every
 * normalized tensor and step, sigma'^2 = sigma^2 (1 + e^2) and &lt;w, g&gt; = 0; and under a
 * constant learning rate the ELR spread falls.
 */
class ElrInvariantsTest {
    @BeforeAll
    static void natives() {
        Natives.load();
    }

    static BatchLoader loader(int n, int size, long seed) {
        Rng rng = new Rng(seed);
        byte[] px = new byte[n * 3 * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) rng.nextInt(256);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
            // a learnable signal: the label brightens one channel
            for (int p = 0; p < size * size; p++) {
                int idx = (i * 3 + labels[i] % 3) * size * size + p;
                px[idx] = (byte) Math.min(255, (px[idx] & 0xff) / 2 + 128);
            }
        }
        ImageSet set = new ImageSet("random", n, 3, size, size, 10, px, labels);
        return BatchLoader.builder(ImageSetSource.eval(set, Normalization.of(set))).batchSize(16).seed(seed).build();
    }

    @Test
    void scaleInvarianceHoldsStepByStepAndTheSpreadFalls(@TempDir Path tmp) {
        NetworkSpec spec = new NetworkSpec("cifar-resnet", 8, 10, 3, false, false, "A", "cpu", 1, 0, 0, false, 11);
        int steps = 60;
        try (TrainableNetwork net = NetworkFactory.find().create(spec); ElrProbe probe = new ElrProbe(tmp, 1)) {
            new ImageTrainer(new ImageTrainer.Settings(steps, 0, 0), List.of(probe), () -> false)
                    .train(net, loader(128, 8, 3), null, LrSchedule.constant(0.5), Trainer.Checkpoints.none());
        }
        double[][] sigma = rows(Npy.read(tmp.resolve("sigma.npy")));
        double[][] elr = rows(Npy.read(tmp.resolve("elr.npy")));
        double[][] orth = rows(Npy.read(tmp.resolve("orthogonality.npy")));
        assertEquals(steps, sigma.length);
        assertEquals(7, sigma[0].length, "stem + 6 block convs of ResNet-8; the classifier apart");
        double worst = 0;
        for (int t = 0; t + 1 < steps; t++) {
            for (int l = 0; l < sigma[t].length; l++) {
                double predicted = sigma[t][l] * sigma[t][l] * (1 + elr[t][l] * elr[t][l]);
                double measured = sigma[t + 1][l] * sigma[t + 1][l];
                worst = Math.max(worst, Math.abs(measured - predicted) / predicted);
                assertTrue(Math.abs(orth[t][l]) <= 1e-3, "|cos(w, g)| = " + orth[t][l] + " at step " + t + ", layer " + l);
            }
        }
        assertTrue(worst <= 1e-4, "sigma'^2 = sigma^2 (1 + e^2) holds to " + worst + " relative");
        double[] logSpread = Csv.readColumns(tmp.resolve(ElrProbe.STEPS)).column("log_spread");
        double first = (logSpread[0] + logSpread[1] + logSpread[2]) / 3;
        double last = (logSpread[steps - 1] + logSpread[steps - 2] + logSpread[steps - 3]) / 3;
        assertTrue(last < first, "log spread " + first + " -> " + last + " under a constant LR");
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
}
