package org.layerwise.sweep;

import org.layerwise.study.Locks;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.layerwise.study.FolderLock;
import org.layerwise.study.RunFolder;

/**
 * Where every run of a sweep stands, read from any machine that sees the sweep folder, without the
 * scheduler's accounting: the run folders (a run is complete only when its result verifies), the run
 * locks (a run is being trained by whoever holds its lock, here or on a node), {@code squeue} for the
 * tasks of this sweep's arrays when it can be run, and the events for why a run failed.
 */
public final class SweepStatus {
    /** A run's state. */
    public enum State {
        COMPLETE("complete"), RUNNING("running"), QUEUED("queued"), FAILED("failed"), INTERRUPTED("interrupted"), DAMAGED("damaged"),
        NOT_STARTED("not started");

        private final String word;

        State(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** One run: its state and, where it helps, why (a failure's message, what is damaged, the queue state). */
    public record Run(Manifest.Slot slot, State state, String detail) {
    }

    /**
     * @param queueKnown whether squeue could be asked (else queued and running tasks are seen only through run locks)
     * @param executor   who holds the sweep folder's lock (a local executor), or ""
     */
    public record Report(Manifest manifest, List<Run> runs, boolean queueKnown, String executor) {
        public Map<State, Integer> counts() {
            Map<State, Integer> c = new EnumMap<>(State.class);
            for (State s : State.values()) {
                c.put(s, 0);
            }
            runs.forEach(r -> c.merge(r.state(), 1, Integer::sum));
            return c;
        }

        /** Whether some run is running or queued. */
        public boolean active() {
            return runs.stream().anyMatch(r -> r.state() == State.RUNNING || r.state() == State.QUEUED);
        }

        public List<Run> in(State s) {
            return runs.stream().filter(r -> r.state() == s).toList();
        }
    }

    private SweepStatus() {
    }

    public static Report read(SweepFolder sweep, Map<String, String> env) {
        Manifest m = sweep.manifest();
        // the queue first: a task that ends after this call shows up in its folder below
        Map<Integer, String> queue = Slurm.queue(sweep, env);
        Set<Integer> submitted = new HashSet<>();
        Map<Integer, String> taskOf = new HashMap<>();
        for (Slurm.Job j : Slurm.jobs(sweep)) {
            for (int i : j.indices()) {
                submitted.add(i);
                taskOf.put(i, j.id() + "_" + (i - j.offset()));
            }
        }
        Map<String, JsonNode> lastEvent = new HashMap<>();
        for (JsonNode e : sweep.events()) {
            lastEvent.put(e.path("run").asText(), e);
        }
        List<Run> runs = new ArrayList<>();
        for (Manifest.Slot s : m.slots()) {
            RunFolder f = Slurm.runFolder(sweep, s);
            RunFolder.Status st = f.status();
            Path lock = Locks.runLockFile(sweep.entryDir(s.entry()), Slurm.runFolderName(s));
            JsonNode ev = lastEvent.get(s.key());
            String q = queue == null ? null : queue.get(s.index());
            State state;
            String detail = "";
            if (st.state() == RunFolder.State.COMPLETE) {
                state = State.COMPLETE;
            } else if (Locks.isHeld(lock)) {
                state = State.RUNNING;
                detail = Locks.holderOf(lock);
            } else if (q != null) {
                state = q.startsWith("RUNNING") || q.startsWith("COMPLETING") ? State.RUNNING : State.QUEUED;
                detail = "slurm " + taskOf.getOrDefault(s.index(), "?") + " " + q;
            } else if (st.state() == RunFolder.State.DAMAGED) {
                state = State.DAMAGED;
                detail = String.join("; ", st.problems());
            } else if (ev != null && ev.path("event").asText().equals("failed")) {
                state = State.FAILED;
                detail = ev.path("message").asText("");
            } else if (ev != null && ev.path("event").asText().equals("stopped")) {
                state = State.INTERRUPTED;
                detail = "stopped" + (st.state() == RunFolder.State.PARTIAL ? ", resumes from its checkpoint" : "");
            } else if (queue != null && submitted.contains(s.index())) {
                state = State.FAILED;
                detail = "its Slurm task " + taskOf.get(s.index()) + " ended without a result; see " + SweepFolder.SLURM + "/logs/"
                        + taskOf.get(s.index()) + ".out" + (st.state() == RunFolder.State.PARTIAL ? " (it resumes from its checkpoint)" : "");
            } else if (st.state() == RunFolder.State.PARTIAL) {
                state = State.INTERRUPTED;
                detail = "resumes from its checkpoint";
            } else {
                state = State.NOT_STARTED;
            }
            runs.add(new Run(s, state, detail));
        }
        Path sweepLock = sweep.dir().resolve(FolderLock.FILE);
        String executor = m.entries().stream().noneMatch(e -> e.folder().equals(".")) && Locks.isHeld(sweepLock) ? Locks.holderOf(sweepLock) : "";
        return new Report(m, runs, queue != null, executor);
    }

    /** The counts line: "complete 40 · running 2 · queued 50 · failed 1 ...". */
    public static String countsLine(Report r) {
        List<String> parts = new ArrayList<>();
        r.counts().forEach((s, n) -> {
            if (n > 0 || s == State.COMPLETE) {
                parts.add(s.word() + " " + n);
            }
        });
        return String.join(" · ", parts);
    }

    /** Prints the report: counts, compute done and an estimate of the time left, and the runs that need attention. */
    public static void print(Report r, SweepFolder sweep, PrintStream log) {
        Manifest m = r.manifest();
        log.printf("sweep '%s' (study %s): %d runs in %d entr%s; folder %s%n", m.sweep(), m.study(), m.size(), m.entries().size(),
                m.entries().size() == 1 ? "y" : "ies", sweep.dir());
        log.println("  " + countsLine(r));
        double total = m.totalCost();
        double done = 0;
        double seconds = 0;
        double doneWithTime = 0;
        for (Run x : r.runs()) {
            if (x.state() == State.COMPLETE) {
                done += x.slot().cost();
                try {
                    double s = Slurm.runFolder(sweep, x.slot()).result().path("seconds").asDouble(Double.NaN);
                    if (s > 0) {
                        seconds += s;
                        doneWithTime += x.slot().cost();
                    }
                } catch (RuntimeException e) {
                    // no timing in this result
                }
            }
        }
        String left = "";
        int running = r.counts().get(State.RUNNING);
        if (seconds > 0 && done < total) {
            double perRun = doneWithTime / seconds;
            left = String.format(Locale.ROOT, "; finished runs did %s per second each: about %s left with %d running", CostModel.amount(perRun),
                    CostModel.duration((total - done) / perRun / Math.max(1, running)), Math.max(1, running));
        }
        log.printf(Locale.ROOT, "  compute: %.0f%% of %s %s done%s%n", total > 0 ? 100 * done / total : 100, CostModel.amount(total),
                m.costUnit().replaceFirst(" \\(.*", ""), left);
        if (!r.executor().isEmpty()) {
            log.println("  a local executor is running: " + r.executor());
        }
        if (!r.queueKnown()) {
            log.println("  (squeue is not available here: queued tasks are not shown, running runs are seen through their locks)");
        }
        for (State s : List.of(State.FAILED, State.DAMAGED, State.INTERRUPTED, State.RUNNING)) {
            List<Run> list = r.in(s);
            int shown = 0;
            for (Run x : list) {
                if (shown++ == 10) {
                    log.printf("  ... and %d more %s%n", list.size() - 10, s.word());
                    break;
                }
                log.println("  " + s.word() + ": " + x.slot().key() + (x.detail().isEmpty() ? "" : ": " + x.detail()));
            }
        }
        List<String> strays = strays(sweep, m);
        if (!strays.isEmpty()) {
            log.println("  entry folders not in this plan (from an earlier spec; left alone): " + String.join(", ", strays));
        }
    }

    /** Entry folders under entries/ that the manifest does not name. */
    static List<String> strays(SweepFolder sweep, Manifest m) {
        Path entries = sweep.dir().resolve("entries");
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(entries)) {
            return out;
        }
        Set<String> known = new HashSet<>();
        m.entries().forEach(e -> known.add(sweep.entryDir(e).getFileName().toString()));
        try (var s = Files.list(entries)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !known.contains(n)).sorted().forEach(out::add);
        } catch (java.io.IOException e) {
            // unlisted: nothing to report
        }
        return out;
    }
}
