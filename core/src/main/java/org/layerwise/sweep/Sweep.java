package org.layerwise.sweep;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.layerwise.config.ConfigException;
import org.layerwise.study.RunSpec;
import org.layerwise.study.Study;
import org.layerwise.study.StudyConfig;
import org.layerwise.study.StudyRunner;

/**
 * The sweep operations every launcher shares: plan a spec into a manifest, and run one entry of a
 * manifest ("job i of N", what a Slurm array task or any other launcher calls). The local executor,
 * Slurm submission, status and collection build on these.
 */
public final class Sweep {
    /** Entries listed by {@link #plan} before it only counts the rest. */
    private static final int LISTED = 25;

    private Sweep() {
    }

    /**
     * Expands a spec, checks every entry, writes {@code out/manifest.json} and prints how many runs
     * and what they cost.
     *
     * @param rate cost units per second per thread; null to measure it now ({@link CostModel#calibrate});
     *             a rate of 0 prints the compute without a time
     */
    public static Manifest plan(Path specFile, Path out, CostModel.Rate rate, PrintStream log) {
        SweepSpec spec = SweepSpec.read(specFile);
        Manifest m = Manifest.plan(spec);
        SweepFolder folder = new SweepFolder(out);
        folder.writeManifest(m);
        log.printf("sweep '%s' of study %s: %d entr%s, %d runs; manifest %s%n", m.sweep(), m.study(), m.entries().size(),
                m.entries().size() == 1 ? "y" : "ies", m.size(), folder.manifestFile());
        int shown = 0;
        for (Manifest.Entry e : m.entries()) {
            if (shown++ == LISTED) {
                log.printf("  ... and %d more entries (all in the manifest)%n", m.entries().size() - LISTED);
                break;
            }
            log.printf("  %-50s %4d runs  %s%n", e.label(), e.runIds().size(), e.folder());
        }
        printEstimate(m, rate == null ? CostModel.calibrate(m) : rate, log);
        return m;
    }

    /** Prints the compute a manifest asks for, and the time at {@code rate} on this machine. */
    public static void printEstimate(Manifest m, CostModel.Rate rate, PrintStream log) {
        double cost = m.totalCost();
        log.printf("compute: at most %s %s%n", CostModel.amount(cost), m.costUnit());
        if (rate == null) {
            log.println("  (no rate for this study; give --flops-per-second for a time estimate)");
            return;
        }
        if (!(rate.perThread() > 0)) {
            return;
        }
        double threadSeconds = cost / rate.perThread();
        int cores = Runtime.getRuntime().availableProcessors();
        log.printf(Locale.ROOT, "  at %s per second per thread (%s): at most %s of one thread, about %s on this machine's %d threads%n",
                CostModel.amount(rate.perThread()), rate.how(), CostModel.duration(threadSeconds), CostModel.duration(threadSeconds / cores), cores);
    }

    /**
     * Runs run {@code index} of a manifest through {@link StudyRunner#runOne}: the run's lock, verification,
     * resume from its checkpoint, and never a second training of a complete run. Records the outcome in
     * the sweep's events.
     *
     * @param threads the thread budget of this run (e.g. SLURM_CPUS_PER_TASK), 0 for the entry's setting
     * @return 0 when the run is complete, 1 when it failed
     */
    public static int runOne(Path manifestFile, int index, int threads, List<String> commandLine, PrintStream log) {
        Manifest m = Manifest.read(manifestFile);
        SweepFolder sweep = new SweepFolder(Manifest.sweepDir(manifestFile));
        Manifest.Slot slot = m.slot(index);
        Study study = m.studyImpl();
        StudyConfig config = entryConfig(m, slot.entry(), threads);
        List<RunSpec> plan = study.plan(config);
        if (slot.planIndex() >= plan.size() || !plan.get(slot.planIndex()).id().equals(slot.runId())) {
            throw new ConfigException(manifestFile + ": run " + index + " is " + slot.key() + " in the manifest, but this layerwise plans "
                    + (slot.planIndex() < plan.size() ? plan.get(slot.planIndex()).id() : "no such run") + " there; plan the sweep again");
        }
        StudyRunner runner = new StudyRunner(study, config, sweep.entryDir(slot.entry()),
                new StudyRunner.Options(true, true, commandLine, false, true), log);
        long t0 = System.nanoTime();
        StudyRunner.Outcome o;
        try {
            o = runner.runOne(slot.planIndex());
        } catch (StudyRunner.StoppedException e) {
            sweep.event("stopped", slot, Map.of());
            throw e;
        } catch (RuntimeException e) {
            sweep.event("failed", slot, Map.of("message", String.valueOf(e.getMessage())));
            throw e;
        }
        String state = String.valueOf(o.summary().get("state"));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
        switch (state) {
            case "trained" -> sweep.event("trained", slot, details);
            case "failed" -> {
                details.put("message", o.summary().get("message"));
                sweep.event("failed", slot, details);
            }
            default -> { }
        }
        log.println(slot.key() + ": " + (state.equals("complete") ? "already complete" : state));
        return o.failedRuns().isEmpty() ? 0 : 1;
    }

    /** An entry's config, with this process's thread budget when the study has a "threads" setting. */
    static StudyConfig entryConfig(Manifest m, Manifest.Entry e, int threads) {
        Study study = m.studyImpl();
        Map<String, Object> v = new LinkedHashMap<>(m.config(e).asMap());
        if (threads > 0 && v.containsKey("threads")) {
            v.put("threads", study.spec().parse("threads", Integer.toString(threads)));
        }
        return study.config(v);
    }
}
