package org.layerwise.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.sweep.CostModel;
import org.layerwise.sweep.LocalExecutor;
import org.layerwise.sweep.Manifest;
import org.layerwise.sweep.Sweep;
import org.layerwise.sweep.Slurm;
import org.layerwise.sweep.SweepCollect;
import org.layerwise.sweep.SweepFolder;
import org.layerwise.sweep.SweepStatus;
import org.layerwise.sweep.SweepSpec;

/**
 * {@code layerwise sweep ...}: grids of study runs from one spec, on this machine or a Slurm cluster,
 * with no change to the spec. Parses the command line only; the work is in {@link org.layerwise.sweep}.
 */
final class SweepCommand {
    static final String HELP = """
            layerwise sweep <plan|run|run-one|submit|status|collect> ...

            A sweep is one study over a grid of its settings, written once as a spec (YAML or JSON):

              name: act-lr
              study: scaling
              base: {preset: quick, settings: {max-updates: 500}}
              axes:                                   # crossed: every combination
                activation: [tanh, relu]
                lr: {geometric: {from: 0.01, to: 0.1, count: 3}}    # or {range: {from, to, step}}
              zip:                                    # optional: keys that vary together
                - {init-scale: [0.01, 0.1], momentum: [0, 0.9]}

              layerwise sweep plan SPEC [--out FOLDER] [--flops-per-second R]
                  expand the spec into FOLDER/manifest.json (default FOLDER: runs/sweep-<name>), check every entry,
                  print the runs and the compute they need (rate measured now, or R per second per thread)
              layerwise sweep run SPEC [--out FOLDER] [--threads N] [--parallel K] [--threads-per-run M] [--wait]
                  plan, then train every run on this machine: at most K runs at a time (default N) on N threads (default:
                  all), longest first, threads per run by cost (or M each); then collect. Running it again resumes: complete
                  runs are verified and skipped, interrupted ones continue from their checkpoint, damaged ones are redone
              layerwise sweep submit SPEC --slurm [--out FOLDER] [--partition P] [--time T] [--cpus-per-task C] [--gpus G]
                                   [--mem M] [--throttle N] [--account A] [--dry-run] [--wait] [--poll-seconds S]
                  plan, then submit the runs that are neither complete nor queued as an `sbatch --array` (one task per run,
                  at most N at once, each with C threads: default 1); writes FOLDER/slurm/NAME.sbatch. Requeue-safe: tasks
                  resume from checkpoints. --wait: wait for the tasks, then collect. --dry-run: write the script only
              layerwise sweep run-one MANIFEST [--index I] [--threads N]
                  train run I of a manifest (default I: $SLURM_ARRAY_TASK_ID) unless it is complete; resumes
                  from its checkpoint; what every launcher calls
              layerwise sweep status FOLDER|SPEC
                  where every run stands (complete, running, queued, failed, interrupted, damaged, not started) and the
                  time left, from the run folders, run locks and squeue: works from any machine that sees the folder
              layerwise sweep collect FOLDER|SPEC
                  analyse every entry with finished runs, write runs.csv/json (one row per run), entries.csv/json (one row
                  per entry, summary figures) and report.html

            The same spec runs on a laptop (sweep run) and on a Slurm cluster (sweep submit --slurm) unchanged; a study's
            own grid goes to Slurm with `layerwise <study> --executor slurm [the Slurm options above] [--poll-seconds S]`.
            """;

    private SweepCommand() {
    }

    static int run(List<String> args, PrintStream out, boolean terminal) {
        if (args.isEmpty()) {
            throw new MissingArguments(HELP);
        }
        if (args.get(0).equals("--help") || args.get(0).equals("-h") || args.get(0).equals("help")) {
            out.print(HELP);
            return 0;
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        List<String> commandLine = new ArrayList<>(List.of("layerwise", "sweep"));
        commandLine.addAll(args);
        return switch (sub) {
            case "plan" -> plan(rest, out);
            case "run-one" -> runOne(rest, out, commandLine);
            case "run" -> runLocal(rest, out, terminal, commandLine);
            case "submit" -> submit(rest, out, commandLine);
            case "status" -> status(rest, out);
            case "collect" -> collect(rest, out, commandLine);
            default -> throw new ConfigException("sweep: unknown subcommand '" + ConfigException.quote(sub)
                    + "'; subcommands: plan, run, run-one, submit, status, collect (see layerwise sweep --help)");
        };
    }

    private static int plan(List<String> args, PrintStream out) {
        Parsed parsed = parse("plan", args, List.of("out", "flops-per-second"), List.of(), out);
        if (parsed == null) {
            return 0; // --help
        }
        Map<String, String> own = parsed.own();
        List<String> positional = parsed.positional();
        Path spec = onePath("plan", "SPEC", positional);
        Path dir = outFolder(own.get("out"), spec);
        Sweep.plan(spec, dir, rate(own.get("flops-per-second")), out);
        return 0;
    }

    private static int runLocal(List<String> args, PrintStream out, boolean terminal, List<String> commandLine) {
        Parsed parsed = parse("run", args, List.of("out", "threads", "parallel", "threads-per-run"), List.of("wait"), out);
        if (parsed == null) {
            return 0; // --help
        }
        Map<String, String> own = parsed.own();
        List<String> positional = parsed.positional();
        Path spec = onePath("run", "SPEC", positional);
        int threads = own.get("threads") == null ? Runtime.getRuntime().availableProcessors() : positive("threads", own.get("threads"));
        int parallel = own.get("parallel") == null ? threads : positive("parallel", own.get("parallel"));
        int perRun = own.get("threads-per-run") == null ? 0 : positive("threads-per-run", own.get("threads-per-run"));
        Path dir = outFolder(own.get("out"), spec);
        Manifest m = Sweep.plan(spec, dir, new CostModel.Rate(0, ""), out);
        LocalExecutor.Result r = new LocalExecutor(new SweepFolder(dir), m,
                new LocalExecutor.Options(threads, parallel, perRun, own.get("wait") != null, terminal, true, commandLine), out).run();
        if (r.stopped()) {
            return Main.STOPPED;
        }
        out.printf("sweep '%s': %d of %d runs complete (%d trained now), %d failed%n", m.sweep(), r.alreadyComplete() + r.trained(), r.runs(),
                r.trained(), r.failed().size());
        r.failed().forEach(f -> out.println("  failed: " + f));
        SweepCollect.collect(new SweepFolder(dir), Map.of(), commandLine, out);
        return r.failed().isEmpty() ? 0 : Main.ENVIRONMENT;
    }

    /** The Slurm options every Slurm command takes, removed from {@code own} as they are read. */
    static final List<String> SLURM_OPTIONS = List.of("partition", "time", "cpus-per-task", "gpus", "mem", "throttle", "account", "poll-seconds");

    static Slurm.Options slurmOptions(Map<String, String> own, boolean dryRun) {
        return new Slurm.Options(own.get("partition"), own.get("time"),
                own.get("cpus-per-task") == null ? 1 : positive("cpus-per-task", own.get("cpus-per-task")), own.get("gpus"), own.get("mem"),
                own.get("throttle") == null ? 0 : nonNegative("throttle", own.get("throttle")), own.get("account"), null, Map.of(), dryRun);
    }

    static double pollSeconds(String raw) {
        if (raw == null) {
            return 10;
        }
        double v;
        try {
            v = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= 0.1 && v <= 3600)) {
            throw new ConfigException("poll-seconds: '" + ConfigException.quote(raw) + "' is not valid; allowed: a number from 0.1 to 3600");
        }
        return v;
    }

    private static int submit(List<String> args, PrintStream out, List<String> commandLine) {
        Parsed parsed = parse("submit", args, concat(List.of("out", "flops-per-second"), SLURM_OPTIONS), List.of("slurm", "dry-run", "wait"), out);
        if (parsed == null) {
            return 0; // --help
        }
        Map<String, String> own = parsed.own();
        List<String> positional = parsed.positional();
        if (own.get("slurm") == null) {
            throw new ConfigException("sweep submit: say where to: --slurm (the one cluster scheduler supported; `layerwise sweep run` runs here)");
        }
        Path spec = onePath("submit", "SPEC", positional);
        Slurm.Options opts = slurmOptions(own, own.get("dry-run") != null);
        double poll = pollSeconds(own.get("poll-seconds"));
        Path dir = outFolder(own.get("out"), spec);
        Manifest m = Sweep.plan(spec, dir, rate(own.get("flops-per-second")), out);
        SweepFolder sweep = new SweepFolder(dir);
        List<Slurm.Job> jobs = Slurm.submit(sweep, m, opts, out);
        if (opts.dryRun()) {
            out.println("script: " + dir.resolve(SweepFolder.SLURM).resolve(m.sweep() + ".sbatch"));
            return 0;
        }
        if (own.get("wait") == null) {
            out.println("follow it with: layerwise sweep status " + dir + "   (from any machine that sees the folder)");
            out.println("then gather it: layerwise sweep collect " + dir);
            return 0;
        }
        SweepStatus.Report r = Slurm.waitFor(sweep, Map.of(), poll, out);
        SweepCollect.collect(sweep, Map.of(), commandLine, out);
        return r.counts().get(SweepStatus.State.COMPLETE) == m.size() ? 0 : Main.ENVIRONMENT;
    }

    /** The sweep folder a status or collect names: a folder, or a spec (its default folder, or --out). */
    private static SweepFolder sweepFolder(String sub, List<String> positional, String out) {
        Path p = onePath(sub, "FOLDER or SPEC", positional);
        if (!Files.exists(p)) {
            throw new ConfigException("sweep " + sub + ": " + p + ": not found; give a sweep folder or its spec");
        }
        Path dir = Files.isDirectory(p) ? p : outFolder(out, p);
        SweepFolder f = new SweepFolder(dir);
        if (!f.hasManifest()) {
            throw new ConfigException("sweep " + sub + ": " + dir + " holds no sweep (no " + Manifest.FILE + "); plan, run or submit one first");
        }
        return f;
    }

    private static int status(List<String> args, PrintStream out) {
        Parsed parsed = parse("status", args, List.of("out"), List.of(), out);
        if (parsed == null) {
            return 0; // --help
        }
        Map<String, String> own = parsed.own();
        List<String> positional = parsed.positional();
        SweepFolder f = sweepFolder("status", positional, own.get("out"));
        SweepStatus.Report r = SweepStatus.read(f, Map.of());
        SweepStatus.print(r, f, out);
        return 0;
    }

    private static int collect(List<String> args, PrintStream out, List<String> commandLine) {
        Parsed parsed = parse("collect", args, List.of("out"), List.of(), out);
        if (parsed == null) {
            return 0; // --help
        }
        Map<String, String> own = parsed.own();
        List<String> positional = parsed.positional();
        SweepFolder f = sweepFolder("collect", positional, own.get("out"));
        SweepCollect.collect(f, Map.of(), commandLine, out);
        return 0;
    }

    private static int runOne(List<String> args, PrintStream out, List<String> commandLine) {
        Parsed parsed = parse("run-one", args, List.of("index", "threads"), List.of(), out);
        if (parsed == null) {
            return 0; // --help
        }
        Map<String, String> own = parsed.own();
        List<String> positional = parsed.positional();
        Path manifest = onePath("run-one", "MANIFEST", positional);
        if (Files.isDirectory(manifest)) {
            manifest = manifest.resolve(org.layerwise.sweep.Manifest.FILE);
        }
        String rawIndex = own.get("index");
        if (rawIndex == null) {
            rawIndex = System.getenv("SLURM_ARRAY_TASK_ID");
            if (rawIndex == null) {
                throw new ConfigException("index: missing; give --index I (0-based), or run inside a Slurm array task (SLURM_ARRAY_TASK_ID)");
            }
        }
        int index = nonNegative("index", rawIndex);
        int threads = own.get("threads") == null ? threadsFromEnvironment() : positive("threads", own.get("threads"));
        return Sweep.runOne(manifest, index, threads, commandLine, out) == 0 ? 0 : Main.ENVIRONMENT;
    }

    /** SLURM_CPUS_PER_TASK inside a Slurm task, else 0 (the entry's own setting). */
    static int threadsFromEnvironment() {
        String c = System.getenv("SLURM_CPUS_PER_TASK");
        if (c == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(c.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A subcommand's options (null where not given, switches included once given) and its positional arguments. */
    private record Parsed(Map<String, String> own, List<String> positional) {
    }

    /** Parses and checks a subcommand's arguments; null after printing the help that --help asked for. */
    private static Parsed parse(String sub, List<String> args, List<String> keys, List<String> switches, PrintStream out) {
        Map<String, String> own = new LinkedHashMap<>();
        keys.forEach(k -> own.put(k, null));
        own.put("help", null);
        List<String> positional = new ArrayList<>();
        Map<String, String> unknown = Main.flags(args, own, switches, positional);
        if (own.get("help") != null) {
            out.print(HELP);
            return null;
        }
        rejectUnknown(sub, unknown, own.keySet());
        return new Parsed(own, positional);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static void rejectUnknown(String sub, Map<String, String> unknown, java.util.Set<String> known) {
        if (!unknown.isEmpty()) {
            List<String> opts = new ArrayList<>();
            known.stream().filter(k -> !k.equals("help")).forEach(k -> opts.add("--" + k));
            throw new ConfigException("sweep " + sub + ": unknown option --" + unknown.keySet().iterator().next() + "; options: "
                    + String.join(", ", opts));
        }
    }

    static Path onePath(String sub, String what, List<String> positional) {
        if (positional.isEmpty()) {
            throw new ConfigException("sweep " + sub + ": missing " + what + "; see layerwise sweep --help");
        }
        if (positional.size() > 1) {
            throw new ConfigException("sweep " + sub + ": unexpected argument '" + ConfigException.quote(positional.get(1)) + "'; give one " + what);
        }
        try {
            return Path.of(positional.get(0));
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException("sweep " + sub + ": '" + ConfigException.quote(positional.get(0)) + "' is not a valid path");
        }
    }

    /** The sweep folder: --out, else runs/sweep-NAME from the spec. */
    static Path outFolder(String raw, Path spec) {
        if (raw != null) {
            return Main.outputFolder(raw, null);
        }
        return Main.outputFolder(null, "runs/sweep-" + SweepSpec.read(spec).name());
    }

    private static CostModel.Rate rate(String raw) {
        if (raw == null) {
            return null;
        }
        double r;
        try {
            r = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            r = Double.NaN;
        }
        if (!(r >= 0) || Double.isInfinite(r)) {
            throw new ConfigException("flops-per-second: '" + ConfigException.quote(raw) + "' is not valid; allowed: a number ≥ 0 (0: no time estimate)");
        }
        return new CostModel.Rate(r, "given with --flops-per-second");
    }

    static int positive(String key, String raw) {
        int v = nonNegative(key, raw);
        if (v < 1) {
            throw new ConfigException(key + ": '" + ConfigException.quote(raw) + "' is not valid; allowed: an integer ≥ 1");
        }
        return v;
    }

    static int nonNegative(String key, String raw) {
        try {
            int i = Integer.parseInt(raw.trim());
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + ConfigException.quote(raw) + "' is not valid; allowed: an integer ≥ 0");
        }
    }
}
