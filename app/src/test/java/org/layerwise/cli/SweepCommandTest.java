package org.layerwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Json;
import org.layerwise.sweep.Slurm;
import org.layerwise.sweep.SweepFolder;

/** The sweep command line: plan, run, run-one, submit --dry-run, status, collect; bad input is one line; a killed executor loses nothing. */
class SweepCommandTest {
    static final String TINY = """
            name: tiny
            study: scaling
            base:
              preset: quick
              settings: {train-size: 200, batch-size: 50, max-updates: 60, depth-min: 3, depth-max: 8, depth-base: 2, seeds: 1,
                         epsilon: 0, checkpoint-every: 20}
            axes:
              activation: [tanh, relu]
            """;

    /** One entry, depths 16..128: runs of about a second, checkpointed every 50 updates. */
    static final String SLOW = """
            name: slow
            study: scaling
            base:
              preset: quick
              settings: {train-size: 200, batch-size: 50, max-updates: 1500, depth-min: 16, depth-max: 128, depth-base: 2, seeds: 1,
                         epsilon: 0, checkpoint-every: 50}
            """;

    record Out(int code, String out, String err) {
    }

    static Out run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static Path spec(Path dir, String name, String text) throws Exception {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), text);
    }

    /** How many times each run was trained, from the sweep's events. */
    static Map<String, Integer> trained(Path sweep) {
        Map<String, Integer> m = new TreeMap<>();
        for (JsonNode e : new SweepFolder(sweep).events()) {
            if (e.path("event").asText().equals("trained")) {
                m.merge(e.path("run").asText(), 1, Integer::sum);
            }
        }
        return m;
    }

    @Test
    void planPrintsTheRunsAndTheirCompute(@TempDir Path tmp) throws Exception {
        Path s = spec(tmp, "tiny.yaml", TINY);
        Out r = run("sweep", "plan", s.toString(), "--out", tmp.resolve("sw").toString(), "--flops-per-second", "1e9");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("sweep 'tiny' of study scaling: 2 entries, 4 runs"), r.out());
        assertTrue(r.out().contains("activation=relu"), r.out());
        assertTrue(r.out().contains("compute: at most 4.32e+07 FLOPs (6·B·d²·L per update"), r.out()); // 6·50·10²·(4+8)·60 · 2 entries
        assertTrue(r.out().contains("at 1.00e+09 per second per thread (given with --flops-per-second)"), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("sw/manifest.json")));
    }

    @Test
    void badInputIsOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path bad = spec(tmp, "bad.yaml", TINY.replace("[tanh, relu]", "[tanh, sigmoid]"));
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"sweep", "plan", bad.toString(), "--out", out.toString()},
            {"sweep", "run", bad.toString(), "--out", out.toString()},
            {"sweep", "submit", bad.toString(), "--slurm", "--out", out.toString()},
            {"sweep", "submit", spec(tmp, "ok.yaml", TINY).toString(), "--out", out.toString()},
            {"sweep", "plan", tmp.resolve("missing.yaml").toString(), "--out", out.toString()},
            {"sweep", "run-one", out.toString(), "--index", "0"},
            {"sweep", "status", out.toString()},
            {"sweep", "frobnicate"},
            {"sweep", "plan", bad.toString(), "--out", out.toString(), "--threads", "2"},
            {"scaling", "--executor", "pbs", "--out", out.toString()},
            {"scaling", "--executor", "slurm", "--throttle", "-1", "--out", out.toString()},
        };
        String[] expect = {
            "bad.yaml: axes.activation[1]: activation: unknown value 'sigmoid'",
            "bad.yaml: axes.activation[1]",
            "bad.yaml: axes.activation[1]",
            "sweep submit: say where to: --slurm",
            "missing.yaml: config file not found",
            "no sweep manifest here",
            "not found; give a sweep folder or its spec",
            "unknown subcommand 'frobnicate'",
            "sweep plan: unknown option --threads",
            "executor: unknown value 'pbs'; allowed: one of local, slurm",
            "throttle: '-1' is not valid",
        };
        for (int i = 0; i < cases.length; i++) {
            Out r = run(cases[i]);
            assertEquals(2, r.code(), String.join(" ", cases[i]) + ": " + r.err() + r.out());
            assertTrue(r.err().contains(expect[i]), "expected '" + expect[i] + "' in: " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", cases[i]));
        }
    }

    @Test
    void runOneTakesItsIndexFromTheCommandLine(@TempDir Path tmp) throws Exception {
        Path s = spec(tmp, "tiny.yaml", TINY);
        Path sw = tmp.resolve("sw");
        assertEquals(0, run("sweep", "plan", s.toString(), "--out", sw.toString(), "--flops-per-second", "0").code());
        Out missing = run("sweep", "run-one", sw.resolve("manifest.json").toString());
        if (System.getenv("SLURM_ARRAY_TASK_ID") == null) {
            assertEquals(2, missing.code());
            assertTrue(missing.err().contains("index: missing; give --index I"), missing.err());
        }
        Out far = run("sweep", "run-one", sw.toString(), "--index", "4");
        assertEquals(2, far.code());
        assertTrue(far.err().contains("index: 4 is out of range; this sweep has runs 0 to 3"), far.err());
        Out one = run("sweep", "run-one", sw.toString(), "--index", "2", "--threads", "1");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains(": trained"), one.out());
        Out status = run("sweep", "status", sw.toString());
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("complete 1 · not started 3"), status.out());
    }

    @Test
    void runThenStatusThenCollectFromTheSpec(@TempDir Path tmp) throws Exception {
        Path s = spec(tmp, "tiny.yaml", TINY);
        Path sw = tmp.resolve("sw");
        Out r = run("sweep", "run", s.toString(), "--out", sw.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("sweep 'tiny': 4 of 4 runs complete (4 trained now), 0 failed"), r.out());
        assertTrue(r.out().contains("report: "), r.out());
        assertTrue(Files.isRegularFile(sw.resolve("runs.csv")));
        Out st = run("sweep", "status", s.toString(), "--out", sw.toString());
        assertTrue(st.out().contains("complete 4"), st.out());
        assertTrue(st.out().contains("compute: 100% of"), st.out());
        Out c = run("sweep", "collect", sw.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("0 entries analysed now, 2 up to date"), c.out());
    }

    @Test
    void submitDryRunWritesARequeueSafeArrayScript(@TempDir Path tmp) throws Exception {
        Path s = spec(tmp, "tiny.yaml", TINY);
        Path sw = tmp.resolve("sw");
        Out r = run("sweep", "submit", s.toString(), "--slurm", "--dry-run", "--out", sw.toString(), "--flops-per-second", "0",
                "--partition", "gpu", "--time", "1:00:00", "--cpus-per-task", "4", "--gpus", "1", "--mem", "8G", "--throttle", "3",
                "--account", "proj-42");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dry run, not submitted: sbatch --parsable --array=0-3%3 "), r.out());
        String script = Files.readString(sw.resolve("slurm/tiny.sbatch"));
        for (String line : List.of("#SBATCH --partition=gpu", "#SBATCH --time=1:00:00", "#SBATCH --cpus-per-task=4", "#SBATCH --gpus=1",
                "#SBATCH --mem=8G", "#SBATCH --account=proj-42", "#SBATCH --requeue", "#SBATCH --open-mode=append", "#SBATCH --signal=B:TERM@120")) {
            assertTrue(script.contains(line + "\n"), line + " in\n" + script);
        }
        assertTrue(script.contains(" sweep run-one " + sw.resolve("slurm").toAbsolutePath()), script);
        assertTrue(script.contains("--index $((SLURM_ARRAY_TASK_ID + OFFSET))"), script);
        assertTrue(script.contains("exec "), "exec: the JVM itself receives Slurm's SIGTERM and checkpoints");
        assertFalse(Files.exists(sw.resolve("slurm/jobs.jsonl")), "nothing submitted");
        // the copy the tasks index into points back at the sweep folder
        Path copy;
        try (var files = Files.list(sw.resolve("slurm"))) {
            copy = files.filter(p -> p.getFileName().toString().startsWith("manifest-")).findFirst().orElseThrow();
        }
        assertEquals("..", Json.read(copy).path("root").asText());
        Out bad = run("sweep", "submit", s.toString(), "--slurm", "--dry-run", "--out", sw.toString(), "--partition", "gpu; rm -rf /");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("partition: 'gpu; rm -rf /' is not valid"), bad.err());
    }

    /** The local executor killed (SIGKILL) mid-sweep and started again: no run lost, none trained twice, the killed one resumed. */
    @Test
    void aKilledExecutorLosesNoRunAndTrainsNoneTwice(@TempDir Path tmp) throws Exception {
        Path s = spec(tmp, "slow.yaml", SLOW);
        Path sw = tmp.resolve("sw");
        List<String> cmd = new ArrayList<>(Slurm.thisJvm());
        cmd.addAll(List.of("sweep", "run", s.toString(), "--out", sw.toString(), "--threads", "1", "--parallel", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("first.log").toFile()).start();
        Path depths = sw.resolve("entries");
        long deadline = System.nanoTime() + 90_000_000_000L;
        Path done = null;
        Path midway = null;
        try {
            // wait until one run is complete and the next has checkpointed
            while (System.nanoTime() < deadline && (done == null || midway == null)) {
                Thread.sleep(20);
                if (!Files.isDirectory(depths)) {
                    continue;
                }
                try (var walk = Files.walk(depths)) {
                    for (Path f : walk.toList()) {
                        if (f.getFileName().toString().equals("result.json")) {
                            done = f.getParent();
                        } else if (f.getFileName().toString().equals("checkpoint.bin") && done != null && !f.getParent().equals(done)) {
                            midway = f.getParent();
                        }
                    }
                } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                    // a file moved while listing
                }
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(done != null && midway != null, "caught mid-sweep: " + Files.readString(tmp.resolve("first.log")));
        FileTime doneAt = Files.getLastModifiedTime(done.resolve("result.json"));
        Map<String, Integer> before = trained(sw);
        assertEquals(1, before.size(), "one run finished before the kill: " + before);
        Out status = run("sweep", "status", sw.toString());
        assertTrue(status.out().contains("interrupted"), "the killed run is seen as interrupted, its lock free: " + status.out());
        Out again = run("sweep", "run", s.toString(), "--out", sw.toString(), "--threads", "1", "--parallel", "1");
        assertEquals(0, again.code(), again.err() + again.out());
        assertTrue(again.out().contains("1 already complete; 3 to train"), again.out());
        assertTrue(again.out().contains("resumed from its checkpoint at update"), again.out());
        Map<String, Integer> after = trained(sw);
        assertEquals(4, after.size(), after.toString());
        after.values().forEach(n -> assertEquals(1, n, "no run trained twice: " + after));
        assertEquals(doneAt, Files.getLastModifiedTime(done.resolve("result.json")), "the finished run was not redone");
        JsonNode resumed = Json.read(midway.resolve("result.json"));
        assertTrue(resumed.path("resumed_at_update").asLong() > 0, resumed.toString());
    }
}
