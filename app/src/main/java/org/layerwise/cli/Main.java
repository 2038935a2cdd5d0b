package org.layerwise.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.bench.StudyBenchmark;
import org.layerwise.config.ConfigException;
import org.layerwise.data.DataException;
import org.layerwise.io.EnvironmentException;
import org.layerwise.study.Provenance;
import org.layerwise.study.StudyExport;
import org.layerwise.study.StudyRunner;

/**
 * The layerwise command line: {@code layerwise <command> [--key value ...]}. This is the boundary where
 * every failure becomes one line and an exit code: 2 for bad input (settings, data files), 1 for the
 * environment (disk, memory, a folder in use), 130 when the user stopped a study, 70 for a bug (its
 * stack trace goes to a file, never to the terminal).
 */
public final class Main {
    static final int USAGE = 2;
    static final int ENVIRONMENT = 1;
    static final int STOPPED = 130;
    static final int BUG = 70;

    /** The top-level help: the fixed commands, and every registered study's command from the registry. */
    static String help() {
        return """
                layerwise: layer-by-layer weight dynamics and depth scaling of deep residual networks

                usage: layerwise <command> [options]

                commands:
                  demo                      one finding of each paper in minutes (the ELR warm-up, the smooth depth limit)
                  reproduce                 every headline claim of both papers, tested: a verdict per claim (--scale quick|full|paper)
                %s  sweep plan|run|submit ... grids of study runs from one spec, on this machine or a Slurm cluster
                  report <study-folder>     redraw the analysis, plots and report.html of any study folder
                  export tensorboard <dir>  TensorBoard event files of a study folder (scalars, histograms across layers)
                  bench scaling-kernel      fused kernel vs libtorch and Python PyTorch: ms per step, GFLOP/s, %% of peak
                  bench study               a scaling grid end to end beside the same grid in Python PyTorch
                  bench resnet              ResNet-56 step time vs Python PyTorch, ELR probe overhead, peak RSS
                  test                      run the test suite (the launcher runs Maven)

                options everywhere: -h/--help (this or a command's help), -V/--version (version and git commit)

                'layerwise <command> --help' describes each command's options.
                """.formatted(StudyCommand.helpLines());
    }

    /** The commands, for the message on an unknown one. */
    private static String commands() {
        List<String> c = new ArrayList<>(List.of("demo", "reproduce"));
        c.addAll(StudyCommand.byWord().keySet());
        c.addAll(List.of("sweep", "report", "export", "bench", "test"));
        return String.join(", ", c);
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        if (args.length == 0) {
            err.print(help()); // usage because arguments are missing: stderr, exit 2 (asked-for help goes to stdout)
            return USAGE;
        }
        String cmd = args[0];
        if (cmd.equals("--help") || cmd.equals("-h") || cmd.equals("help")) {
            out.print(help());
            return 0;
        }
        // -V/--version anywhere, as -h/--help ("options everywhere"): 'layerwise scaling -V' printed "unexpected argument"
        if (cmd.equals("version") || Arrays.asList(args).contains("--version") || Arrays.asList(args).contains("-V")) {
            out.println("layerwise " + Provenance.versionLine());
            return 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (cmd) {
                case "demo" -> demo(rest, out, terminal);
                case "reproduce" -> ReproduceCommand.run(rest, out, terminal);
                case "report" -> report(rest, out);
                case "export" -> export(rest, out);
                case "bench" -> bench(rest, out);
                case "sweep" -> SweepCommand.run(rest, out, terminal);
                default -> {
                    if (StudyCommand.byWord().containsKey(cmd)) {
                        yield StudyCommand.dispatch(cmd, rest, out, terminal);
                    }
                    err.println("layerwise: unknown command '" + cmd + "'; commands: " + commands() + " (see layerwise --help)");
                    yield USAGE;
                }
            };
        } catch (MissingArguments e) {
            err.print(e.usage().endsWith("\n") ? e.usage() : e.usage() + "\n");
            return USAGE;
        } catch (ConfigException | DataException e) {
            err.println("layerwise " + cmd + ": " + e.getMessage());
            return USAGE;
        } catch (EnvironmentException e) {
            err.println("layerwise " + cmd + ": " + e.getMessage());
            return ENVIRONMENT;
        } catch (StudyRunner.StoppedException e) {
            return STOPPED; // the runner already said what was saved and how to resume
        } catch (UncheckedIOException e) {
            err.println("layerwise " + cmd + ": " + e.getMessage());
            return ENVIRONMENT;
        } catch (OutOfMemoryError e) {
            err.println("layerwise " + cmd + ": out of memory (the Java heap is " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB); lower the depth, width or batch size, or set LAYERWISE_HEAP");
            return ENVIRONMENT;
        } catch (RuntimeException | Error e) {
            err.println("layerwise " + cmd + ": internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); this is a bug, details in " + crashReport(e, args));
            return BUG;
        }
    }

    /** Writes the stack trace of an unexpected failure to a file and returns its path. */
    private static String crashReport(Throwable e, String[] args) {
        StringWriter sw = new StringWriter();
        PrintWriter pw = new PrintWriter(sw);
        pw.println("layerwise " + Provenance.version() + ": " + String.join(" ", args));
        e.printStackTrace(pw);
        pw.flush();
        try {
            Path f = Files.createTempFile("layerwise-crash-", ".txt");
            Files.writeString(f, sw.toString());
            return f.toString();
        } catch (IOException | RuntimeException io) {
            return "(could not write a crash file: " + io.getMessage() + ")";
        }
    }

    /** Parses --key value / --key=value pairs; flags named in {@code own} are returned apart, switches in {@code switches} take no value. */
    static Map<String, String> flags(List<String> args, Map<String, String> own, List<String> switches, List<String> positional) {
        return flags(args, own, switches, positional, key -> false);
    }

    /**
     * As above, for a command that also takes settings ({@code setting} tells which): a flag last on the line
     * without a value is "missing value" where it is an option or a setting, and otherwise is returned
     * with an empty value, so that the caller names it as unknown ('scaling --bogus' said "missing value");
     * so is an unknown flag followed by another flag ('scaling --bogus --lr 0.1' read "--lr" as bogus's value).
     */
    static Map<String, String> flags(List<String> args, Map<String, String> own, List<String> switches, List<String> positional,
            java.util.function.Predicate<String> setting) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-h")) {
                a = "--help";
            }
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
            } else if (key.equals("help") || switches.contains(key)) {
                value = "true";
            } else {
                boolean known = own.containsKey(key) || setting.test(key);
                if (i + 1 < args.size() && !(args.get(i + 1).startsWith("--") && !known)) {
                    value = args.get(++i);
                } else if (known) {
                    throw new ConfigException(key + ": missing value after --" + key);
                } else {
                    value = "";
                }
            }
            if (own.containsKey(key) || switches.contains(key)) {
                own.put(key, value);
            } else if (m.put(key, value) != null) {
                throw new ConfigException(key + ": given twice on the command line");
            }
        }
        return m;
    }

    /** The output folder a user named: never empty, never an existing file. */
    static Path outputFolder(String raw, String fallback) {
        return org.layerwise.config.OutputFolder.check("out", raw == null ? fallback : raw);
    }

    /** The claims the demo tests: one finding of each paper (the ELR warm-up on deep no-short ResNets; the smooth depth limit). */
    static final String DEMO_CLAIMS = "4,6";

    static int demo(List<String> args, PrintStream out, boolean terminal) {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("out", "runs/demo");
        own.put("help", null);
        Map<String, String> f = flags(args, own, List.of(), new ArrayList<>());
        if (own.get("help") != null) {
            out.println("layerwise demo [--out FOLDER]\n\nOne finding of each paper, tested, with no data to download (~9 min on 2 cores):"
                    + "\n  claim 4 (Mehmeti-Göpel & Wand): the ELR warm-up lowers the ELR spread of a no-short ResNet-56 (Fashion-MNIST from"
                    + "\n          Debian's dataset-fashion-mnist, 3 seeds with and 3 without the warm-up, 120 steps each);"
                    + "\n  claim 6 (Cohen et al.): tanh + shared delta residual MLPs approach a smooth limit that is not the neural ODE"
                    + "\n          (built-in synthetic data, depths 3..400)."
                    + "\nIt is 'layerwise reproduce --only " + DEMO_CLAIMS + "'; its page gives each claim's verdict with the figures and links to the"
                    + "\nstudy reports. Default folder: runs/demo. 'layerwise reproduce' tests every claim.");
            return 0;
        }
        if (!f.isEmpty()) {
            throw new ConfigException("demo takes only --out; unknown option --" + f.keySet().iterator().next());
        }
        Path base = outputFolder(own.get("out"), "runs/demo");
        String claims = DEMO_CLAIMS;
        if (!Files.isDirectory(org.layerwise.data.image.IdxImages.FASHION_MNIST_DEBIAN)) {
            out.println("note: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist), so the demo tests only claim 6;"
                    + " the ELR claim needs real images");
            claims = "6";
        }
        return ReproduceCommand.run(List.of("--only", claims, "--out", base.toString()), out, terminal);
    }

    static int report(List<String> args, PrintStream out) {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("help", null);
        List<String> positional = new ArrayList<>();
        Map<String, String> f = flags(args, own, List.of("wait"), positional);
        if (own.get("help") != null || positional.isEmpty()) {
            String usage = "layerwise report <study-folder> [--wait]\n\nRecomputes statistics, fits, plots, summary.json and report.html of any study folder"
                    + " from the folder alone:\nno training, no training data, no libtorch. Runs that are missing or damaged are named and left out.";
            if (own.get("help") == null) {
                throw new MissingArguments(usage);
            }
            out.println(usage);
            return 0;
        }
        if (!f.isEmpty()) {
            throw new ConfigException("report: unknown option --" + f.keySet().iterator().next() + "; options: --wait");
        }
        Path dir = Path.of(positional.get(0));
        List<String> cl = new ArrayList<>(List.of("layerwise", "report"));
        cl.addAll(args);
        StudyRunner.Report r = StudyRunner.report(dir, own.get("wait") != null, cl, out);
        return StudyCommand.finish(r.study(), "report", r.summary(), null, dir, out); // the same verdict as the study's own run gave
    }

    /** The help of {@code layerwise export}: the command, then what each study writes (from the study). */
    static String exportHelp() {
        return """
                layerwise export tensorboard <study-folder> [--out DIR]

                Writes TensorBoard event files of a study folder from the folder alone (no training, no libtorch, no
                lock: a study that is still training is exported with its finished runs) under DIR (default
                <study-folder>/tensorboard), one subfolder per TensorBoard run; event files written there before are
                replaced. View them with: tensorboard --logdir DIR. Scalars are float32 simple_value, histograms
                HistogramProto (30 equal-width buckets); numbers that are not finite are left out. A study command's
                --tensorboard DIR writes the same files once the study has finished.

                what each study writes:
                """ + StudyExport.describeExporters();
    }

    static int export(List<String> args, PrintStream out) {
        Map<String, String> own = new LinkedHashMap<>();
        own.put("help", null);
        own.put("out", null);
        List<String> positional = new ArrayList<>();
        Map<String, String> f = flags(args, own, List.of(), positional);
        if (positional.isEmpty() && own.get("help") == null) {
            throw new MissingArguments(exportHelp());
        }
        if (own.get("help") != null) {
            out.print(exportHelp());
            return 0;
        }
        if (!positional.get(0).equals("tensorboard")) {
            throw new ConfigException("unknown format '" + ConfigException.quote(positional.get(0)) + "'; available: tensorboard");
        }
        if (positional.size() != 2) {
            throw new ConfigException("tensorboard: " + (positional.size() < 2 ? "name the study folder" : "one study folder at a time, not "
                    + (positional.size() - 1)) + " (layerwise export tensorboard <study-folder> [--out DIR])");
        }
        if (!f.isEmpty()) {
            throw new ConfigException("tensorboard: unknown option --" + f.keySet().iterator().next() + "; options: --out");
        }
        StudyExport.tensorBoard(Path.of(positional.get(1)), own.get("out"), out);
        return 0;
    }

    static int bench(List<String> args, PrintStream out) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            String usage = org.layerwise.engine.torch.bench.KernelBenchmark.USAGE + "\n\n" + """
                    layerwise bench study [--threads N|N,M,...] [--updates N] [--depth-max L] [--python auto|none|PATH]

                    a depth-scaling grid end to end as a user runs it (L = 4 .. depth-max, base 2, default 1024; tanh,
                    shared delta; 400 updates each by default), through ./layerwise scaling, beside the same grid in
                    Python PyTorch (Debian's python3-torch; a faithful script of the reference's training and statistics),
                    each side timed from process start to exit; prints the end-to-end ratio. --threads 1,2 runs the
                    layerwise side on each count and prints the speed-up (end to end and training alone) against the
                    bound of whole networks per core; Python runs on the last count (--python none skips it).

                    """ + org.layerwise.engine.torch.bench.ResNetBenchmark.USAGE;
            if (args.isEmpty()) {
                throw new MissingArguments(usage); // usage because arguments are missing: stderr, exit 2
            }
            out.println(usage);
            return 0;
        }
        if (args.get(0).equals("resnet")) {
            var settings = org.layerwise.engine.torch.bench.ResNetBenchmark.Settings.parse(args.subList(1, args.size()));
            org.layerwise.engine.torch.bench.ResNetBenchmark.run(settings, out);
            return 0;
        }
        if (args.get(0).equals("study")) {
            Map<String, String> own = new LinkedHashMap<>();
            own.put("threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
            own.put("updates", "400");
            own.put("depth-max", "1024");
            own.put("python", "auto");
            Map<String, String> f = flags(args.subList(1, args.size()), own, List.of(), new ArrayList<>());
            if (!f.isEmpty()) {
                throw new ConfigException("study: unknown option --" + f.keySet().iterator().next()
                        + "; options: --threads, --updates, --depth-max, --python");
            }
            int depthMax = positive("depth-max", own.get("depth-max"));
            if (depthMax < 4) {
                throw new ConfigException("depth-max: '" + depthMax + "' is not valid; allowed: an integer from 4 to 4096");
            }
            List<Integer> threads = threadCounts(own.get("threads"));
            int updates = positive("updates", own.get("updates"));
            String python = own.get("python");
            if (python.isBlank()) {
                throw new ConfigException("python: empty; allowed: auto, none or the path of a Python interpreter");
            }
            StudyBenchmark.run(threads, updates, depthMax, python, out);
            return 0;
        }
        if (!args.get(0).equals("scaling-kernel")) {
            throw new ConfigException("bench: unknown benchmark '" + args.get(0) + "'; available: scaling-kernel, study, resnet");
        }
        var settings = org.layerwise.engine.torch.bench.KernelBenchmark.Settings.parse(args.subList(1, args.size()));
        org.layerwise.engine.torch.bench.KernelBenchmark.run(settings, out);
        return 0;
    }

    /** bench study's --threads: one count, or several distinct ones ("1,2") whose times it compares. */
    static List<Integer> threadCounts(String raw) {
        List<Integer> counts = new ArrayList<>();
        for (String part : raw.split(",", -1)) {
            int t;
            try {
                t = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                t = 0;
            }
            if (t < 1 || t > 4096 || counts.contains(t)) {
                throw new ConfigException("threads: '" + ConfigException.quote(raw) + "' is not valid; allowed: a thread count from 1 to 4096,"
                        + " or distinct counts separated by commas (e.g. 1,2: the speed-up from the first to each other)");
            }
            counts.add(t);
        }
        return counts;
    }

    private static int positive(String key, String raw) {
        try {
            int v = Integer.parseInt(raw.trim());
            if (v < 1 || v > 4096) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + raw + "' is not valid; allowed: an integer from 1 to 4096");
        }
    }
}
