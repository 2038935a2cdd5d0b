package org.layerwise.study.elr;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.config.OutputFolder;
import org.layerwise.study.GroupCommand;

/**
 * {@code layerwise elr analyze FOLDER [--out DIR] [--freeze-after K]}: the analyses of one recorded run
 * folder ({@link RecordedRunAnalysis}), whoever recorded it: {@code python/layerwise_probe.py} in a user's
 * own training loop, or a run of an ELR study. Offered by every ELR study as a command of the group
 * ({@link ElrStudy#groupCommands()}); the command line dispatches to it without naming it.
 */
final class AnalyzeCommand implements GroupCommand {
    static final AnalyzeCommand INSTANCE = new AnalyzeCommand();
    /** Replay (b)'s default k, as {@code elr model-check}'s freeze-after. */
    static final int FREEZE_AFTER = 20;

    private AnalyzeCommand() {
    }

    @Override
    public String word() {
        return "analyze";
    }

    @Override
    public String synopsis() {
        return "analyze FOLDER";
    }

    @Override
    public String summary() {
        return "model check, critical LR and report of one run folder, e.g. one written by python/layerwise_probe.py";
    }

    @Override
    public String help() {
        return """
                layerwise %s analyze FOLDER [--out DIR] [--freeze-after K]

                Analyses one recorded run folder, from the folder alone (no training, no libtorch): a folder written by
                python/layerwise_probe.py in your own PyTorch training loop, or a run of an ELR study (STUDY/runs/RUN).
                  - the model check: the ELR model replayed (a) with the measured base gradients, (b) with them frozen after
                    K recorded steps, (c) as Algorithm 1's random walk, against the measured sigma and ELR (SGD runs);
                  - the critical LR predicted from the recorded ELRs against the rate used, and whether the extreme layers
                    kept their order on consecutive steps where the prediction says they would;
                  - the per-layer figures of 'elr train' (heatmaps of ELR, sigma and base gradient; spread; loss);
                  - what it could not analyse, and what that would need (e.g. a file the folder lacks).
                Writes summary.json, plots/ and report.html; the report marks a run layerwise did not train as external.

                  FOLDER            the run folder: layers.json, steps.csv, QUANTITY.npy (see docs/elr-study.md)
                  --out DIR         where the report goes (default: FOLDER itself)
                  --freeze-after K  replay (b): base gradients held at their mean over the first K recorded steps (default %d,
                                    at most half the recorded steps)
                """.formatted(ElrStudy.GROUP, FREEZE_AFTER);
    }

    @Override
    public int run(List<String> args, PrintStream out) {
        List<String> positional = new ArrayList<>();
        String outDir = null;
        String freeze = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String key = a.startsWith("--") ? a.substring(2) : null;
            String value = null;
            if (key != null && key.contains("=")) {
                value = key.substring(key.indexOf('=') + 1);
                key = key.substring(0, key.indexOf('='));
            }
            if (key == null) {
                positional.add(a);
                continue;
            }
            if (!key.equals("out") && !key.equals("freeze-after")) {
                throw new ConfigException("analyze: unknown option --" + key + "; options: --out DIR, --freeze-after K");
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(key + ": missing value after --" + key);
                }
                value = args.get(++i);
            }
            if (key.equals("out")) {
                outDir = value;
            } else {
                freeze = value;
            }
        }
        if (positional.size() != 1) {
            throw new ConfigException("analyze: expected one run folder (layerwise " + ElrStudy.GROUP + " analyze FOLDER), got "
                    + (positional.isEmpty() ? "none" : positional.size() + ": " + String.join(" ", positional)));
        }
        int k = FREEZE_AFTER;
        if (freeze != null) {
            try {
                k = Integer.parseInt(freeze.trim());
            } catch (NumberFormatException e) {
                k = 0;
            }
            if (k < 1) {
                throw new ConfigException("freeze-after: '" + ConfigException.quote(freeze) + "' is not valid; allowed: an integer >= 1");
            }
        }
        RecordedRun run = RecordedRun.open(Path.of(positional.get(0)));
        Path dest = outDir == null ? run.dir : OutputFolder.check("out", outDir);
        try {
            Files.createDirectories(dest);
        } catch (java.io.IOException e) {
            throw new org.layerwise.io.EnvironmentException("could not create " + dest + ": " + e.getMessage());
        }
        RecordedRunAnalysis analysis = new RecordedRunAnalysis(run, dest, k);
        Map<String, Object> summary = analysis.write();
        out.println("  " + summary.get("headline"));
        @SuppressWarnings("unchecked")
        List<String> evidence = (List<String>) summary.get("evidence");
        evidence.forEach(e -> out.println("  " + e));
        out.println("report: " + dest.resolve("report.html").toAbsolutePath());
        return 0;
    }
}
