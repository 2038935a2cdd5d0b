package org.layerwise.engine.torch.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.layerwise.data.image.BatchLoader;
import org.layerwise.data.image.ImageSet;
import org.layerwise.data.image.ImageSetSource;
import org.layerwise.data.image.Normalization;
import org.layerwise.engine.torch.Natives;
import org.layerwise.engine.torch.train.CustomNetwork;
import org.layerwise.io.Csv;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.ImageTrainer;
import org.layerwise.train.Trainer;
import org.layerwise.train.schedule.LrSchedule;
import org.layerwise.util.Rng;

/**
 * Example: the ELR probe on a network you build yourself with libtorch in Java, not one of the
 * built-in ResNets. A three-layer CNN (conv-BN-ReLU twice, global pooling, a linear classifier),
 * written with libtorch's functional ops, is wrapped as a {@link CustomNetwork}, trained by the
 * core's {@link ImageTrainer} with the ELR warm-up, and observed by the {@link ElrProbe}.
 *
 * <pre>
 *   java ... org.layerwise.engine.torch.examples.CustomCnnElr OUTPUT_FOLDER
 * </pre>
 * writes the probe's files (elr_long.csv, steps.csv, elr.npy ...) to the folder and prints the ELR
 * spread at the first and last step.
 */
public final class CustomCnnElr {
    private CustomCnnElr() {
    }

    public static void main(String[] args) throws Exception {
        Natives.load();
        Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "runs/custom-cnn-elr"));
        torch.manual_seed(1);
        // 1. The network's tensors: leaves that require gradients, and BatchNorm running statistics
        Tensor conv1 = leaf(torch.randn(16, 3, 3, 3).mul(new Scalar(Math.sqrt(2.0 / 27))));
        Tensor conv2 = leaf(torch.randn(32, 16, 3, 3).mul(new Scalar(Math.sqrt(2.0 / 144))));
        Tensor fcWeight = leaf(torch.randn(10, 32).mul(new Scalar(0.1)));
        Tensor fcBias = leaf(torch.zeros(10));
        Tensor mean1 = torch.zeros(16);
        Tensor var1 = torch.ones(16);
        Tensor mean2 = torch.zeros(32);
        Tensor var2 = torch.ones(32);

        // 2. Its forward pass: BatchNorm without affine parameters after each conv makes the convs scale-invariant
        CustomNetwork.Forward forward = (x, training) -> {
            Tensor h = torch.conv2d(x, conv1, new TensorOptional(), new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1);
            h = torch.relu(torch.batch_norm(h, new TensorOptional(), new TensorOptional(), new TensorOptional(mean1),
                    new TensorOptional(var1), training, 0.1, 1e-5, true));
            h = torch.conv2d(h, conv2, new TensorOptional(), new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, 1);
            h = torch.relu(torch.batch_norm(h, new TensorOptional(), new TensorOptional(), new TensorOptional(mean2),
                    new TensorOptional(var2), training, 0.1, 1e-5, true));
            h = torch.adaptive_avg_pool2d(h, 1, 1).flatten(1, -1);
            return torch.linear(h, fcWeight, new TensorOptional(fcBias));
        };

        // 3. Wrapped for layerwise: which tensors are normalized (the convs), which are reported apart (the classifier)
        try (CustomNetwork net = CustomNetwork.builder(forward)
                .parameter("conv1.weight", conv1, true)
                .parameter("conv2.weight", conv2, true)
                .parameter("fc.weight", fcWeight, false)
                .parameter("fc.bias", fcBias, false)
                .buffer(mean1).buffer(var1).buffer(mean2).buffer(var2)
                .threads(1)
                .build();
             ElrProbe probe = new ElrProbe(out, 1)) {
            // 4. Trained by the core loop with the ELR warm-up towards lr 1.0, observed by the probe
            new ImageTrainer(new ImageTrainer.Settings(60, 0, 0), List.of(probe), () -> false)
                    .train(net, randomImages(), null, LrSchedule.constant(1.0).withElrWarmup(), Trainer.Checkpoints.none());
        }
        double[] spread = Csv.readColumns(out.resolve(ElrProbe.STEPS)).column("spread");
        System.out.printf("ELR spread: %.3g at the first step, %.3g at the last; the probe's files are in %s%n",
                spread[0], spread[spread.length - 1], out.toAbsolutePath());
    }

    private static Tensor leaf(Tensor t) {
        Tensor d = t.detach();
        d.set_requires_grad(true);
        d.retainReference();
        return d;
    }

    /** 512 random 3x16x16 images whose label brightens one channel: something to learn. */
    private static BatchLoader randomImages() {
        Rng rng = new Rng(3);
        int n = 512;
        int size = 16;
        byte[] px = new byte[n * 3 * size * size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(10);
            for (int p = 0; p < 3 * size * size; p++) {
                boolean signal = p / (size * size) == labels[i] % 3;
                px[i * 3 * size * size + p] = (byte) (rng.nextInt(128) + (signal ? 16 * (labels[i] / 3 + 1) : 0));
            }
        }
        ImageSet set = new ImageSet("random", n, 3, size, size, 10, px, labels);
        return BatchLoader.builder(ImageSetSource.eval(set, Normalization.of(set))).batchSize(32).seed(1).build();
    }
}
