package org.layerwise.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.data.DataException;
import org.layerwise.study.ScalingAnalysis;
import org.layerwise.study.ScalingConfig;
import org.layerwise.study.ScalingStudy;

/** The layerwise command line: {@code layerwise <command> [--key value ...]}. */
public final class Main {
    private static final String USAGE = """
            layerwise: layer-by-layer weight dynamics and depth scaling of deep residual networks

            usage: layerwise <command> [options]

            commands:
              demo                      run the quick preset of every study and print where the report is
              scaling                   depth-scaling study (Cohen, Cont, Rossier & Xu, ICML 2021)
              report <run-folder>       redo the analysis, plots and report.html of a finished study folder
              bench scaling-kernel      fused kernel vs libtorch eager: ms per training step, memory
              test                      run the test suite (the launcher runs Maven)

            'layerwise <command> --help' describes each command's options.
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String cmd = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (cmd) {
                case "scaling" -> scaling(rest, out, err, null);
                case "demo" -> demo(rest, out, err);
                case "report" -> report(rest, out);
                case "bench" -> bench(rest, out);
                default -> {
                    err.println("layerwise: unknown command '" + cmd + "'; commands: demo, scaling, report, bench, test");
                    yield 2;
                }
            };
        } catch (ConfigException | DataException e) {
            err.println("layerwise " + cmd + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("layerwise " + cmd + ": " + e.getMessage());
            return 2;
        }
    }

    /** Parses --key value / --key=value pairs; flags named in {@code own} are returned apart. */
    static Map<String, String> flags(List<String> args, Map<String, String> own, List<String> positional) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (key.equals("help")) {
                value = "true";
            } else {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(key + ": missing value after --" + key);
                }
                value = args.get(++i);
            }
            if (own.containsKey(key)) {
                own.put(key, value);
            } else {
                m.put(key, value);
            }
        }
        return m;
    }

    private static String optionHelp(ConfigSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (ConfigSpec.Key k : spec.keys()) {
            sb.append(String.format("  --%-18s %s%n  %-20s %s; default %s%n", k.name(), k.help(), "", k.allowed(),
                    k.defaultValue() == null || k.defaultValue().toString().isEmpty() ? "(none)" : k.defaultValue()));
        }
        return sb.toString();
    }

    static int scaling(List<String> args, PrintStream out, PrintStream err, String forcedPreset) {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("preset", forcedPreset);
        own.put("config", null);
        own.put("out", null);
        own.put("help", null);
        List<String> positional = new ArrayList<>();
        Map<String, String> f = flags(args, own, positional);
        if (own.get("help") != null) {
            out.println("""
                    layerwise scaling [--preset NAME] [--config FILE.json] [--out FOLDER] [--KEY VALUE ...]

                    Trains the residual MLP h_{k+1} = h_k + delta_k sigma(A_k h_k + b_k) at every depth of a geometric
                    grid, then fits how the trained weights scale with depth and labels the regime. Settings are
                    applied in order: defaults, --preset, --config, then --KEY VALUE flags. Running the same command
                    again resumes: finished depths are skipped, interrupted ones continue from their checkpoint.

                    presets:\s""" + String.join(", ", ScalingConfig.PRESETS.keySet()) + """

                      quick            synthetic data, depths 3..400 (base 1.5), 2 seeds, 3000 updates, xavier-depth init: ~30 s on 2 cores
                      paper-synthetic  Appendix A, synthetic: N 10000, d 10, B 500, lr 0.05, eps 1e-4, Tmax 1e5, L 3..10000
                      paper-mnist      Appendix A, MNIST embedding: N 60000, d 25, B 500, lr 0.1, eps 1e-4, Tmax 2e5
                    --out defaults to runs/scaling-<preset or 'custom'>.

                    settings:
                    """ + optionHelp(ScalingConfig.SPEC));
            return 0;
        }
        if (!positional.isEmpty()) {
            throw new ConfigException("unexpected argument '" + positional.get(0) + "'; settings are given as --key value");
        }
        String preset = own.get("preset");
        ScalingConfig cfg = ScalingConfig.resolve(preset, own.get("config") == null ? null : Path.of(own.get("config")), f);
        Path outDir = Path.of(own.get("out") != null ? own.get("out") : "runs/scaling-" + (preset == null ? "custom" : preset));
        List<String> cl = new ArrayList<>(List.of("layerwise", "scaling"));
        cl.addAll(args);
        Map<String, Object> summary = new ScalingStudy(cfg, outDir, out).run(cl);
        printVerdict(summary, out);
        out.println("report: " + outDir.resolve("report.html").toAbsolutePath());
        return 0;
    }

    @SuppressWarnings("unchecked")
    static void printVerdict(Map<String, Object> summary, PrintStream out) {
        Map<String, Object> ex = (Map<String, Object>) summary.get("exponents");
        ex.forEach((k, v) -> {
            Map<String, Object> m = (Map<String, Object>) v;
            out.printf("  %-12s = %.3f  95%% interval [%.3f, %.3f]%n", k, (Double) m.get("value"), (Double) m.get("lower"), (Double) m.get("upper"));
        });
        Map<String, Object> rg = (Map<String, Object>) summary.get("regime");
        if (rg != null) {
            out.println("  regime: " + rg.get("label"));
        } else {
            out.println("  regime: undetermined (no depth with usable statistics; see stop reasons in metrics.csv)");
        }
    }

    static int demo(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            out.println("layerwise demo [--out FOLDER]\n\nRuns the quick preset of every study the toolkit has (today: the depth-scaling study)"
                    + "\non built-in synthetic data and prints where each report is. Default folder: runs/demo.");
            return 0;
        }
        Map<String, String> own = new LinkedHashMap<>();
        own.put("out", "runs/demo");
        Map<String, String> f = flags(args, own, new ArrayList<>());
        if (!f.isEmpty()) {
            throw new ConfigException("demo takes only --out; unknown option --" + f.keySet().iterator().next());
        }
        Path base = Path.of(own.get("out"));
        List<String> a = List.of("--out", base.resolve("scaling-quick").toString());
        int rc = scaling(a, out, err, "quick");
        out.println();
        out.println("demo done. Open the report: " + base.resolve("scaling-quick").resolve("report.html").toAbsolutePath());
        return rc;
    }

    static int report(List<String> args, PrintStream out) {
        if (args.isEmpty() || args.contains("--help")) {
            out.println("layerwise report <run-folder>\n\nRecomputes statistics, fits, plots, summary.json and report.html from a study folder, without training.");
            return args.isEmpty() ? 2 : 0;
        }
        Path dir = Path.of(args.get(0));
        if (!java.nio.file.Files.exists(dir.resolve("config.json"))) {
            throw new ConfigException("report: " + dir + " is not a study folder (no config.json)");
        }
        printVerdict(new ScalingAnalysis(dir, out).run(), out);
        out.println("report: " + dir.resolve("report.html").toAbsolutePath());
        return 0;
    }

    static int bench(List<String> args, PrintStream out) {
        if (args.isEmpty() || args.contains("--help")) {
            out.println("""
                    layerwise bench scaling-kernel [--threads N] [--steps N]

                    ms per training step (forward, backward, SGD update) of the fused Java kernel and of libtorch eager
                    (JavaCPP) on the same residual MLP, same threads, at (d, L, B) = (10, 1000, 500), (10, 10000, 500),
                    (25, 1000, 500); prints their ratio and the fused kernel's memory against the activations' size.""");
            return args.isEmpty() ? 2 : 0;
        }
        if (!args.get(0).equals("scaling-kernel")) {
            throw new ConfigException("bench: unknown benchmark '" + args.get(0) + "'; available: scaling-kernel");
        }
        Map<String, String> own = new LinkedHashMap<>();
        own.put("threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        own.put("steps", "5");
        Map<String, String> f = flags(args.subList(1, args.size()), own, new ArrayList<>());
        if (!f.isEmpty()) {
            throw new ConfigException("bench: unknown option --" + f.keySet().iterator().next() + "; options: --threads, --steps");
        }
        org.layerwise.engine.torch.KernelBenchmark.run(Integer.parseInt(own.get("threads")), Integer.parseInt(own.get("steps")), out);
        return 0;
    }
}
