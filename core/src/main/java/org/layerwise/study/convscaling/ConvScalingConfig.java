package org.layerwise.study.convscaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.config.Range;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.StudyConfig;

/**
 * Settings of the conv-ResNet depth-scaling study (Cohen, Cont, Rossier & Xu, ICML 2021, CIFAR-10 part).
 *
 * <p>Defaults are the paper's Appendix A CIFAR row [paper, seeds/003]: B = 128, constant η = 0.01, SGD
 * with momentum 0.9 and weight decay 1e-4, stop when the training loss falls below ε = 1e-3 or after
 * Tmax = 100,000 updates, the 16 depths L = 8 … 121 of the reference code, width 64. The reference code
 * itself runs η = 0.1 with a cosine schedule over 200 epochs and weight decay 5e-4 [REPO cifar_run.py]:
 * {@code --schedule cosine --lr 0.1 --weight-decay 5e-4} gives that. The loss is cross-entropy [REPO].
 */
public final class ConvScalingConfig extends StudyConfig {
    public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    static final ConfigSpec SPEC = new ConfigSpec()
            .choice("dataset", "fashion-mnist", "images: CIFAR-10 (binary version, --data-path; the paper's), Fashion-MNIST (offline, padded to"
                    + " 3x32x32; a stand-in, labelled so), or synthetic (random images with a learnable signal, for tests)",
                    "cifar10", "fashion-mnist", "synthetic")
            .path("data-path", "", "folder of the data set (default for fashion-mnist: " + FASHION_MNIST + ")")
            .integer("train-size", 0, 0, Integer.MAX_VALUE, "training images from the start of the set (0 = all; fewer = a reduced setting)")
            .integer("test-size", 10000, 0, Integer.MAX_VALUE, "held-out images for the test accuracy (0 = all)")
            .choice("augment", "true", "random crop with 4-pixel padding and horizontal flip [REPO cifar_utils.py]", "true", "false")
            .text("depths", "8,11,12,14,16,18,20,24,28,33,42,50,65,80,100,121", "residual blocks L, each one of the reference's 16 layouts "
                    + ConvResNetLayout.PAPER_DEPTHS)
            .integer("width", ConvResNetLayout.PAPER_WIDTH, 1, 1024, "channels of the first stage (64 in the paper; smaller = reduced network)")
            .integer("batch-size", 128, 1, 1 << 20, "images per step")
            .number("lr", 0.01, Range.greaterThan(0), "learning rate (the paper: constant 0.01)")
            .choice("schedule", "constant", "constant (the paper's Appendix A), or cosine to 0 over max-updates (the reference code's"
                    + " CosineAnnealingLR, stepped per update here)", "constant", "cosine")
            .number("momentum", 0.9, Range.closedOpen(0, 1), "SGD momentum")
            .number("weight-decay", 1e-4, Range.atLeast(0), "L2 added to the gradient, as torch.optim.SGD (paper 1e-4; reference code 5e-4)")
            .number("epsilon", 1e-3, Range.atLeast(0), "stop when an epoch's mean training loss falls below this (0 = never)")
            .longInt("max-updates", 100_000, 1, "Tmax: SGD updates at most")
            .longInt("seed", 0, 0, "base seed (initialisation, shuffles, augmentation)")
            .integer("seeds", 1, 1, 1000, "networks per depth, with seeds seed, seed+1, ...")
            .integer("threads", Runtime.getRuntime().availableProcessors(), 1, 4096, "threads for libtorch's operators (runs train one at a time)")
            .choice("device", "cpu", "cpu, or cuda (needs the GPU build: mvn -Pcuda)", "cpu", "cuda")
            .choice("save-kernels", "true", "write every block's trained kernels as .npy (width 64, L = 121: about 500 MB per network)",
                    "true", "false")
            .longInt("checkpoint-every", 500, 0, "updates between checkpoints (0 = only on Ctrl-C)")
            .integer("bootstrap", 2000, 0, 1_000_000, "bootstrap resamples for the exponents' intervals (0 = OLS intervals only)")
            .number("regime-tolerance", 0.1, Range.greaterThan(0), "how close a slope must be to 0 or 1/2 to count as such [layerwise]");

    ConvScalingConfig(Map<String, Object> values) {
        super(ConvScalingStudy.NAME, values);
    }

    /** Checks what involves several keys or list items; a ConfigException naming the key. */
    void validate() {
        depths(); // a missing data path is found when the data are opened, before anything is written (ConvData)
    }

    /** The depths, ascending and distinct; ConfigException naming {@code depths} on a bad item. */
    public List<Integer> depths() {
        List<Integer> out = new ArrayList<>();
        for (String p : s("depths").split(",")) {
            int d;
            try {
                d = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("depths: '" + p.trim() + "' is not an integer; allowed: a comma-separated list of " + ConvResNetLayout.PAPER_DEPTHS);
            }
            String problem = ConvResNetLayout.depthProblem(d);
            if (problem != null) {
                throw new ConfigException("depths: " + problem);
            }
            if (!out.isEmpty() && d <= out.get(out.size() - 1)) {
                throw new ConfigException("depths: list them ascending without repeats ('" + s("depths") + "')");
            }
            out.add(d);
        }
        return out;
    }

    /** Whether anything differs from the paper's setting (width, data, budget): such results are labelled reduced everywhere. */
    public String reducedBecause() {
        List<String> why = new ArrayList<>();
        if (width() != ConvResNetLayout.PAPER_WIDTH) {
            why.add("width " + width() + " instead of 64");
        }
        if (!dataset().equals("cifar10")) {
            why.add(dataset() + " instead of CIFAR-10");
        } else if (trainSize() > 0 && trainSize() < 50_000) {
            why.add(trainSize() + " of the 50,000 CIFAR-10 training images");
        }
        if (maxUpdates() < 100_000) {
            why.add("at most " + maxUpdates() + " updates instead of 100,000");
        }
        if (depths().size() < ConvResNetLayout.PAPER_DEPTHS.size()) {
            why.add(depths().size() + " of the 16 depths");
        }
        return why.isEmpty() ? null : String.join(", ", why);
    }

    public String dataset() { return s("dataset"); }

    public String dataPath() { return s("data-path"); }

    public int trainSize() { return i("train-size"); }

    public int testSize() { return i("test-size"); }

    public boolean augment() { return b("augment"); }

    public int width() { return i("width"); }

    public int batchSize() { return i("batch-size"); }

    public double lr() { return d("lr"); }

    public String schedule() { return s("schedule"); }

    public double momentum() { return d("momentum"); }

    public double weightDecay() { return d("weight-decay"); }

    public double epsilon() { return d("epsilon"); }

    public long maxUpdates() { return l("max-updates"); }

    public long seed() { return l("seed"); }

    public int seeds() { return i("seeds"); }

    public int threads() { return i("threads"); }

    public String device() { return s("device"); }

    public long checkpointEvery() { return l("checkpoint-every"); }

    public boolean saveKernels() { return b("save-kernels"); }

    public int bootstrap() { return i("bootstrap"); }

    public double regimeTolerance() { return d("regime-tolerance"); }
}
