package org.layerwise.study.elr;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;
import org.layerwise.study.GroupCommand;
import org.layerwise.study.Presets;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFolder;
import org.layerwise.study.TensorBoardExport;
import org.layerwise.train.ElrProbe;
import org.layerwise.train.NetworkFactory;
import org.layerwise.train.NetworkSpec;

/**
 * What the five weight-dynamics studies of normalized ResNets (Mehmeti-Göpel & Wand, ICML 2024)
 * share: the settings, the data, the engine (found at training time, so reports redraw without
 * libtorch), one training run with the ELR probe, a live report while training, and the analysis.
 * Each study says which runs its grid holds ({@link #grid}) and what its report shows.
 */
abstract class ElrStudy implements Study {
    /** The command group of the ELR studies: {@code layerwise elr <study>}; every name is "elr-" and the study's word. */
    static final String GROUP = "elr";
    private static final Set<String> EXECUTION = Set.of("threads", "checkpoint-every", "report-every-seconds");

    private final String name;
    private final String title;
    private final ConfigSpec spec;
    private final Presets presets;

    ElrStudy(String name, String title) {
        if (!name.startsWith(GROUP + "-")) {
            throw new IllegalArgumentException("an ELR study's name starts with " + GROUP + "-: " + name);
        }
        this.name = name;
        this.title = title;
        this.spec = extend(ElrConfig.base());
        this.presets = Presets.load(name);
    }

    /** The study's own keys on top of the shared ones. */
    ConfigSpec extend(ConfigSpec base) {
        return base;
    }

    /** The grid values of each run beside its seed ("residual", "warmup", "lr", "depth"), in a stable order. */
    abstract List<Map<String, Object>> grid(ElrConfig c);

    /** A short id of one grid point ("no-short-elr-d20"). */
    abstract String pointId(Map<String, Object> point);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String title() {
        return title;
    }

    /** {@code layerwise elr train}, {@code layerwise elr critical-lr} ...: the group "elr", then the name without "elr-". */
    @Override
    public final List<String> command() {
        return List.of(GROUP, name.substring(GROUP.length() + 1));
    }

    @Override
    public final String commandSummary() {
        return "weight dynamics of normalized ResNets (Mehmeti-Göpel & Wand, ICML 2024)";
    }

    @Override
    public final String groupHelp() {
        return """
                Per-layer effective learning rates (ELRs) of BatchNorm ResNets with and without residual connections
                (Mehmeti-Göpel & Wand, ICML 2024). Every study has a quick preset (CPU, minutes, Fashion-MNIST offline)
                and a paper preset (GPU scale). 'layerwise elr <study> --help' lists its settings.
                """;
    }

    /** {@code layerwise elr analyze FOLDER}: the analyses of one recorded run folder, also one written outside layerwise. */
    @Override
    public final List<GroupCommand> groupCommands() {
        return List.of(AnalyzeCommand.INSTANCE);
    }

    @Override
    public final ConfigSpec spec() {
        return spec;
    }

    @Override
    public final Presets presets() {
        return presets;
    }

    @Override
    public final Set<String> executionKeys() {
        return EXECUTION;
    }

    @Override
    public Set<String> gridKeys() {
        return Set.of("seeds");
    }

    @Override
    public final StudyConfig config(Map<String, Object> values) {
        ElrConfig c = new ElrConfig(name, values);
        c.validate(spec);
        grid(c); // lists are checked item by item here, before anything is written
        return c;
    }

    @Override
    public final int requestedRunThreads(StudyConfig config) {
        return ((ElrConfig) config).threads(); // libtorch's thread count is process-wide: runs train one after the other
    }

    @Override
    public final List<RunSpec> plan(StudyConfig config) {
        ElrConfig c = (ElrConfig) config;
        Map<String, Object> shared = c.without(EXECUTION);
        gridKeys().forEach(shared::remove);
        List<RunSpec> runs = new ArrayList<>();
        for (Map<String, Object> point : grid(c)) {
            for (int s = 0; s < c.seeds(); s++) {
                Map<String, Object> settings = new LinkedHashMap<>(shared);
                settings.putAll(point);
                settings.put("seed", c.seed() + s);
                String id = pointId(point) + "-s" + s;
                int depth = ((Number) point.getOrDefault("depth", c.depth())).intValue();
                runs.add(new RunSpec(id, "runs/" + id, settings, (double) depth * c.steps() * c.batchSize()));
            }
        }
        return runs;
    }

    @Override
    public final Session open(StudyConfig config, PrintStream log) {
        ElrConfig c = (ElrConfig) config;
        NetworkFactory engine = NetworkFactory.find(); // a one-line error where libtorch is not on the class path
        ElrData data = ElrData.load(c);
        for (int d : c.depths()) {
            engine.check(ElrRun.network(c, new ElrRun.Settings(true, "none", c.lr(), d, 0), data.train.numClasses(), c.threads()));
        }
        return new Session() {
            @Override
            public Footprint footprint(RunSpec run) {
                ElrRun.Settings s = ElrRun.Settings.of(c, run.settings());
                NetworkSpec n = ElrRun.network(c, s, data.train.numClasses(), c.threads());
                long params = engine.parameterCount(n);
                int layers = 6 * ((s.depth() - 2) / 6) + 3; // an upper bound on normalized tensors (convs and projections)
                long rows = (c.steps() + c.probeEvery() - 1) / c.probeEvery();
                long disk = rows * layers * (ElrProbe.QUANTITIES.size() * 4L + 180) + 8L * params * 3;
                long heap = (long) c.batchSize() * 3 * 32 * 32 * 4 * 4 + (64L << 20);
                return new Footprint(heap, disk, c.steps(), "");
            }

            @Override
            public Map<String, Object> run(RunSpec run, RunFolder folder, RunContext ctx) {
                return runOne(c, data, run, folder, ctx);
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("data", data.describe(), "engine", engine.name());
            }
        };
    }

    /** Trains one run; the critical-LR study overrides it with its grid experiment. */
    Map<String, Object> runOne(ElrConfig c, ElrData data, RunSpec run, RunFolder folder, RunContext ctx) {
        return ElrRun.run(c, data, run, folder, ctx, c.reportEverySeconds() > 0 ? () -> liveReport(c, folder) : null);
    }

    /** Rewrites the study's report from what the runs have flushed so far (called while training). */
    void liveReport(ElrConfig c, RunFolder training) {
        StudyFolder study = new StudyFolder(training.dir().getParent().getParent());
        try {
            ElrAnalysis.analyse(this, c, study, study.scan(plan(c)), training, new PrintStream(java.io.OutputStream.nullOutputStream()));
        } catch (RuntimeException e) {
            // a live report is a convenience: a run never fails because its preview could not be drawn
        }
    }

    @Override
    public final Map<String, Object> analyse(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, PrintStream log) {
        return ElrAnalysis.analyse(this, (ElrConfig) config, folder, runs, null, log);
    }

    @Override
    public final TensorBoardExport tensorBoard() {
        return ElrTensorBoard.INSTANCE;
    }

    @Override
    public List<String> verdictLines(Map<String, Object> summary) {
        return ElrAnalysis.verdictLines(summary);
    }

    @Override
    public String failure(Map<String, Object> summary) {
        return Boolean.TRUE.equals(summary.get("all_diverged")) ? "every run diverged; lower the learning rate or use a warm-up" : null;
    }
}
