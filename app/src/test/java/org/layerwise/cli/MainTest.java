package org.layerwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private record Out(int code, String out, String err) {
    }

    private static Out run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o), new PrintStream(e));
        return new Out(code, o.toString(), e.toString());
    }

    /** Each bad config gets a one-line error naming the problem, and nothing is written. */
    @Test
    void badConfigsFailBeforeWritingAnything(@TempDir Path tmp) {
        String[][] cases = {
            {"--depth-min", "-3"},
            {"--activation", "sigmoid"},
            {"--depth-min", "500", "--depth-max", "10"},
            {"--dataset", "mnist-idx", "--data-path", tmp.resolve("missing").toString()},
            {"--preset", "nonesuch"},
        };
        String[] expect = {"depth-min", "activation: unknown value 'sigmoid'", "depth-min (500) must not exceed depth-max (10)",
            "data-path: folder not found", "preset: unknown value 'nonesuch'"};
        for (int i = 0; i < cases.length; i++) {
            Path out = tmp.resolve("run" + i);
            String[] args = new String[cases[i].length + 3];
            args[0] = "scaling";
            args[1] = "--out";
            args[2] = out.toString();
            System.arraycopy(cases[i], 0, args, 3, cases[i].length);
            Out r = run(args);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(expect[i]), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(out), "nothing written for " + String.join(" ", cases[i]));
        }
    }

    @Test
    void missingDataFileIsNamed(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("idx"));
        Out r = run("scaling", "--out", tmp.resolve("o").toString(), "--dataset", "mnist-idx", "--data-path", tmp.resolve("idx").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(tmp.resolve("idx").resolve("train-images-idx3-ubyte").toString()), r.err());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void helpOnEveryCommand() {
        assertTrue(run("scaling", "--help").out().contains("--depth-max"));
        assertTrue(run("demo", "--help").out().contains("quick preset"));
        assertTrue(run("bench", "--help").out().contains("scaling-kernel"));
        assertTrue(run("report", "--help").out().contains("study-folder"));
        assertEquals(0, run("--help").code());
        assertEquals(2, run("frobnicate").code());
    }

    @Test
    void scalingRunsAndReportRedoesTheAnalysis(@TempDir Path tmp) {
        Path out = tmp.resolve("s");
        Out r = run("scaling", "--out", out.toString(), "--train-size", "100", "--batch-size", "50", "--max-updates", "20",
                "--depth-max", "12", "--depth-base", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("beta_A") && r.out().contains("regime:"), r.out());
        Out again = run("report", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(Files.exists(out.resolve("report.html")));
    }

    @Test
    void divergingStudyIsRecordedNotCrashed(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("div");
        Out r = run("scaling", "--out", out.toString(), "--lr", "1e4", "--init", "he", "--train-size", "100", "--batch-size", "50",
                "--max-updates", "20", "--depth-max", "12", "--depth-base", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DIVERGED after"), r.out());
        assertTrue(r.out().contains("regime: undetermined"), r.out());
        String metrics = Files.readString(out.resolve("metrics.csv"));
        assertTrue(metrics.contains("DIVERGED"), metrics);
        assertTrue(Files.readString(out.resolve("depths/L00004-s0/result.json")).contains("\"diverged_at_update\" : "));
    }

    @Test
    void float64PrecisionRunsTheReferenceKernel(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("f64");
        Out r = run("scaling", "--out", out.toString(), "--precision", "float64", "--activation", "relu", "--delta", "per-layer",
                "--train-size", "100", "--batch-size", "50", "--max-updates", "20", "--depth-max", "12", "--depth-base", "2", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out.resolve("depths/L00008-s0/result.json")).contains("float64"));
        assertTrue(Files.exists(out.resolve("plots/hypothesis_deltaA.png")));
    }
}
