package org.layerwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Csv;
import org.layerwise.io.Json;
import org.layerwise.sweep.Slurm;

/**
 * A real Slurm cluster: {@code .ci/slurm-cluster} starts munged, slurmctld and slurmd on this machine
 * (private config, ports and socket), the tests submit job arrays to it through the command line a
 * user types, and the daemons are stopped by their PIDs afterwards, also when a test fails. Skipped
 * only where no cluster can be started (not root, slurm-wlm or munge missing), and then it says so
 * loudly.
 */
class SlurmClusterTest {
    private static Path cluster;
    private static Map<String, String> env;
    private static final List<Long> PIDS = new ArrayList<>();

    record Out(int code, String out) {
    }

    @BeforeAll
    static void startCluster() throws Exception {
        Path script = repoRoot().resolve(".ci/slurm-cluster");
        cluster = Files.createTempDirectory("layerwise-slurm-test");
        Process p = new ProcessBuilder(script.toString(), "start", cluster.toString()).redirectErrorStream(true)
                .redirectOutput(cluster.resolve("start.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(".ci/slurm-cluster start did not finish in 60 s: " + Files.readString(cluster.resolve("start.log")));
        }
        String log = Files.readString(cluster.resolve("start.log"));
        readPids(); // whatever started, it is stopped in stopCluster
        if (p.exitValue() == 3) {
            String reason = log.strip().lines().reduce((a, b) -> b).orElse("?");
            String msg = "SKIPPED LOUDLY: the real Slurm test did not run: " + reason
                    + " (CI installs slurm-wlm and munge and runs as root; see .ci/run)";
            System.err.println("\n*** " + msg + " ***\n");
            Assumptions.assumeTrue(false, msg);
        }
        assertEquals(0, p.exitValue(), ".ci/slurm-cluster start failed: " + log);
        assertTrue(log.contains("SLURM_CONF="), log);
        env = Map.of("SLURM_CONF", cluster.resolve("slurm.conf").toString());
    }

    private static void readPids() throws IOException {
        Path f = cluster.resolve("pids");
        if (Files.isRegularFile(f)) {
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank()) {
                    PIDS.add(Long.parseLong(line.trim()));
                }
            }
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster == null) {
            return;
        }
        try {
            new ProcessBuilder(repoRoot().resolve(".ci/slurm-cluster").toString(), "stop", cluster.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } finally {
            for (long pid : PIDS) { // by PID, and only the daemons this test started
                if (running(pid)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        for (long pid : PIDS) {
            assertFalse(running(pid), "daemon " + pid + " still runs");
        }
        try (var walk = Files.walk(cluster)) { // the cluster's own folder: config, key, state, logs
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // left in the temp folder
        }
    }

    /** Alive and not a zombie (a daemon's parent is init, which may reap it a little later). */
    private static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException e) {
            return false; // gone meanwhile
        }
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".ci/slurm-cluster"))) {
                return p;
            }
        }
        throw new IllegalStateException("no .ci/slurm-cluster above " + Path.of("").toAbsolutePath());
    }

    /** The layerwise command line in a process of its own, with the cluster's SLURM_CONF (as a user's shell has it). */
    private static Out cli(Path log, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(Slurm.thisJvm());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().remove("SLURM_ARRAY_TASK_ID");
        Process p = pb.start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("layerwise " + String.join(" ", args) + " did not finish: " + Files.readString(log));
        }
        return new Out(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static String command(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** The same spec, run here and on Slurm, collects to the same table: same runs, same ids, bit-identical figures. */
    @Test
    void aSweepRunsLocallyAndOnSlurmToTheSameTable(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.spec(tmp, "tiny.yaml", SweepCommandTest.TINY);
        Path local = tmp.resolve("local");
        Path onSlurm = tmp.resolve("slurm");
        SweepCommandTest.Out l = SweepCommandTest.run("sweep", "run", spec.toString(), "--out", local.toString(), "--threads", "2",
                "--threads-per-run", "1");
        assertEquals(0, l.code(), l.err() + l.out());
        Out s = cli(tmp.resolve("submit.log"), "sweep", "submit", spec.toString(), "--slurm", "--out", onSlurm.toString(), "--cpus-per-task", "1",
                "--throttle", "2", "--wait", "--poll-seconds", "0.5", "--flops-per-second", "0");
        assertEquals(0, s.code(), s.out());
        assertTrue(s.out().contains("slurm: submitted array job"), s.out());
        assertTrue(s.out().contains("(--array=0-3%2)"), s.out());
        assertTrue(s.out().contains("slurm: complete 4"), s.out());
        assertTrue(s.out().contains("collected: 4 of 4 runs complete"), s.out());
        for (int task = 0; task < 4; task++) {
            String id = Slurm.jobs(new org.layerwise.sweep.SweepFolder(onSlurm)).get(0).id();
            String taskLog = Files.readString(onSlurm.resolve("slurm/logs/" + id + "_" + task + ".out"));
            assertTrue(taskLog.contains(": trained"), taskLog);
        }
        // one table: same rows and figures, whichever executor trained them (only the wall time differs)
        Csv.Columns a = Csv.readColumns(local.resolve("runs.csv"));
        Csv.Columns b = Csv.readColumns(onSlurm.resolve("runs.csv"));
        assertEquals(a.header(), b.header());
        assertEquals(Files.readAllLines(local.resolve("runs.csv")).size(), 5);
        List<String> ra = Files.readAllLines(local.resolve("runs.csv"));
        List<String> rb = Files.readAllLines(onSlurm.resolve("runs.csv"));
        int seconds = a.header().indexOf("seconds");
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(withoutColumn(ra.get(i), seconds), withoutColumn(rb.get(i), seconds), "row " + i);
        }
        JsonNode ea = Json.read(local.resolve("entries.json"));
        JsonNode eb = Json.read(onSlurm.resolve("entries.json"));
        assertEquals(ea, eb, "the entries' summaries (exponents, intervals, regimes) are identical");
        Out st = cli(tmp.resolve("status.log"), "sweep", "status", onSlurm.toString());
        assertTrue(st.out().contains("complete 4"), st.out());
        assertFalse(st.out().contains("squeue is not available"), st.out());
    }

    /** The ELR study's quick preset (at toy size) as a sweep, here and on Slurm: the same table. */
    @Test
    void anElrSweepRunsLocallyAndOnSlurmToTheSameTable(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.spec(tmp, "elr.yaml", """
                name: elr-tiny
                study: elr-trainability
                base:
                  preset: quick
                  settings: {dataset: synthetic, train-size: 128, test-size: 64, depths: "8", residuals: "short,no-short", warmups: "none",
                             steps: 10, batch-size: 16, threads: 1, report-every-seconds: 0, seeds: 1}
                axes:
                  lr: [0.1, 0.5]
                """);
        sameTableHereAndOnSlurm(tmp, spec);
    }

    /**
     * The conv scaling study, added after the sweep and the CLI were written and touching neither, as a sweep here
     * and on Slurm (the same table), and handing its own grid to Slurm with {@code --executor slurm}.
     */
    @Test
    void theConvScalingStudySweepsHereAndOnSlurmToTheSameTable(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.spec(tmp, "conv.yaml", """
                name: conv-tiny
                study: scaling-conv
                base:
                  preset: quick
                  settings: {dataset: synthetic, train-size: 64, test-size: 32, width: 4, depths: "8,11", batch-size: 16, max-updates: 6,
                             checkpoint-every: 3, threads: 1}
                axes:
                  lr: [0.01, 0.02]
                """);
        sameTableHereAndOnSlurm(tmp, spec);
        Path study = tmp.resolve("study");
        Out e = cli(tmp.resolve("executor.log"), "scaling-conv", "--preset", "quick", "--dataset", "synthetic", "--train-size", "64", "--test-size", "32",
                "--width", "4", "--depths", "8,11", "--batch-size", "16", "--max-updates", "6", "--threads", "1", "--out", study.toString(),
                "--executor", "slurm", "--cpus-per-task", "1", "--poll-seconds", "0.5");
        assertEquals(0, e.code(), e.out());
        assertTrue(e.out().contains("(--array=0-1)"), "2 depths, one task each: " + e.out());
        assertTrue(Files.isRegularFile(study.resolve("report.html")), e.out());
        assertTrue(Files.isRegularFile(study.resolve("depths/L011-s0/result.json")), e.out());
    }

    /** A 4-run sweep, run here and submitted to Slurm: both complete, and their runs.csv agree but for the seconds. */
    private static void sameTableHereAndOnSlurm(Path tmp, Path spec) throws Exception {
        Path local = tmp.resolve("local");
        Path onSlurm = tmp.resolve("slurm");
        SweepCommandTest.Out l = SweepCommandTest.run("sweep", "run", spec.toString(), "--out", local.toString(), "--threads", "1",
                "--threads-per-run", "1");
        assertEquals(0, l.code(), l.err() + l.out());
        Out s = cli(tmp.resolve("submit.log"), "sweep", "submit", spec.toString(), "--slurm", "--out", onSlurm.toString(), "--cpus-per-task", "1",
                "--wait", "--poll-seconds", "0.5", "--flops-per-second", "0");
        assertEquals(0, s.code(), s.out());
        assertTrue(s.out().contains("collected: 4 of 4 runs complete"), s.out());
        List<String> ra = Files.readAllLines(local.resolve("runs.csv"));
        List<String> rb = Files.readAllLines(onSlurm.resolve("runs.csv"));
        assertEquals(5, ra.size(), String.join("\n", ra));
        int seconds = Csv.readColumns(local.resolve("runs.csv")).header().indexOf("seconds");
        for (int i = 0; i < ra.size(); i++) {
            assertEquals(withoutColumn(ra.get(i), seconds), withoutColumn(rb.get(i), seconds), "row " + i);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    private static String withoutColumn(String csvLine, int column) {
        String[] f = csvLine.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1); // commas outside quotes
        List<String> kept = new ArrayList<>(List.of(f));
        kept.remove(column);
        return String.join(",", kept);
    }

    /** A task requeued mid-run (as on preemption) gets SIGTERM, checkpoints, and its next start resumes from that checkpoint. */
    @Test
    void aRequeuedTaskResumesFromItsCheckpoint(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.spec(tmp, "long.yaml", """
                name: long
                study: scaling
                base:
                  preset: quick
                  settings: {train-size: 200, batch-size: 50, max-updates: 4000, depth-min: 100, depth-max: 128, depth-base: 2, seeds: 1,
                             epsilon: 0, checkpoint-every: 50}
                """);
        Path sw = tmp.resolve("sw");
        Out s = cli(tmp.resolve("submit.log"), "sweep", "submit", spec.toString(), "--slurm", "--out", sw.toString(), "--cpus-per-task", "1",
                "--flops-per-second", "0");
        assertEquals(0, s.code(), s.out());
        String job = Slurm.jobs(new org.layerwise.sweep.SweepFolder(sw)).get(0).id();
        Path run = sw.resolve("entries");
        Path checkpoint = null;
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (checkpoint == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
            if (Files.isDirectory(run)) {
                try (var walk = Files.walk(run)) {
                    checkpoint = walk.filter(p -> p.getFileName().toString().equals("checkpoint.bin")).findFirst().orElse(null);
                } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                    // a file replaced while listing
                }
            }
        }
        assertTrue(checkpoint != null, "the task checkpointed: " + command("squeue", "-h", "-r", "-o", "%i %T %r"));
        Path runDir = checkpoint.getParent();
        assertFalse(Files.exists(runDir.resolve("result.json")), "caught before the end; make the run longer if this fails");
        // as preemption does: the task gets SIGTERM, and Slurm starts it again once the old launch credential expired
        // (cred_expire=10 in .ci/slurm-cluster)
        String requeue = command("scontrol", "requeue", job + "_0");
        deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(runDir.resolve("result.json")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String taskLog = Files.readString(sw.resolve("slurm/logs/" + job + "_0.out"));
        assertTrue(Files.exists(runDir.resolve("result.json")), "requeue: " + requeue + "\n" + taskLog + "\n"
                + command("scontrol", "show", "job", job) + "\n" + tail(cluster.resolve("log/slurmctld.log"), 40));
        JsonNode result = Json.read(runDir.resolve("result.json"));
        assertTrue(result.path("resumed_at_update").asLong() > 0, "resumed from its checkpoint: " + result + "\n" + taskLog);
        assertTrue(taskLog.contains("(restart 1)"), taskLog);
        assertTrue(taskLog.contains("resumed from its checkpoint at update"), taskLog);
        Map<String, Integer> trained = SweepCommandTest.trained(sw);
        assertEquals(1, trained.size(), trained.toString());
        assertEquals(1, trained.values().iterator().next(), "trained once, across the two starts: " + trained);
        Out st = cli(tmp.resolve("status.log"), "sweep", "status", sw.toString());
        assertTrue(st.out().contains("complete 1"), st.out());
    }

    /** {@code layerwise scaling --executor slurm} hands its depth grid to Slurm and still produces its usual report. */
    @Test
    void theScalingStudyHandsItsGridToSlurm(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("study");
        Out r = cli(tmp.resolve("scaling.log"), "scaling", "--preset", "quick", "--train-size", "200", "--batch-size", "50", "--max-updates", "60",
                "--depth-min", "3", "--depth-max", "16", "--depth-base", "2", "--seeds", "1", "--epsilon", "0", "--out", out.toString(),
                "--executor", "slurm", "--cpus-per-task", "1", "--poll-seconds", "0.5");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("slurm: submitted array job"), r.out());
        assertTrue(r.out().contains("(--array=0-2)"), "3 depths, one task each: " + r.out());
        assertTrue(r.out().contains("beta_A"), r.out());
        assertTrue(r.out().contains("report: " + out.resolve("report.html").toAbsolutePath()), r.out());
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
        assertEquals("3 of 3 runs", Json.read(out.resolve("summary.json")).path("coverage").asText());
        // the same command again: nothing to submit, the report is drawn again
        Out again = cli(tmp.resolve("again.log"), "scaling", "--preset", "quick", "--train-size", "200", "--batch-size", "50", "--max-updates", "60",
                "--depth-min", "3", "--depth-max", "16", "--depth-base", "2", "--seeds", "1", "--epsilon", "0", "--out", out.toString(),
                "--executor", "slurm", "--cpus-per-task", "1", "--poll-seconds", "0.5");
        assertEquals(0, again.code(), again.out());
        assertTrue(again.out().contains("3 complete, 0 queued or running already, 0 to submit"), again.out());
    }

    /** {@code layerwise reproduce --executor slurm}: the same command as on a laptop, each study handed to Slurm, a verdict at the end. */
    @Test
    void reproduceHandsItsStudiesToSlurm(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("rep");
        Out r = cli(tmp.resolve("reproduce.log"), "reproduce", "--only", "6", "--out", out.toString(), "--executor", "slurm",
                "--cpus-per-task", "1", "--poll-seconds", "0.5");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("slurm: submitted array job"), r.out());
        JsonNode claim = Json.read(out.resolve("claims.json")).at("/claims/0");
        assertEquals("6", claim.path("id").asText());
        assertEquals("reproduced", claim.path("verdict").asText(), claim.path("reason").asText());
    }
}
