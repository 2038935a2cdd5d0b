package org.layerwise.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.layerwise.config.ConfigException;
import org.layerwise.config.ConfigSpec;
import org.layerwise.study.GroupCommand;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyConfigs;
import org.layerwise.study.StudyExport;
import org.layerwise.study.StudyRegistry;
import org.layerwise.study.StudyRunner;
import org.layerwise.sweep.Slurm;
import org.layerwise.sweep.StudyOnSlurm;

/**
 * {@code layerwise <study> ...}: the command of every registered study, the same for each. Its words
 * come from the study ({@link Study#command()}: {@code scaling}, or {@code elr train} in the group
 * {@code elr}), its settings from the study's spec, and {@code --executor local|slurm} says where its
 * runs train: here ({@link StudyRunner}), or on Slurm as one job array ({@link StudyOnSlurm}), with the
 * same settings, folder and report either way. This file names no study.
 */
final class StudyCommand {
    /** The options of every study command beside its settings (and the Slurm options). */
    private static final List<String> OPTIONS = List.of("preset", "config", "out", "help", "index", "executor", "tensorboard");
    private static final List<String> SWITCHES = List.of("wait", "no-repair", "dry-run");

    private StudyCommand() {
    }

    /** The registered studies by the first word of their command, in the registry's order. */
    static Map<String, List<Study>> byWord() {
        Map<String, List<Study>> m = new LinkedHashMap<>();
        for (Study s : StudyRegistry.all().values()) {
            m.computeIfAbsent(s.command().get(0), k -> new ArrayList<>()).add(s);
        }
        return m;
    }

    /** The study whose command is this one word alone, or null where the word names a group. */
    private static Study alone(List<Study> studies) {
        return studies.stream().filter(s -> s.command().size() == 1).findFirst().orElse(null);
    }

    /** The lines of {@code layerwise --help} for the study commands. */
    static String helpLines() {
        StringBuilder sb = new StringBuilder();
        byWord().forEach((word, studies) -> {
            Study one = alone(studies);
            List<Study> group = grouped(studies);
            if (one != null) {
                sb.append(String.format("  %-25s %s%n", word, one.commandSummary()));
            }
            if (!group.isEmpty()) {
                sb.append(String.format("  %-25s %s:%n", word + " <study>", group.get(0).commandSummary()));
                sb.append(String.format("  %-25s %s%n", "", String.join(", ", words(group))));
                groupCommands(group).values().forEach(c -> sb.append(String.format("  %-25s %s%n", word + " " + c.synopsis(), c.summary())));
            }
        });
        return sb.toString();
    }

    /** The commands the studies of a group offer beside themselves ({@link Study#groupCommands()}), each word once, in order. */
    static Map<String, GroupCommand> groupCommands(List<Study> group) {
        Map<String, GroupCommand> m = new LinkedHashMap<>();
        for (Study s : group) {
            for (GroupCommand c : s.groupCommands()) {
                m.putIfAbsent(c.word(), c);
            }
        }
        return m;
    }

    /**
     * {@code layerwise WORD ...}: a study of the group WORD when the next word names one ({@code layerwise elr
     * train ...}), or a command the group's studies offer ({@link Study#groupCommands()}), else the study whose
     * command is WORD alone; a word may serve both.
     */
    static int dispatch(String word, List<String> args, PrintStream out, boolean terminal) {
        List<Study> studies = byWord().get(word);
        List<Study> group = grouped(studies);
        if (!args.isEmpty()) {
            for (Study s : group) {
                if (s.command().get(1).equals(args.get(0))) {
                    return run(s, args.subList(1, args.size()), out, terminal);
                }
            }
            GroupCommand command = groupCommands(group).get(args.get(0));
            if (command != null) {
                List<String> rest = args.subList(1, args.size());
                if (rest.contains("--help") || rest.contains("-h")) {
                    out.print(command.help());
                    return 0;
                }
                return command.run(rest, out);
            }
        }
        Study one = alone(studies);
        if (one != null) {
            return run(one, args, out, terminal);
        }
        if (args.isEmpty()) {
            throw new MissingArguments(groupHelp(word, group));
        }
        if (args.get(0).equals("--help") || args.get(0).equals("-h")) {
            out.print(groupHelp(word, group));
            return 0;
        }
        Set<String> commands = groupCommands(group).keySet();
        throw new ConfigException("unknown study '" + ConfigException.quote(args.get(0)) + "'; studies: " + String.join(", ", words(group))
                + (commands.isEmpty() ? "" : "; commands: " + String.join(", ", commands)));
    }

    /** The studies of a word that sit in its group (two-word commands). */
    private static List<Study> grouped(List<Study> studies) {
        return studies.stream().filter(s -> s.command().size() == 2).toList();
    }

    /** The second words of a group's studies. */
    private static List<String> words(List<Study> group) {
        return group.stream().map(s -> s.command().get(1)).toList();
    }

    private static String groupHelp(String word, List<Study> studies) {
        Set<String> presets = new LinkedHashSet<>();
        studies.forEach(s -> presets.addAll(s.presets().all().keySet()));
        StringBuilder sb = new StringBuilder(String.format("layerwise %s <study> [--preset %s] [--out FOLDER] [--KEY VALUE ...]%n%n", word,
                String.join("|", presets)));
        String shared = studies.get(0).groupHelp();
        if (!shared.isEmpty()) {
            sb.append(shared).append(shared.endsWith("\n") ? "" : "\n").append('\n');
        }
        sb.append("studies:\n");
        for (Study s : studies) {
            sb.append(String.format("  %-13s %s%n", s.command().get(1), s.title()));
        }
        Map<String, GroupCommand> commands = groupCommands(studies);
        if (!commands.isEmpty()) {
            sb.append("\ncommands ('layerwise ").append(word).append(" COMMAND --help' describes each):\n");
            commands.values().forEach(c -> sb.append(String.format("  %-21s %s%n", c.synopsis(), c.summary())));
        }
        return sb.toString();
    }

    /**
     * Runs a study from its command line: resolves its settings (defaults, --preset, --config, --KEY VALUE),
     * then trains here (every pending run, or run --index I alone) or hands the runs to Slurm, and prints
     * the verdict and where the report is.
     */
    static int run(Study study, List<String> args, PrintStream out, boolean terminal) {
        String command = String.join(" ", study.command());
        Map<String, String> own = new LinkedHashMap<>();
        OPTIONS.forEach(k -> own.put(k, null));
        SweepCommand.SLURM_OPTIONS.forEach(k -> own.put(k, null));
        List<String> positional = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>();
        study.spec().keys().forEach(k -> known.add(k.name()));
        Map<String, String> settings = Main.flags(args, own, SWITCHES, positional, known::contains);
        if (own.get("help") != null) {
            out.print(help(study, command, own.get("preset")));
            return 0;
        }
        if (!positional.isEmpty()) {
            throw new ConfigException("unexpected argument '" + ConfigException.quote(positional.get(0)) + "'; settings are given as --key value");
        }
        String executor = own.get("executor") == null ? "local" : own.get("executor");
        if (!List.of("local", "slurm").contains(executor)) {
            throw new ConfigException("executor: unknown value '" + ConfigException.quote(executor) + "'; allowed: one of local, slurm");
        }
        boolean slurmOptions = own.get("dry-run") != null || SweepCommand.SLURM_OPTIONS.stream().anyMatch(k -> own.get(k) != null);
        if (executor.equals("local") && slurmOptions) {
            throw new ConfigException("executor: the Slurm options need --executor slurm");
        }
        if (executor.equals("slurm") && own.get("index") != null) {
            throw new ConfigException("index: --index trains one run on this machine; leave it out with --executor slurm");
        }
        String tensorBoard = own.get("tensorboard");
        if (tensorBoard != null) {
            if (study.tensorBoard() == null) {
                throw new ConfigException("tensorboard: the study " + study.name() + " has nothing for TensorBoard; leave --tensorboard out");
            }
            if (own.get("index") != null) {
                throw new ConfigException("tensorboard: --index trains one run and does no analysis; export the folder once the study"
                        + " is done (layerwise export tensorboard FOLDER)");
            }
            org.layerwise.config.OutputFolder.check("tensorboard", tensorBoard);
        }
        String preset = own.get("preset");
        StudyConfig cfg = StudyConfigs.resolve(study, preset, own.get("config") == null ? null : Path.of(own.get("config")), settings);
        String name = study.name() + "-" + (preset == null ? "custom" : preset);
        Path dir = Main.outputFolder(own.get("out"), "runs/" + name);
        List<String> cl = new ArrayList<>(List.of("layerwise"));
        cl.addAll(study.command());
        cl.addAll(args);
        boolean wait = own.get("wait") != null;
        if (executor.equals("slurm")) {
            Slurm.Options opts = SweepCommand.slurmOptions(own, own.get("dry-run") != null);
            double poll = SweepCommand.pollSeconds(own.get("poll-seconds"));
            StudyOnSlurm.Result r = StudyOnSlurm.run(study, cfg, dir, name, opts, poll, wait, cl, out);
            if (r.report() == null) {
                return 0; // --dry-run: the script is written, nothing submitted
            }
            String unfinished = r.unfinished().isEmpty() ? null : r.unfinished().size() + " run(s) did not finish on Slurm: "
                    + String.join(" | ", r.unfinished()) + "; run the same command again to resubmit them";
            int code = finish(study, command, r.report().summary(), unfinished, dir, out);
            exportTensorBoard(tensorBoard, dir, out);
            return code;
        }
        StudyRunner runner = new StudyRunner(study, cfg, dir, new StudyRunner.Options(wait, own.get("no-repair") == null, cl, terminal, true), out);
        if (own.get("index") != null) {
            StudyRunner.Outcome o = runner.runOne(parseIndex(own.get("index")));
            return o.failedRuns().isEmpty() ? 0 : Main.ENVIRONMENT;
        }
        StudyRunner.Outcome o = runner.runAll();
        String failed = o.failedRuns().isEmpty() ? null : o.failedRuns().size() + " run(s) failed: " + String.join(" | ", o.failedRuns());
        int code = finish(study, command, o.summary(), failed, dir, out);
        exportTensorBoard(tensorBoard, dir, out);
        return code;
    }

    /** {@code --tensorboard DIR}: the study folder's event files, written from its files once the study is done (as {@code layerwise export tensorboard}). */
    private static void exportTensorBoard(String to, Path dir, PrintStream out) {
        if (to != null) {
            StudyExport.tensorBoard(dir, to, out);
        }
    }

    /**
     * What every study command prints at the end, whichever executor trained it (and {@code layerwise
     * report}): the verdict, where the report is, runs that did not finish, and why the study failed if
     * it did; the exit code.
     */
    static int finish(Study study, String command, Map<String, Object> summary, String unfinished, Path dir, PrintStream out) {
        study.verdictLines(summary).forEach(out::println);
        out.println("report: " + study.files().report(dir).toAbsolutePath());
        if (unfinished != null) {
            out.println(unfinished);
            return Main.ENVIRONMENT;
        }
        String failure = study.failure(summary);
        if (failure != null) {
            out.println("layerwise " + command + ": " + failure);
            return Main.ENVIRONMENT;
        }
        return 0;
    }

    private static int parseIndex(String raw) {
        return SweepCommand.nonNegative("index", raw);
    }

    /** The study's help; with a preset named (--preset NAME --help) the settings show that preset's values. */
    private static String help(Study study, String command, String preset) {
        StringBuilder presets = new StringBuilder();
        study.presets().all().values().forEach(p -> presets.append(String.format("  %-17s %s%n", p.name(), p.description())));
        return """
                layerwise %s [--preset NAME] [--config FILE] [--out FOLDER] [--wait] [--no-repair] [--index I] [--tensorboard DIR] [--KEY VALUE ...]

                %s.
                Settings are applied in order: defaults, --preset, --config (JSON or YAML), then --KEY VALUE flags; every value is
                checked before anything is written. Running the same command again resumes: finished runs are verified and skipped,
                interrupted ones continue from their checkpoint, damaged ones are redone (--no-repair: listed, and nothing is run).

                  --out FOLDER     the study folder (default runs/%s-<preset or 'custom'>); one process at a time owns it
                  --wait           if another process owns the folder, wait for it instead of stopping
                  --no-repair      stop with a list of damaged runs instead of redoing them
                  --index I        train only run I (0-based) of the study's plan, no analysis: what cluster executors call
                  --executor slurm hand the runs to Slurm as one job array, wait, then report (options: layerwise sweep --help)
                  --tensorboard DIR  also write TensorBoard event files under DIR once the study is done, from the files it wrote
                                   (not while it trains; what they hold: layerwise export --help)

                presets (%s):
                %s
                settings:
                %s""".formatted(command, capitalise(study.title()), study.name(), study.presets().resource(), presets,
                optionHelp(study.spec(), study.presets(), preset == null || !study.presets().all().containsKey(preset) ? null : preset));
    }

    /**
     * Each setting with its allowed values, its default and what the presets set it to ("presets: quick
     * 120, paper 9100"); with {@code chosen}, only that preset's value ("preset quick: 120").
     */
    private static String optionHelp(ConfigSpec spec, org.layerwise.study.Presets presets, String chosen) {
        StringBuilder sb = new StringBuilder();
        for (ConfigSpec.Key k : spec.keys()) {
            List<String> set = new ArrayList<>();
            for (org.layerwise.study.Presets.Preset p : presets.all().values()) {
                if ((chosen == null || p.name().equals(chosen)) && p.settings().has(k.name())) {
                    com.fasterxml.jackson.databind.JsonNode v = p.settings().get(k.name());
                    set.add((chosen == null ? p.name() + " " : "") + (v.isTextual() ? v.asText() : v.toString()));
                }
            }
            String byPreset = set.isEmpty() ? "" : chosen != null ? "; preset " + chosen + ": " + set.get(0) : "; presets: " + String.join(", ", set);
            sb.append(String.format("  --%-22s %s%n  %-24s %s; default %s%s%n", k.name(), k.help(), "", k.allowed(),
                    k.defaultValue() == null || k.defaultValue().toString().isEmpty() ? "(none)" : k.defaultValue(), byPreset));
        }
        return sb.toString();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
