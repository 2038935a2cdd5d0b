package org.layerwise.study.elr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.config.Range;
import org.layerwise.study.StudyConfig;
import org.layerwise.train.NetworkSpec;

/**
 * Settings of the weight-dynamics studies of normalized ResNets (Mehmeti-Göpel & Wand, ICML 2024).
 * Every study shares {@link #base()}; each adds the keys of its grid ({@code lrs}, {@code warmups} ...).
 * Defaults follow the paper's setting [paper]: vanilla SGD, no momentum, no weight decay, BatchNorm
 * without affine parameters, convolutions without bias.
 */
public final class ElrConfig extends StudyConfig {
    public static final String FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    /** The settings every ELR study has. */
    static ConfigSpec base() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new ConfigSpec()
                .choice("dataset", "fashion-mnist", "images: Fashion-MNIST (offline default, padded to 3x32x32), MNIST IDX files, CIFAR-10/100"
                        + " (binary version), ImageNet class folders, or synthetic (random images with a learnable signal, for tests)",
                        "fashion-mnist", "mnist-idx", "cifar10", "cifar100", "imagenet", "synthetic")
                .path("data-path", "", "folder of the data set (default for fashion-mnist: " + FASHION_MNIST + ")")
                .integer("train-size", 0, 0, Integer.MAX_VALUE, "training images to use from the start of the set (0 = all)")
                .integer("test-size", 2000, 0, Integer.MAX_VALUE, "held-out images for the test accuracy (0 = all)")
                .choice("augment", "true", "standard CIFAR augmentation (random crop with 4-pixel padding, horizontal flip); ImageNet uses its own",
                        "true", "false")
                .choice("architecture", "cifar-resnet", "ResNet v1 for 32x32 inputs (depth 6n+2) or for ImageNet (18, 34, 50, 101, 152)",
                        "cifar-resnet", "imagenet-resnet")
                .integer("depth", 20, 1, 10_000, "number of weight layers (6n+2 for cifar-resnet)")
                .choice("residual", "short", "with residual connections (short) or the same network without them (no-short)", "short", "no-short")
                .choice("bn-affine", "false", "BatchNorm with learned scale and shift (the paper disables them)", "false", "true")
                .choice("shortcut-type", "default", "A: parameter-free, B: 1x1 conv + BN; default: A for CIFAR, B for ImageNet", "default", "A", "B")
                .integer("batch-size", 128, 1, 1 << 20, "images per step")
                .longInt("steps", 400, 1, "SGD updates per run")
                .number("lr", 0.1, Range.greaterThan(0), "learning rate (the target rate when warming up)")
                .number("momentum", 0, Range.closedOpen(0, 1), "SGD momentum (the paper uses none; the model then is an approximation)")
                .number("weight-decay", 0, Range.atLeast(0), "L2 added to the gradient, as torch.optim.SGD (the paper uses none)")
                .choice("nesterov", "false", "Nesterov momentum", "false", "true")
                .choice("schedule", "constant", "learning-rate schedule after warm-up: constant, step (x gamma at each milestone), cosine (to 0)",
                        "constant", "step", "cosine")
                .text("milestones", "0.5,0.75", "step schedule: milestones as fractions of the steps")
                .number("gamma", 0.1, Range.open(0, 1), "step schedule: factor at each milestone")
                .choice("warmup", "none", "none, linear (over warmup-steps), or elr: min(target, critical LR measured each step) [derived]",
                        "none", "linear", "elr")
                .longInt("warmup-steps", 100, 1, "linear warm-up length")
                .number("warmup-start", 0.0, Range.closedOpen(0, 1), "linear warm-up: starting fraction of the rate")
                .number("constrained-elr", 0, Range.atLeast(0), "if > 0, every normalized layer takes this ELR: lr_l = e sigma_l / ||g_l|| (beyond the paper)")
                .integer("probe-every", 1, 1, 1_000_000, "record the per-layer quantities every k steps")
                .longInt("eval-every", 0, 0, "evaluate on the held-out set every k steps (0 = at the end only)")
                .longInt("seed", 0, 0, "base seed (initialisation, shuffles, augmentation)")
                .integer("seeds", 1, 1, 1000, "runs per setting, with seeds seed, seed+1, ...")
                .integer("threads", cpus, 1, 4096, "threads for libtorch's operators (runs train one at a time)")
                .choice("device", "cpu", "cpu, or cuda (needs the GPU build: mvn -Pcuda)", "cpu", "cuda")
                .longInt("checkpoint-every", 100, 0, "updates between checkpoints (0 = only on Ctrl-C)")
                .integer("report-every-seconds", 60, 0, 86_400, "rewrite report.html while training, so a run can be watched (0 = off)");
    }

    ElrConfig(String study, Map<String, Object> values) {
        super(study, values);
    }

    /** Checks what involves several keys or items of a list; ConfigException naming the key. */
    void validate(ConfigSpec spec) {
        for (int d : depths()) {
            String p = NetworkSpec.depthProblem(architecture(), d);
            if (p != null) {
                throw new ConfigException((spec.keys().stream().anyMatch(k -> k.name().equals("depths")) ? "depths" : "depth") + ": " + p);
            }
        }
        for (double m : numbers("milestones", Range.open(0, 1), "fractions of the steps in (0, 1)")) {
            if (!(m > 0 && m < 1)) {
                throw new ConfigException("milestones: " + m + " is not a fraction in (0, 1)");
            }
        }
    }

    // ---- typed access --------------------------------------------------------------------------------

    public String dataset() { return s("dataset"); }

    public String dataPath() { return s("data-path"); }

    public int trainSize() { return i("train-size"); }

    public int testSize() { return i("test-size"); }

    public boolean augment() { return b("augment"); }

    public String architecture() { return s("architecture"); }

    public int depth() { return i("depth"); }

    public boolean residual() { return s("residual").equals("short"); }

    public boolean bnAffine() { return b("bn-affine"); }

    public String shortcutType() { return s("shortcut-type"); }

    public int batchSize() { return i("batch-size"); }

    public long steps() { return l("steps"); }

    public double lr() { return d("lr"); }

    public double momentum() { return d("momentum"); }

    public double weightDecay() { return d("weight-decay"); }

    public boolean nesterov() { return b("nesterov"); }

    public String schedule() { return s("schedule"); }

    public double gamma() { return d("gamma"); }

    public String warmup() { return s("warmup"); }

    public long warmupSteps() { return l("warmup-steps"); }

    public double warmupStart() { return d("warmup-start"); }

    public double constrainedElr() { return d("constrained-elr"); }

    public int probeEvery() { return i("probe-every"); }

    public long evalEvery() { return l("eval-every"); }

    public long seed() { return l("seed"); }

    public int seeds() { return i("seeds"); }

    public int threads() { return i("threads"); }

    public String device() { return s("device"); }

    public long checkpointEvery() { return l("checkpoint-every"); }

    public int reportEverySeconds() { return i("report-every-seconds"); }

    /** The value of a setting this study may or may not have. */
    Object raw(String key) {
        return asMap().get(key);
    }

    boolean has(String key) {
        return asMap().containsKey(key);
    }

    /** The depths of the grid: the "depths" list where the study has one, else "depth". */
    public List<Integer> depths() {
        if (!has("depths")) {
            return List.of(depth());
        }
        List<Integer> out = new ArrayList<>();
        for (String t : items("depths")) {
            try {
                out.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new ConfigException("depths: '" + t + "' is not a whole number; allowed: comma-separated depths, e.g. 20,56,110");
            }
        }
        return out;
    }

    /** Items of a comma-separated list setting, trimmed; at least one; no duplicates. */
    List<String> items(String key) {
        String v = String.valueOf(raw(key));
        List<String> out = Arrays.stream(v.split(",")).map(String::trim).toList();
        if (out.isEmpty() || out.stream().anyMatch(String::isEmpty)) {
            throw new ConfigException(key + ": '" + v + "' has an empty item; allowed: comma-separated values, e.g. " + example(key));
        }
        if (out.stream().distinct().count() != out.size()) {
            throw new ConfigException(key + ": '" + v + "' names a value twice");
        }
        return out;
    }

    /** A list of choices: every item must be one of {@code allowed}. */
    List<String> choices(String key, List<String> allowed) {
        List<String> out = items(key);
        for (String t : out) {
            if (!allowed.contains(t)) {
                throw new ConfigException(key + ": unknown value '" + t + "'; allowed: comma-separated items of " + String.join(", ", allowed));
            }
        }
        return out;
    }

    /** A list of plain decimal numbers inside {@code range}. */
    List<Double> numbers(String key, Range range, String what) {
        List<Double> out = new ArrayList<>();
        for (String t : items(key)) {
            double v;
            if (!t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
                throw new ConfigException(key + ": '" + t + "' is not a number; allowed: comma-separated " + what);
            }
            v = Double.parseDouble(t);
            if (!range.contains(v)) {
                throw new ConfigException(key + ": " + t + " is out of range; allowed: comma-separated " + what);
            }
            out.add(v);
        }
        return out;
    }

    private static String example(String key) {
        return switch (key) {
            case "lrs" -> "0.01,0.1,1";
            case "depths" -> "20,56,110";
            case "warmups" -> "none,linear,elr";
            case "residuals" -> "short,no-short";
            default -> "a,b";
        };
    }
}
