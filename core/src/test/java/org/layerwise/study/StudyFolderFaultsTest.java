package org.layerwise.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.AtomicFiles;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.Json;
import org.layerwise.study.scaling.ScalingConfig;
import org.layerwise.study.scaling.ScalingStudy;
import org.layerwise.train.StepView;
import org.layerwise.train.Trainer;
import org.layerwise.train.TrainingListener;

/** A study folder survives damage, kills, a second process and a growing grid, and never uses a bad run silently. */
class StudyFolderFaultsTest {
    private static Map<String, String> tiny() {
        Map<String, String> m = new HashMap<>(Map.of("train-size", "200", "batch-size", "50", "max-updates", "60", "depth-min", "3",
                "depth-max", "70", "depth-base", "2", "seeds", "1", "threads", "2", "checkpoint-every", "20"));
        m.put("epsilon", "0");
        return m;
    }

    private static ScalingConfig config(Map<String, String> flags) {
        return ScalingConfig.resolve(null, null, flags);
    }

    private static StudyRunner runner(ScalingConfig c, Path dir, ByteArrayOutputStream log, boolean repair) {
        return new StudyRunner(ScalingStudy.INSTANCE, c, dir, new StudyRunner.Options(false, repair, List.of("test"), false, false),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private static Map<String, Object> runAll(ScalingConfig c, Path dir) {
        return runner(c, dir, new ByteArrayOutputStream(), true).runAll().summary();
    }

    @Test
    void everyKindOfDamageIsNamedThenRepaired(@TempDir Path tmp) throws Exception {
        ScalingConfig c = config(tiny());
        runAll(c, tmp);
        JsonNode before = Json.read(tmp.resolve("summary.json")).get("exponents");
        byte[] goodA = Files.readAllBytes(tmp.resolve("depths/L00016-s0/A.npy"));
        Files.delete(tmp.resolve("depths/L00004-s0/A.npy"));                                          // missing
        byte[] b = Files.readAllBytes(tmp.resolve("depths/L00008-s0/b.npy"));
        Files.write(tmp.resolve("depths/L00008-s0/b.npy"), java.util.Arrays.copyOf(b, b.length - 7));  // truncated
        Files.copy(tmp.resolve("depths/L00004-s0/result.json"), tmp.resolve("depths/L00016-s0/result.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);                                    // from another depth
        Files.writeString(tmp.resolve("depths/L00032-s0/result.json"), "{\"run\": ");                  // unreadable
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> runner(c, tmp, log, false).runAll());
        String m = e.getMessage();
        assertTrue(m.startsWith("4 damaged run(s), not repaired"), m);
        assertTrue(m.contains("L00004-s0: A.npy is missing"), m);
        assertTrue(m.contains("L00008-s0: b.npy is truncated"), m);
        assertTrue(m.contains("L00016-s0: result.json belongs to run 'L00004-s0'"), m);
        assertTrue(m.contains("L00032-s0: result.json is unreadable"), m);
        assertEquals(1, m.lines().count());

        // report on the damaged folder: the sound runs only, the others named
        ByteArrayOutputStream rlog = new ByteArrayOutputStream();
        Map<String, Object> partial = StudyRunner.report(tmp, false, List.of("report"), new PrintStream(rlog)).summary();
        assertEquals("1 of 5 runs", partial.get("coverage"));
        assertTrue(rlog.toString().contains("reporting on 1 of 5 runs"), rlog.toString());
        assertTrue(rlog.toString().contains("L00008-s0: b.npy is truncated"), rlog.toString());

        // repaired: every damaged run redone, bit for bit as before
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        runner(c, tmp, again, true).runAll();
        assertTrue(again.toString().contains("damaged, redoing: L00016-s0"), again.toString());
        assertArrayEquals(goodA, Files.readAllBytes(tmp.resolve("depths/L00016-s0/A.npy")));
        assertEquals(before, Json.read(tmp.resolve("summary.json")).get("exponents"));
        for (String run : List.of("L00004-s0", "L00008-s0", "L00016-s0", "L00032-s0")) {
            assertTrue(new RunFolder(tmp.resolve("depths").resolve(run), run).verify().isEmpty(), run);
        }
    }

    /**
     * Two commands with different run-determining settings (or two studies) never share a folder: the
     * second is refused in one line naming the key, and the folder is left byte for byte as it was,
     * its lock file included.
     */
    @Test
    void aFolderOfOtherSettingsOrAnotherStudyIsRefusedUntouched(@TempDir Path tmp) throws Exception {
        Map<String, String> flags = tiny();
        flags.put("depth-max", "12");
        runAll(config(flags), tmp);
        Map<String, String> before = snapshot(tmp);
        Map<String, String> otherLr = new HashMap<>(flags);
        otherLr.put("lr", "0.07");
        String m = assertThrows(org.layerwise.config.ConfigException.class, () -> runAll(config(otherLr), tmp)).getMessage();
        assertTrue(m.startsWith("lr: the output folder " + tmp + " holds a study with lr = 0.05, not 0.07"), m);
        assertEquals(before, snapshot(tmp), "the refused command changed the folder");

        ObjectNode saved = (ObjectNode) Json.read(tmp.resolve("config.json"));
        saved.put("study", "elr-train");
        Json.write(tmp.resolve("config.json"), saved);
        before = snapshot(tmp);
        m = assertThrows(org.layerwise.config.ConfigException.class, () -> runAll(config(flags), tmp)).getMessage();
        assertTrue(m.contains("holds a 'elr-train' study, not 'scaling'"), m);
        assertEquals(before, snapshot(tmp), "the refused command changed the folder");
    }

    /** Every file under dir (hidden ones too) with a digest of its bytes. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    @Test
    void orphanedTemporaryFilesAreCleaned(@TempDir Path tmp) throws Exception {
        ScalingConfig c = config(tiny());
        runAll(c, tmp);
        Path top = tmp.resolve(".summary.json.x1" + AtomicFiles.TMP_SUFFIX);
        Path run = tmp.resolve("depths/L00008-s0/.A.npy.x2" + AtomicFiles.TMP_SUFFIX);
        Files.writeString(top, "half");
        Files.writeString(run, "half");
        runAll(c, tmp);
        assertFalse(Files.exists(top));
        assertFalse(Files.exists(run));
    }

    /** Files get the user's umask, like any file the user creates (they were 0600 before). */
    @Test
    void outputFilesFollowTheUmask(@TempDir Path tmp) throws Exception {
        Path reference = Files.createFile(tmp.resolve("reference"));
        AtomicFiles.writeString(tmp.resolve("written"), "x");
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("written"))));
    }

    /**
     * The deepest run is stopped at update 40 (checkpointed) while it trains on 2 threads; the grid then
     * grows. The next invocation resumes that depth instead of refusing it, on the 1 thread the runner
     * now gives it (two runs left, 2 threads), and ends bit-identical to an uninterrupted run on 2
     * threads: the kernel's results do not depend on the thread count (batches of 300: two chunks).
     */
    @Test
    void interruptedDepthResumesAfterTheGridGrowsBitIdentically(@TempDir Path tmp) throws Exception {
        Map<String, String> flags = tiny();
        flags.put("kernel-threads", "0");
        flags.put("depth-max", "40");
        flags.put("train-size", "600");
        flags.put("batch-size", "300"); // two kernel chunks: 2 threads split it, 1 thread runs both
        ScalingConfig c = config(flags);
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        // reference: the same run uninterrupted on 2 threads
        RunSpec deepest = ScalingStudy.INSTANCE.plan(c).get(3);
        assertEquals("L00032-s0", deepest.id());
        try (Study.Session s = ScalingStudy.INSTANCE.open(c, new PrintStream(new ByteArrayOutputStream()))) {
            RunFolder f = new RunFolder(straight.resolve(deepest.folder()), deepest.id());
            Files.createDirectories(f.dir());
            s.run(deepest, f, new RunContext(2, new TrainingListener() { }, () -> false, System.out));
        }
        // the interrupted run: stopped after update 40 on 2 threads
        AtomicBoolean stop = new AtomicBoolean();
        TrainingListener stopper = new TrainingListener() {
            @Override
            public void afterUpdate(StepView step) {
                stop.set(step.step() + 1 >= 40);
            }
        };
        try (Study.Session s = ScalingStudy.INSTANCE.open(c, new PrintStream(new ByteArrayOutputStream()))) {
            RunFolder f = new RunFolder(resumed.resolve(deepest.folder()), deepest.id());
            Files.createDirectories(f.dir());
            assertThrows(Trainer.Interrupted.class, () -> s.run(deepest, f, new RunContext(2, stopper, stop::get, System.out)));
            assertTrue(Files.exists(f.checkpoint()));
        }
        new StudyFolder(resumed).writeConfig(c);
        // the grid grows: depth-max 40 -> 70 adds L = 64; L = 32 must resume, not restart or refuse
        flags.put("depth-max", "70");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        runner(config(flags), resumed, log, true).runAll();
        assertTrue(log.toString().contains("L00032-s0: resumed from its checkpoint at update 40"), log.toString());
        JsonNode r = Json.read(resumed.resolve("depths/L00032-s0/result.json"));
        assertEquals(40, r.get("resumed_at_update").asInt());
        assertEquals(1, r.get("threads").asInt(), "a resumed run takes the runner's share, not its checkpoint's count");
        assertEquals(1, Json.read(resumed.resolve("depths/L00064-s0/result.json")).get("threads").asInt(), "a fresh run gets the runner's share");
        for (String f : List.of("A.npy", "b.npy", "delta.npy", "loss.csv")) {
            assertArrayEquals(Files.readAllBytes(straight.resolve("depths/L00032-s0").resolve(f)),
                    Files.readAllBytes(resumed.resolve("depths/L00032-s0").resolve(f)), f);
        }
        assertTrue(Files.exists(resumed.resolve("depths/L00064-s0/result.json")));
        // provenance names the threads each run really used (1 and 1 here), not the budget (2)
        JsonNode used = Json.read(resumed.resolve("provenance.json")).get("threads_used_per_run");
        assertEquals(1, used.get("L00032-s0").asInt());
        assertEquals(1, used.get("L00064-s0").asInt());
        used.fields().forEachRemaining(e -> assertEquals(Json.read(resumed.resolve("depths").resolve(e.getKey()).resolve("result.json"))
                .get("threads").asInt(), e.getValue().asInt(), e.getKey()));
    }

    @Test
    void secondProcessIsRefusedNamingTheHolderOrWaits(@TempDir Path tmp) throws Exception {
        ScalingConfig c = config(tiny());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (FolderLock held = FolderLock.acquire(tmp, false, "layerwise scaling --lr 0.1", new PrintStream(log))) {
            EnvironmentException e = assertThrows(EnvironmentException.class, () -> runAll(c, tmp));
            assertTrue(e.getMessage().contains("is in use by process " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("layerwise scaling --lr 0.1") && e.getMessage().contains("--wait"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("config.json")), "nothing written");
        }
        // --wait: the holder releases after a moment and the study goes on
        FolderLock again = FolderLock.acquire(tmp, false, "holder", new PrintStream(log));
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(800);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            again.close();
        });
        release.start();
        ByteArrayOutputStream waited = new ByteArrayOutputStream();
        new StudyRunner(ScalingStudy.INSTANCE, c, tmp, new StudyRunner.Options(true, true, List.of("test"), false, false),
                new PrintStream(waited)).runAll();
        release.join();
        assertTrue(waited.toString().contains("waiting for process"), waited.toString());
        assertTrue(Files.exists(tmp.resolve("summary.json")));
    }

    /** Holds the lock of args[0] until killed. */
    public static void main(String[] args) throws Exception {
        FolderLock.acquire(Path.of(args[0]), false, "holder that will be killed", System.out);
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(60_000);
    }

    @Test
    void lockOfAKilledProcessIsTakenOver(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StudyFolderFaultsTest.class.getName(),
                tmp.toString()).redirectErrorStream(true).start();
        String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertEquals("locked", first);
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> runAll(config(tiny()), tmp));
        assertTrue(e.getMessage().contains("process " + p.pid()), e.getMessage());
        p.destroyForcibly(); // kill -9: no chance to clean up
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        runner(config(tiny()), tmp, log, true).runAll();
        assertTrue(log.toString().contains("took over the lock") && log.toString().contains("process " + p.pid()), log.toString());
    }

    /** A folder written by layerwise 0.1 (flat config.json, result.json without checksums) still opens with report. */
    @Test
    void oldFoldersStillOpenWithReport(@TempDir Path tmp) throws Exception {
        ScalingConfig c = config(tiny());
        runAll(c, tmp);
        Files.writeString(tmp.resolve("config.json"), Json.toString(c.asMap()));
        for (String run : List.of("L00004-s0", "L00008-s0", "L00016-s0", "L00032-s0", "L00064-s0")) {
            Path r = tmp.resolve("depths").resolve(run).resolve("result.json");
            ObjectNode n = (ObjectNode) Json.read(r);
            n.remove("files");
            n.remove("run");
            Files.writeString(r, Json.toString(n));
        }
        Files.delete(tmp.resolve("summary.json"));
        StudyRunner.report(tmp, false, List.of("report"), new PrintStream(new ByteArrayOutputStream()));
        assertEquals("5 of 5 runs", Json.read(tmp.resolve("summary.json")).get("coverage").asText());
    }
}
