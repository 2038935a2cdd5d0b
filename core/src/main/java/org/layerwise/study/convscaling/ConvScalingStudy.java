package org.layerwise.study.convscaling;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;
import org.layerwise.model.ConvResNetLayout;
import org.layerwise.study.Headline;
import org.layerwise.study.Presets;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunCost;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.TensorBoardExport;
import org.layerwise.train.NetworkFactory;

/**
 * The CIFAR-10 part of Cohen, Cont, Rossier & Xu (ICML 2021): train the authors' convolutional ResNet
 * (BasicBlocks without BatchNorm, {@link ConvResNetLayout}) at several depths L and measure how the
 * largest singular values of the trained kernels scale with L (max norm, root SSQ, increments; the
 * paper's "neither" regime: β ≈ 0 for conv1, α ≈ 0.1 for conv2, flat root SSQ and increments).
 * One run per (depth, seed) in {@code depths/L008-s0/}; training is libtorch's, found when a run trains,
 * so the analysis and the report redraw without it.
 */
public final class ConvScalingStudy implements Study {
    public static final String NAME = "scaling-conv";

    private static final Set<String> EXECUTION = Set.of("threads", "checkpoint-every", "bootstrap", "regime-tolerance", "device");
    private static final Set<String> GRID = Set.of("depths", "seeds");

    private static final StudyFiles FILES = StudyFiles.standard(
            ConvScalingReport.RUNS, "one row per run: depth, seed, stop, loss, accuracy, largest σ_max of conv1 and conv2",
            ConvScalingReport.BLOCKS, "every block's σ_max of conv1, conv2, the shortcut and the increments");

    private final Presets presets = Presets.load(NAME);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "depth scaling of convolutional ResNets on CIFAR-10 (Cohen, Cont, Rossier & Xu, ICML 2021)";
    }

    @Override
    public String commandSummary() {
        return "depth scaling of conv ResNets, the paper's CIFAR-10 part (Cohen, Cont, Rossier & Xu, ICML 2021)";
    }

    @Override
    public RunCost cost() {
        return ConvCost.INSTANCE;
    }

    /** A sweep shows each entry's coverage, whether it is reduced, the regimes and the two exponents, and plots beta_A (conv1). */
    @Override
    public Headline headline(Map<String, Object> summary) {
        return new Headline(List.of("coverage", "reduced", "regime_A.label", "regime_Delta.label", "beta_A.value", "beta_A.lower", "beta_A.upper",
                "alpha_Delta.value", "alpha_Delta.lower", "alpha_Delta.upper"), "beta_A", "beta_A", null);
    }

    @Override
    public ConfigSpec spec() {
        return ConvScalingConfig.SPEC;
    }

    @Override
    public Presets presets() {
        return presets;
    }

    @Override
    public Set<String> executionKeys() {
        return EXECUTION;
    }

    @Override
    public Set<String> gridKeys() {
        return GRID;
    }

    @Override
    public StudyConfig config(Map<String, Object> values) {
        ConvScalingConfig c = new ConvScalingConfig(values);
        c.validate();
        return c;
    }

    @Override
    public int requestedRunThreads(StudyConfig config) {
        return ((ConvScalingConfig) config).threads(); // libtorch's thread count is process-wide: runs train one after the other
    }

    /** Run folder name of a (depth, seed index). */
    static String runId(int depth, int seedIndex) {
        return String.format("L%03d-s%d", depth, seedIndex);
    }

    @Override
    public List<RunSpec> plan(StudyConfig config) {
        ConvScalingConfig c = (ConvScalingConfig) config;
        Map<String, Object> shared = c.without(EXECUTION);
        GRID.forEach(shared::remove);
        List<RunSpec> runs = new ArrayList<>();
        for (int depth : c.depths()) {
            for (int s = 0; s < c.seeds(); s++) {
                Map<String, Object> settings = new LinkedHashMap<>(shared);
                settings.put("depth", depth);
                settings.put("seed-index", s);
                runs.add(new RunSpec(runId(depth, s), "depths/" + runId(depth, s), settings, ConvCost.flops(c, depth)));
            }
        }
        return runs;
    }

    @Override
    public Session open(StudyConfig config, PrintStream log) {
        ConvScalingConfig c = (ConvScalingConfig) config;
        NetworkFactory engine = NetworkFactory.find(); // a one-line error where libtorch is not on the class path
        ConvData data = ConvData.load(c); // a missing or bad file fails here, before anything is written
        for (int d : c.depths()) {
            engine.check(ConvRun.network(c, d, c.seed(), data.train.numClasses(), c.threads()));
        }
        return new Session() {
            @Override
            public Footprint footprint(RunSpec run) {
                int depth = ConvRun.Point.of(run).depth();
                long params = ConvResNetLayout.parameterCount(depth, c.width(), data.train.numClasses(), 3);
                return new Footprint(ConvCost.heapBytes(c), ConvCost.diskBytes(c, params), c.maxUpdates(), "");
            }

            @Override
            public Map<String, Object> run(RunSpec run, RunFolder folder, RunContext ctx) {
                return ConvRun.run(c, data, run, folder, ctx);
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("data", data.describe(), "engine", engine.name());
            }
        };
    }

    @Override
    public Map<String, Object> analyse(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, PrintStream log) {
        return ConvScalingAnalysis.analyse(this, (ConvScalingConfig) config, folder, runs, log);
    }

    /** The shared summary, report and plots, and the analysis's two tables beside them. */
    @Override
    public StudyFiles files() {
        return FILES;
    }

    @Override
    public TensorBoardExport tensorBoard() {
        return ConvScalingTensorBoard.INSTANCE;
    }

    @Override
    public List<String> verdictLines(Map<String, Object> summary) {
        return ConvScalingAnalysis.verdictLines(summary);
    }

    @Override
    public String failure(Map<String, Object> summary) {
        return Boolean.TRUE.equals(summary.get("all_diverged")) ? "every run diverged; lower the learning rate" : null;
    }
}
