package org.layerwise.sweep;

import org.layerwise.study.Locks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.EnvironmentException;
import org.layerwise.io.Json;
import org.layerwise.study.RunFolder;

/**
 * The local executor and run-one on real (tiny) scaling runs: everything trained once, idempotent,
 * crashes isolated, damage detected and redone, two executors on one sweep never train a run twice.
 */
class SweepExecutorTest {
    private static PrintStream quiet(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    @Test
    void runsEveryRunOnceThenDoesNothingAndCollects(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        Manifest m = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.TINY), dir);
        assertEquals(4, m.size());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalExecutor.Result r = TinySweeps.runLocal(dir, 2, 2, log);
        assertEquals(4, r.trained(), log.toString());
        assertTrue(r.failed().isEmpty(), r.failed().toString());
        Map<String, Integer> once = TinySweeps.trainedCounts(dir);
        assertEquals(4, once.size());
        once.values().forEach(n -> assertEquals(1, n));
        // again: every run verifies and is skipped
        LocalExecutor.Result again = TinySweeps.runLocal(dir, 2, 2, new ByteArrayOutputStream());
        assertEquals(0, again.trained());
        assertEquals(4, again.alreadyComplete());
        assertEquals(once, TinySweeps.trainedCounts(dir));
        // run-one on every index (what the array tasks do) finds them complete
        for (int i = 0; i < m.size(); i++) {
            assertEquals(0, Sweep.runOne(new SweepFolder(dir).manifestFile(), i, 1, List.of("test"), quiet(new ByteArrayOutputStream())));
        }
        assertEquals(once, TinySweeps.trainedCounts(dir));
        SweepCollect.Result c = SweepCollect.collect(new SweepFolder(dir), Map.of(), List.of("test"), quiet(new ByteArrayOutputStream()));
        assertEquals(2, c.entriesAnalysed());
        assertEquals(4, c.runRows().size());
        List<String> csv = Files.readAllLines(dir.resolve("runs.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(0).startsWith("index,entry,activation,run,depth,seed-index,state,"), csv.get(0));
        JsonNode entries = Json.read(dir.resolve("entries.json"));
        assertEquals(2, entries.size());
        assertEquals("2 of 2 runs", entries.get(0).path("coverage").asText());
        assertTrue(entries.get(0).has("exponents.beta_A.value"), entries.get(0).toString());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("beta_A"), "the report holds the cross-run plot inline");
        for (Manifest.Entry e : m.entries()) {
            assertTrue(Files.isRegularFile(dir.resolve(e.folder()).resolve("report.html")), "each entry has its study's own report");
        }
        // a second collect with nothing changed analyses nothing again
        assertEquals(0, SweepCollect.collect(new SweepFolder(dir), Map.of(), List.of("test"), quiet(new ByteArrayOutputStream())).entriesAnalysed());
    }

    @Test
    void aGrownDepthGridKeepsTheEntriesAndTrainsOnlyTheNewRuns(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        Manifest small = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.TINY), dir);
        TinySweeps.runLocal(dir, 2, 2, new ByteArrayOutputStream());
        Manifest grown = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.TINY.replace("depth-max: 8", "depth-max: 16")), dir);
        assertEquals(small.entries().stream().map(Manifest.Entry::id).toList(), grown.entries().stream().map(Manifest.Entry::id).toList());
        assertEquals(6, grown.size());
        LocalExecutor.Result r = TinySweeps.runLocal(dir, 2, 2, new ByteArrayOutputStream());
        assertEquals(2, r.trained());
        assertEquals(4, r.alreadyComplete());
        SweepCollect.collect(new SweepFolder(dir), Map.of(), List.of("test"), quiet(new ByteArrayOutputStream()));
        JsonNode entries = Json.read(dir.resolve("entries.json"));
        assertEquals("3 of 3 runs", entries.get(0).path("coverage").asText(), "the entry's own analysis covers the grown grid");
    }

    @Test
    void runOneTrainsEachIndexAsAnArrayTaskWould(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        Manifest m = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.TINY), dir);
        for (int i = m.size() - 1; i >= 0; i--) {
            assertEquals(0, Sweep.runOne(new SweepFolder(dir).manifestFile(), i, 1, List.of("test"), quiet(new ByteArrayOutputStream())));
        }
        Map<String, Integer> counts = TinySweeps.trainedCounts(dir);
        assertEquals(4, counts.size());
        counts.values().forEach(n -> assertEquals(1, n));
        SweepStatus.Report s = SweepStatus.read(new SweepFolder(dir), Map.of());
        assertEquals(4, s.counts().get(SweepStatus.State.COMPLETE));
        // each entry folder is an ordinary study folder: its config.json names the study
        assertTrue(Files.isRegularFile(dir.resolve(m.entries().get(0).folder()).resolve("config.json")));
    }

    @Test
    void aCrashingRunIsReportedAndTheOthersGoOn(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        Manifest m = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.TINY), dir);
        // the run cannot create its folder: a file is in the way (a full or read-only disk fails the same way)
        Path blocked = TinySweeps.runDir(dir, 1);
        Files.createDirectories(blocked.getParent());
        Files.writeString(blocked, "in the way");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalExecutor.Result r = TinySweeps.runLocal(dir, 2, 2, log);
        assertEquals(3, r.trained(), log.toString());
        assertEquals(1, r.failed().size(), r.failed().toString());
        String key = m.slot(1).key();
        assertTrue(r.failed().get(0).startsWith(key + ": could not create"), r.failed().get(0));
        assertTrue(log.toString().contains("[failed] " + key), log.toString());
        SweepStatus.Report s = SweepStatus.read(new SweepFolder(dir), Map.of());
        assertEquals(3, s.counts().get(SweepStatus.State.COMPLETE));
        assertEquals(SweepStatus.State.FAILED, s.runs().get(1).state());
        assertTrue(s.runs().get(1).detail().contains("could not create"), s.runs().get(1).detail());
        // the cause removed, the same command trains only that run
        Files.delete(blocked);
        LocalExecutor.Result again = TinySweeps.runLocal(dir, 2, 2, new ByteArrayOutputStream());
        assertEquals(1, again.trained());
        assertEquals(3, again.alreadyComplete());
        TinySweeps.trainedCounts(dir).values().forEach(n -> assertEquals(1, n));
    }

    @Test
    void corruptAndPartialRunsAreDetectedNeverCountedAndRedone(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        Manifest m = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.TINY), dir);
        TinySweeps.runLocal(dir, 2, 2, new ByteArrayOutputStream());
        // run 0: one weight file damaged in place; run 2: only a partial folder (a garbage checkpoint, no result)
        Path a = TinySweeps.runDir(dir, 0).resolve("A.npy");
        byte[] bytes = Files.readAllBytes(a);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(a, bytes);
        Path partial = TinySweeps.runDir(dir, 2);
        new RunFolder(partial, m.slot(2).runId()).clear();
        Files.writeString(partial.resolve(RunFolder.CHECKPOINT), "LWCK garbage");
        FileTime untouched = Files.getLastModifiedTime(TinySweeps.runDir(dir, 3).resolve(RunFolder.RESULT));
        SweepStatus.Report s = SweepStatus.read(new SweepFolder(dir), Map.of());
        assertEquals(SweepStatus.State.DAMAGED, s.runs().get(0).state());
        assertTrue(s.runs().get(0).detail().contains("A.npy is damaged (checksum mismatch)"), s.runs().get(0).detail());
        assertEquals(SweepStatus.State.INTERRUPTED, s.runs().get(2).state());
        // collect never counts them
        SweepCollect.Result c = SweepCollect.collect(new SweepFolder(dir), Map.of(), List.of("test"), quiet(new ByteArrayOutputStream()));
        int state = c.runColumns().indexOf("state");
        int loss = c.runColumns().indexOf("train_loss");
        assertEquals("damaged", c.runRows().get(0).get(state));
        assertEquals(null, c.runRows().get(0).get(loss), "a damaged run has no figures");
        assertEquals("interrupted", c.runRows().get(2).get(state));
        JsonNode entries = Json.read(dir.resolve("entries.json"));
        assertEquals("1 of 2 runs", entries.get(0).path("coverage").asText());
        assertEquals("1 of 2 runs", entries.get(1).path("coverage").asText());
        // the executor redoes exactly those two
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalExecutor.Result r = TinySweeps.runLocal(dir, 2, 2, log);
        assertEquals(2, r.trained(), log.toString());
        assertTrue(log.toString().contains("damaged, redoing: " + m.slot(0).key()), log.toString());
        assertTrue(log.toString().contains("the checkpoint is not a layerwise checkpoint; starting this run over")
                || log.toString().contains("the checkpoint is truncated"), log.toString());
        assertEquals(untouched, Files.getLastModifiedTime(TinySweeps.runDir(dir, 3).resolve(RunFolder.RESULT)), "sound runs are not redone");
        assertEquals(4, SweepStatus.read(new SweepFolder(dir), Map.of()).counts().get(SweepStatus.State.COMPLETE));
        assertEquals(Map.of(m.slot(0).key(), 2, m.slot(1).key(), 1, m.slot(2).key(), 2, m.slot(3).key(), 1), TinySweeps.trainedCounts(dir));
    }

    @Test
    void twoExecutorsOnOneSweepNeverTrainARunTwice(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        Manifest m = TinySweeps.plan(TinySweeps.spec(tmp, TinySweeps.SLOW), dir);
        assertEquals(4, m.size());
        ByteArrayOutputStream logA = new ByteArrayOutputStream();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // executor A: one run at a time, longest first (index 3, L=128, then 2, 1, 0)
        Thread a = new Thread(() -> {
            try {
                TinySweeps.runLocal(dir, 1, 1, logA);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        a.start();
        Path lock3 = Locks.runLockFile(dir.resolve(m.entries().get(0).folder()), m.entries().get(0).runFolders().get(3));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Locks.isHeld(lock3) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(Locks.isHeld(lock3), "executor A trains the longest run first");
        // a second local executor on the same sweep refuses, naming the holder
        EnvironmentException busy = assertThrows(EnvironmentException.class, () -> TinySweeps.runLocal(dir, 1, 1, new ByteArrayOutputStream()));
        assertTrue(busy.getMessage().contains("is in use by"), busy.getMessage());
        // an array task for the run A is training waits for it, then finds it complete
        ByteArrayOutputStream waited = new ByteArrayOutputStream();
        assertEquals(0, Sweep.runOne(new SweepFolder(dir).manifestFile(), 3, 1, List.of("task 3"), quiet(waited)));
        assertTrue(waited.toString().contains("already complete"), waited.toString());
        // an array task for the shortest run takes it before A gets there; A then finds it complete
        assertEquals(0, Sweep.runOne(new SweepFolder(dir).manifestFile(), 0, 1, List.of("task 0"), quiet(new ByteArrayOutputStream())));
        a.join(120_000);
        assertFalse(a.isAlive());
        if (failure.get() != null) {
            throw new AssertionError("executor A failed", failure.get());
        }
        Map<String, Integer> counts = TinySweeps.trainedCounts(dir);
        assertEquals(4, counts.size(), counts.toString());
        counts.values().forEach(n -> assertEquals(1, n, "trained once: " + counts));
        // and a waiting executor, started now, has nothing left to do
        assertEquals(0, TinySweeps.runLocal(dir, 1, 1, new ByteArrayOutputStream()).trained());
    }
}
