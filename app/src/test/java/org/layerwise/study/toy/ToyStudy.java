package org.layerwise.study.toy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigSpec;
import org.layerwise.io.Json;
import org.layerwise.report.HtmlReport;
import org.layerwise.study.Headline;
import org.layerwise.study.Presets;
import org.layerwise.study.RunContext;
import org.layerwise.study.RunCost;
import org.layerwise.study.RunFolder;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyFolder;

/**
 * A study the command line, the sweeps and the runner have never heard of, as a new study arrives: it
 * implements {@link Study}, is listed in META-INF/services, and nothing else changes. Run i of N
 * "measures" i squared in a millisecond; the summary's figure "total" is their sum with an interval.
 */
public final class ToyStudy implements Study {
    static final ConfigSpec SPEC = new ConfigSpec()
            .integer("n", 3, 1, 10, "how many runs")
            .integer("threads", 1, 1, 64, "thread budget");

    private final Presets presets = Presets.load("toy-count");

    @Override
    public String name() {
        return "toy-count";
    }

    @Override
    public String title() {
        return "a toy study that counts squares";
    }

    @Override
    public List<String> command() {
        return List.of("toy", "count");
    }

    @Override
    public String commandSummary() {
        return "toy studies of the contract test";
    }

    @Override
    public String groupHelp() {
        return "Toy studies: they train nothing.\n";
    }

    @Override
    public RunCost cost() {
        return new RunCost() {
            @Override
            public String unit() {
                return "toy steps (one per unit of i)";
            }

            @Override
            public Rate measure(StudyConfig costliest) {
                return new Rate(500, "toy rate, " + ((ToyConfig) costliest).runs() + " runs");
            }
        };
    }

    @Override
    public Headline headline(Map<String, Object> summary) {
        return new Headline(List.of("coverage", "total.*"), "total", "toy total", null);
    }

    @Override
    public ConfigSpec spec() {
        return SPEC;
    }

    @Override
    public Presets presets() {
        return presets;
    }

    @Override
    public Set<String> executionKeys() {
        return Set.of("threads");
    }

    @Override
    public Set<String> gridKeys() {
        return Set.of("n");
    }

    @Override
    public StudyConfig config(Map<String, Object> values) {
        return new ToyConfig(values);
    }

    @Override
    public List<RunSpec> plan(StudyConfig config) {
        List<RunSpec> runs = new ArrayList<>();
        for (int i = 0; i < ((ToyConfig) config).runs(); i++) {
            runs.add(new RunSpec("r" + i, "runs/r" + i, Map.of("index", i), 1000.0 * (i + 1)));
        }
        return runs;
    }

    @Override
    public Session open(StudyConfig config, PrintStream log) {
        return new Session() {
            @Override
            public Footprint footprint(RunSpec run) {
                return new Footprint(1 << 20, 1 << 10, 1, "");
            }

            @Override
            public Map<String, Object> run(RunSpec run, RunFolder folder, RunContext ctx) {
                int i = (Integer) run.settings().get("index");
                return Map.of("square", i * i, "threads", ctx.threads());
            }
        };
    }

    @Override
    public Map<String, Object> analyse(StudyConfig config, StudyFolder folder, StudyFolder.Scan runs, PrintStream log) {
        double total = 0;
        for (RunSpec r : runs.complete()) {
            total += folder.run(r).result().path("square").asDouble();
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("study", name());
        summary.put("coverage", runs.coverage());
        Map<String, Object> figure = new LinkedHashMap<>();
        figure.put("value", total);
        figure.put("lower", total - 1);
        figure.put("upper", total + 1);
        summary.put("total", figure);
        Json.write(files().summary(folder.dir()), summary);
        new HtmlReport("toy").paragraph("total " + total).write(files().report(folder.dir()));
        return summary;
    }

    @Override
    public List<String> verdictLines(Map<String, Object> summary) {
        return List.of("  toy total = " + ((Map<?, ?>) summary.get("total")).get("value"));
    }

    /** The toy's settings. */
    static final class ToyConfig extends StudyConfig {
        ToyConfig(Map<String, Object> values) {
            super("toy-count", values);
        }

        int runs() {
            return i("n");
        }
    }
}
