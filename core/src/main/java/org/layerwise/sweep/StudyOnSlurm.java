package org.layerwise.sweep;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyRunner;

/**
 * Any study's own grid on Slurm ({@code layerwise STUDY --executor slurm}): the study folder becomes a
 * sweep of one entry (its manifest in the study folder itself), its runs one array job; then it waits
 * for the tasks (squeue and the run folders) and analyses the folder as the study's own command does.
 * The same command again submits only what is neither complete nor queued.
 */
public final class StudyOnSlurm {
    private StudyOnSlurm() {
    }

    /**
     * What came of it.
     *
     * @param report     the study's analysis of its folder; null after a dry run (the script written, nothing submitted)
     * @param unfinished the runs that did not finish on Slurm, each as "run: state (detail)"
     */
    public record Result(StudyRunner.Report report, List<String> unfinished) {
    }

    /**
     * @param name        the sweep's name (the Slurm job's), e.g. the study and its preset
     * @param wait        wait for another process that owns the folder instead of refusing
     * @param commandLine the command as the user gave it (provenance, lock owner)
     */
    public static Result run(Study study, StudyConfig config, Path dir, String name, Slurm.Options options, double pollSeconds, boolean wait,
                             List<String> commandLine, PrintStream out) {
        // the folder must hold this study with these settings (or be new); config.json is recorded before anything is submitted
        new StudyRunner(study, config, dir, StudyRunner.Options.defaults(commandLine), out).participate(wait).close();
        Manifest m = Manifest.single(config, name);
        SweepFolder sweep = new SweepFolder(dir);
        sweep.writeManifest(m);
        Sweep.printEstimate(m, new CostModel.Rate(0, ""), out);
        Slurm.submit(sweep, m, options, out);
        if (options.dryRun()) {
            return new Result(null, List.of());
        }
        SweepStatus.Report r = Slurm.waitFor(sweep, Map.of(), pollSeconds, out);
        StudyRunner.Report report = StudyRunner.report(dir, true, commandLine, out);
        List<String> unfinished = new ArrayList<>();
        for (SweepStatus.State s : List.of(SweepStatus.State.FAILED, SweepStatus.State.INTERRUPTED, SweepStatus.State.DAMAGED)) {
            for (SweepStatus.Run x : r.in(s)) {
                unfinished.add(x.slot().runId() + ": " + x.state().word() + (x.detail().isEmpty() ? "" : " (" + x.detail() + ")"));
            }
        }
        return new Result(report, unfinished);
    }
}
