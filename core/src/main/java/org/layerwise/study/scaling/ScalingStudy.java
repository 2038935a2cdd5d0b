package org.layerwise.study.scaling;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;
import org.layerwise.data.Dataset;
import org.layerwise.engine.FusedKernel;
import org.layerwise.model.ResidualMlp;
import org.layerwise.study.Headline;
import org.layerwise.study.Presets;
import org.layerwise.study.Resources;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunCost;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFiles;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.TensorBoardExport;
import org.layerwise.train.EntryPathProbe;

/**
 * The depth-scaling study of Cohen, Cont, Rossier & Xu (ICML 2021): train the residual MLP at every
 * depth of a geometric grid (and several seeds), then analyse how the trained weights scale with
 * depth. One run per (depth, seed), in {@code depths/L00291-s0/}; the deepest depth also records the
 * paths of a few weight entries through training.
 */
public final class ScalingStudy implements Study {
    public static final String NAME = "scaling";
    /** The instance {@link java.util.ServiceLoader} also creates; stateless. */
    public static final ScalingStudy INSTANCE = new ScalingStudy();

    private static final Set<String> EXECUTION = Set.of("threads", "kernel-threads", "bootstrap", "regime-tolerance", "checkpoint-every");
    private static final Set<String> GRID = Set.of("depth-min", "depth-max", "depth-base", "seeds");
    /** A row of entry paths holds this many entries (5 of A, 5 of b, as the reference). */
    static final int ENTRIES = 10;
    /** The analysis' files beside the shared ones. */
    static final String METRICS = "metrics.csv";
    static final String FITS = "fits.csv";
    static final String TREND_NOISE = "trend_noise.csv";
    static final StudyFiles FILES = StudyFiles.standard(
            METRICS, "the statistics of every run",
            FITS, "every fit across depths",
            TREND_NOISE, "the trend/noise decomposition of one entry of the deepest run");

    private final Presets presets = Presets.load(NAME);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String title() {
        return "depth-scaling study of residual MLPs (Cohen, Cont, Rossier & Xu, ICML 2021)";
    }

    @Override
    public String commandSummary() {
        return "depth-scaling study (Cohen, Cont, Rossier & Xu, ICML 2021)";
    }

    @Override
    public RunCost cost() {
        return ScalingCost.INSTANCE;
    }

    /** A sweep shows each entry's coverage, regime and exponents, and plots beta of its effective weights (A_k, or |delta_k| A_k). */
    @Override
    public Headline headline(Map<String, Object> summary) {
        Object seq = summary.get("effective_sequence");
        return new Headline(List.of("coverage", "regime.label", "exponents.*.value", "exponents.*.lower", "exponents.*.upper"),
                seq == null ? null : "exponents.beta_" + seq, seq == null ? null : "beta_" + seq, "beta of the effective weights");
    }

    @Override
    public StudyFiles files() {
        return FILES;
    }

    /** layerwise 0.1 wrote the scaling settings alone into config.json. */
    @Override
    public boolean ownsUnnamedConfig() {
        return true;
    }

    @Override
    public ConfigSpec spec() {
        return ScalingConfig.SPEC;
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
        ScalingConfig c = new ScalingConfig(values);
        c.validate();
        return c;
    }

    @Override
    public int requestedRunThreads(StudyConfig config) {
        return ((ScalingConfig) config).kernelThreads();
    }

    /** Run folder name of a (depth, seed index). */
    public static String runId(int depth, int seedIndex) {
        return new ScalingRun(depth, seedIndex).id();
    }

    @Override
    public List<RunSpec> plan(StudyConfig config) {
        ScalingConfig c = (ScalingConfig) config;
        Map<String, Object> shared = c.without(EXECUTION);
        GRID.forEach(shared::remove);
        List<RunSpec> runs = new ArrayList<>();
        for (int depth : c.depths()) {
            for (int s = 0; s < c.seeds(); s++) {
                runs.add(new ScalingRun(depth, s).spec(shared, ScalingCost.flops(c, depth)));
            }
        }
        return runs;
    }

    /** Epochs a run can take at most: Tmax updates over N/B batches per epoch. */
    static long maxEpochs(ScalingConfig c) {
        long perEpoch = Math.max(1, c.trainSize() / c.batchSize());
        return (c.maxUpdates() + perEpoch - 1) / perEpoch;
    }

    @Override
    public Session open(StudyConfig config, PrintStream log) {
        ScalingConfig c = (ScalingConfig) config;
        Dataset data = StudyData.load(c); // a missing or bad file fails here, before anything is written
        return new Session() {
            @Override
            public Footprint footprint(RunSpec run) {
                ScalingRun r = ScalingRun.of(run);
                int depth = r.depth();
                ResidualMlp net = new ResidualMlp(depth, c.width(), c.activation(), c.delta());
                long params = net.parameterCount();
                // activations (h and the kept sigma(z) in float32, with padding; h twice over in float64), float32 + float64
                // weights, gradient, optimizer state, checkpoint buffer
                long heap = (c.float64() ? 4 : 3) * FusedKernel.activationBytes(net, c.batchSize()) + 56L * params;
                long epochs = maxEpochs(c);
                long disk = 4L * params + 8L * params * 3 /* checkpoint with optimizer state */ + 40L * epochs + 100L * depth;
                String note = "";
                if (r.recordsEntryPaths(c)) {
                    long full = epochs * EntryPathProbe.bytesPerRow(ENTRIES, depth);
                    int every = EntryPathProbe.thinning(epochs, ENTRIES, depth, c.entryPathsBudgetBytes());
                    long kept = ((epochs + every - 1) / every) * EntryPathProbe.bytesPerRow(ENTRIES, depth);
                    disk += kept;
                    note = String.format("entry paths of %s: up to %,d epochs x %d entries x %,d layers = %s in full; recording %s: at most %s"
                            + " (entry-paths-budget-mib %d)", run.id(), epochs, ENTRIES, depth, Resources.bytes(full),
                            every == 1 ? "every epoch" : "every " + ordinal(every) + " epoch", Resources.bytes(kept), c.entryPathsBudgetBytes() >> 20);
                }
                // the fused kernel uses one thread per chunk of the batch; the float64 kernel one in all
                int maxThreads = c.float64() ? 1 : (c.batchSize() + FusedKernel.CHUNK - 1) / FusedKernel.CHUNK;
                return new Footprint(heap, disk, c.maxUpdates(), note, maxThreads);
            }

            @Override
            public Map<String, Object> run(RunSpec run, RunFolder folder, RunContext ctx) {
                ScalingRun r = ScalingRun.of(run);
                return DepthRun.run(c, data, r.depth(), r.seedIndex(), run.fingerprint(), folder, ctx, r.recordsEntryPaths(c));
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("dataset", Map.of("name", data.name(), "rows", data.size(), "dim", data.dim()));
            }
        };
    }

    static String ordinal(int n) {
        String suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    @Override
    public Map<String, Object> analyse(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, PrintStream log) {
        return new ScalingAnalysis((ScalingConfig) config, folder, runs, log).run();
    }

    @Override
    public TensorBoardExport tensorBoard() {
        return ScalingTensorBoard.INSTANCE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> verdictLines(Map<String, Object> summary) {
        List<String> lines = new ArrayList<>();
        Map<String, Object> ex = (Map<String, Object>) summary.get("exponents");
        if (ex != null) {
            ex.forEach((k, v) -> {
                Map<String, Object> m = (Map<String, Object>) v;
                String kind = "bootstrap".equals(m.get("interval")) ? "95% bootstrap over depths" : "95% t-interval";
                lines.add(String.format("  %-12s = %s  %s [%s, %s]", k, fmt(m.get("value")), kind, fmt(m.get("lower")), fmt(m.get("upper"))));
            });
        }
        Map<String, Object> rg = (Map<String, Object>) summary.get("regime");
        lines.add("  regime: " + (rg == null ? "undetermined" : rg.get("label")) + (rg != null && rg.get("reason") != null ? " (" + rg.get("reason") + ")" : "")
                + (summary.get("provisional") != null ? "; provisional: " + summary.get("provisional") : ""));
        if (summary.get("note") != null) {
            lines.add("  note: " + summary.get("note"));
        }
        return lines;
    }

    @Override
    public String failure(Map<String, Object> summary) {
        return Boolean.TRUE.equals(summary.get("all_diverged")) ? "every run diverged (see metrics.csv); nothing to fit" : null;
    }

    private static String fmt(Object v) {
        return v instanceof Number n ? String.format("%.3f", n.doubleValue()) : "n/a";
    }
}
