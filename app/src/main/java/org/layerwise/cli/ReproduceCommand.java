package org.layerwise.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.reproduce.Claim;
import org.layerwise.reproduce.Claims;
import org.layerwise.reproduce.Reproduction;
import org.layerwise.reproduce.Scale;
import org.layerwise.reproduce.StudyUse;

/**
 * {@code layerwise reproduce}: the papers' headline claims, each tested by the studies it needs at the
 * chosen scale, with a verdict per claim (claims.json and report.html). The studies run through the
 * usual study command (locally, or on Slurm with {@code --executor slurm}); this command knows no study
 * by name, only the claim registry does.
 */
final class ReproduceCommand {
    static final String HELP = """
            layerwise reproduce [--scale quick|full|paper] [--only CLAIM,...] [--out FOLDER] [--device cpu|cuda] [--data-path DIR]
                                [--list] [--executor local|slurm [SLURM OPTIONS]]

            Tests the headline claims of both papers and gives each a verdict: reproduced, not reproduced (with the numbers that
            contradict it), inconclusive (what would decide it) or not testable at this scale (why). Every claim's statistic and
            decision rule are fixed before the run (--list shows them; docs/reproduce.md explains them). The studies the claims
            need run once each, through the study framework: running the same command again resumes.

              --scale S        quick (default: ≤ 30 min on 2 cores, offline data), full (hours on a workstation or a cluster),
                               paper (the papers' settings: GPU, CIFAR-10 files via --data-path)
              --only IDS       claims to test, e.g. 4,5 (8 selects 8a and 8b); default all
              --out FOLDER     default runs/reproduce-<scale>; studies go to FOLDER/studies/
              --device D       cpu or cuda, for the studies that train on libtorch (the scaling studies are pure Java)
              --data-path DIR  the data folder for the ELR studies (CIFAR-10 binary files at the paper scale)
              --list           print the claims, their settings at this scale and their rules, and stop (writes nothing)
              --executor slurm hand each study to Slurm as a job array (options: layerwise sweep --help)
            """;

    private ReproduceCommand() {
    }

    static int run(List<String> args, PrintStream out, boolean terminal) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String k : List.of("scale", "only", "out", "device", "data-path", "help", "executor")) {
            own.put(k, null);
        }
        SweepCommand.SLURM_OPTIONS.forEach(k -> own.put(k, null));
        List<String> positional = new ArrayList<>();
        Map<String, String> unknown = Main.flags(args, own, List.of("list", "wait"), positional);
        if (own.get("help") != null) {
            out.print(HELP);
            return 0;
        }
        if (!positional.isEmpty()) {
            throw new ConfigException("unexpected argument '" + ConfigException.quote(positional.get(0)) + "'; options are given as --key value");
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(unknown.keySet().iterator().next() + ": not an option of reproduce; options: --scale, --only, --out, --device,"
                    + " --data-path, --list, --executor (see layerwise reproduce --help)");
        }
        Scale scale = Scale.parse(own.get("scale") == null ? "quick" : own.get("scale"));
        List<Claim> claims = Claims.select(own.get("only"));
        Map<String, String> extra = new LinkedHashMap<>();
        if (own.get("device") != null) {
            if (!List.of("cpu", "cuda").contains(own.get("device"))) {
                throw new ConfigException("device: unknown value '" + ConfigException.quote(own.get("device")) + "'; allowed: one of cpu, cuda");
            }
            extra.put("device", own.get("device"));
        }
        if (own.get("data-path") != null) {
            extra.put("data-path", own.get("data-path"));
        }
        List<String> executor = new ArrayList<>();
        if (own.get("executor") != null) {
            if (!List.of("local", "slurm").contains(own.get("executor"))) {
                throw new ConfigException("executor: unknown value '" + ConfigException.quote(own.get("executor")) + "'; allowed: one of local, slurm");
            }
            executor.addAll(List.of("--executor", own.get("executor")));
            for (String k : SweepCommand.SLURM_OPTIONS) {
                if (own.get(k) != null) {
                    executor.addAll(List.of("--" + k, own.get(k)));
                }
            }
        } else if (SweepCommand.SLURM_OPTIONS.stream().anyMatch(k -> own.get(k) != null)) {
            throw new ConfigException("executor: the Slurm options need --executor slurm");
        }
        Path dir = Main.outputFolder(own.get("out"), "runs/reproduce-" + scale.id());
        Reproduction r = new Reproduction(scale, claims, dir, extra);
        if (own.get("list") != null) {
            list(r, claims, out);
            return 0;
        }
        r.check(); // every setting and every data set, before anything is written
        boolean wait = own.get("wait") != null;
        Map<String, Object> result = r.run((study, use, settings, folder) -> launch(study, use, settings, folder, executor, wait, out, terminal), out);
        out.println("claims (" + scale.id() + " scale):");
        verdictLines((List<?>) result.get("claims")).forEach(out::println);
        out.println("report: " + dir.resolve(Reproduction.REPORT).toAbsolutePath());
        boolean failed = ((List<?>) result.get("studies")).stream().anyMatch(s -> {
            Object rc = ((Map<?, ?>) s).get("exit_code");
            return rc instanceof Integer i && i != 0;
        });
        return failed ? Main.ENVIRONMENT : 0;
    }

    /**
     * "  (4) TITLE  VERDICT", the verdicts in one column after the longest title (a fixed 58 columns ran
     * longer titles into their verdict: "lowers the spread quickly inconclusive").
     */
    static List<String> verdictLines(List<?> claims) {
        int idWidth = 0;
        int titleWidth = 0;
        for (Object o : claims) {
            Map<?, ?> c = (Map<?, ?>) o;
            idWidth = Math.max(idWidth, String.valueOf(c.get("id")).length());
            titleWidth = Math.max(titleWidth, String.valueOf(c.get("title")).length());
        }
        List<String> lines = new ArrayList<>();
        for (Object o : claims) {
            Map<?, ?> c = (Map<?, ?>) o;
            lines.add(String.format("  %-" + (idWidth + 2) + "s %-" + titleWidth + "s  %s", "(" + c.get("id") + ")", c.get("title"), c.get("verdict")));
        }
        return lines;
    }

    static int launch(org.layerwise.study.Study study, StudyUse use, Map<String, String> settings, Path folder, List<String> executor, boolean wait,
            PrintStream out, boolean terminal) {
        List<String> a = new ArrayList<>(List.of("--preset", use.preset(), "--out", folder.toString()));
        settings.forEach((k, v) -> a.addAll(List.of("--" + k, v)));
        if (wait) {
            a.add("--wait");
        }
        a.addAll(executor); // none: the study trains here
        return StudyCommand.run(study, a, out, terminal);
    }

    static void list(Reproduction r, List<Claim> claims, PrintStream out) {
        out.println("claims at the " + r.scale().id() + " scale (" + r.scale().description() + "):");
        for (Claim c : claims) {
            Claim.Setting s = c.at(r.scale());
            out.println();
            out.println("(" + c.id() + ") " + c.title() + "  [" + c.paper() + "]");
            out.println("    " + c.source().tag() + " \"" + c.statement() + "\"");
            out.println("    setting: " + (s.notTestable() != null ? "not testable: " + s.notTestable() : s.description()));
            s.uses().forEach(u -> out.println("      " + u.command()));
            out.println("    test: " + c.rule());
        }
        out.println();
        out.println("studies (each runs once):");
        r.plan().forEach(p -> out.println("  " + p.folder() + "  for claim(s) " + String.join(", ", p.claims())));
    }
}
