package org.layerwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The corpus of bad inputs that once ended in a stack trace or were accepted: each is one line on
     * stderr, exit 2 for input and 1 for the environment, and nothing is written.
     */
    @Test
    void badInputCorpusGetsOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"lr\": 0.1,,}");
        Path dup = Files.writeString(tmp.resolve("dup.json"), "{\"lr\": 0.1, \"lr\": 0.2}");
        Path comments = Files.writeString(tmp.resolve("comments.json"), "{\n  // faster\n  \"lr\": 0.1\n}");
        Path binary = Files.write(tmp.resolve("binary.json"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1, 2, 3, (byte) 0xff, 0, 7});
        Path studyWithoutRuns = Files.createDirectories(tmp.resolve("no-runs"));
        Files.writeString(studyWithoutRuns.resolve("config.json"), "{\"study\": \"scaling\", \"settings\": {}}");
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        String expects = "; expected the --out folder of layerwise scaling, layerwise elr train, ";
        Object[][] cases = {
            // {expected exit, expected text, args...}
            {2, "out: empty output folder", "scaling", "--out", ""},
            {2, "is an existing file, not a folder", "scaling", "--out", file.toString()},
            {2, "lr: '0.05f' is not", "scaling", "--lr", "0.05f"},
            {2, "lr: '0x1p-4' is not", "scaling", "--lr", "0x1p-4"},
            {2, "line 1", "scaling", "--config", bad.toString()},
            {2, "duplicate key 'lr'", "scaling", "--config", dup.toString()},
            {2, "comments are not allowed in JSON", "scaling", "--config", comments.toString()},
            {2, "not a text config", "scaling", "--config", binary.toString()},
            {2, "config", "scaling", "--config", tmp.resolve("missing.json").toString()},
            {2, "train-size 2,147,483,647 with width 10", "scaling", "--train-size", "2147483647", "--batch-size", "10"},
            {2, "depth-max 1024 with width 4096 makes", "scaling", "--width", "4096", "--depth-min", "1024", "--depth-max", "1024"},
            {1, "memory: run L00128-s0 needs about", "scaling", "--width", "1024", "--depth-min", "128", "--depth-max", "128", "--depth-base", "2"},
            {1, "disk: the runs need up to", "scaling", "--max-updates", "1000000000000", "--depth-min", "4096", "--depth-max", "4096", "--depth-base", "2",
                "--entry-paths-budget-mib", "1048576"},
            {2, "index: 99 is out of range", "scaling", "--index", "99", "--depth-max", "12"},
            {2, "index: 'x' is not valid", "scaling", "--index", "x"},
            {2, "lr: given twice", "scaling", "--lr", "0.1", "--lr", "0.2"},
            {2, "unexpected argument 'extra'", "scaling", "extra"},
            // a flag last on the line, without a value: unknown if it is no option or setting ("missing value" misled)
            {2, "unknown setting 'bogus'; known settings: dataset, ", "scaling", "--bogus"},
            {2, "lr: missing value after --lr", "scaling", "--lr"},
            {2, "unknown setting 'bogus'; known settings: dataset, ", "scaling", "--bogus", "--lr", "0.1"}, // not bogus = "--lr"
            {2, "out: missing value after --out", "elr", "train", "--out"},
            {2, "demo takes only --out; unknown option --bogus", "demo", "--bogus"},
            {2, "report: unknown option --bogus", "report", plain.toString(), "--bogus"},
            {2, "layerwise report: " + tmp.resolve("empty") + " is not a study folder", "report", tmp.resolve("empty").toString()},
            {1, "layerwise report: no finished run in", "report", studyWithoutRuns.toString()},
            {2, "cannot create", "scaling", "--out", file.resolve("sub").toString(), "--depth-max", "12"},
            {2, "layerwise export: " + tmp.resolve("empty") + " is not a study folder: there is no such folder" + expects, "export", "tensorboard",
                tmp.resolve("empty").toString()},
            {2, "layerwise export: " + plain + " is not a study folder: it has no config.json" + expects, "export", "tensorboard", plain.toString()},
            {2, "layerwise export: " + file + " is not a study folder: it is a file" + expects, "export", "tensorboard", file.toString()},
            {1, "layerwise export: no finished run in " + studyWithoutRuns, "export", "tensorboard", studyWithoutRuns.toString()},
            {2, "layerwise export: unknown format 'csv'; available: tensorboard", "export", "csv", plain.toString()},
            {2, "layerwise export: tensorboard: name the study folder", "export", "tensorboard"},
            {2, "layerwise export: tensorboard: unknown option --wait; options: --out", "export", "tensorboard", plain.toString(), "--wait", "1"},
            {2, "tensorboard: --index trains one run", "scaling", "--index", "0", "--depth-max", "12", "--tensorboard", tmp.resolve("tb").toString()},
            {2, "tensorboard: empty output folder", "scaling", "--tensorboard", ""},
            {2, "unknown command 'frobnicate'", "frobnicate"},
            {2, "layerwise elr: unknown study 'nope'", "elr", "nope"},
            {2, "architecture: unknown value 'vgg'", "elr", "train", "--architecture", "vgg"},
            {2, "depth: a CIFAR ResNet has 6n+2 layers", "elr", "train", "--depth", "21"},
            {2, "depths: an ImageNet ResNet has 18, 34, 50, 101 or 152 layers", "elr", "trainability", "--architecture", "imagenet-resnet",
                "--depths", "18,20"},
            {2, "lr: '0' is out of range; allowed: a number > 0", "elr", "train", "--lr", "0"},
            {2, "lr: '-0.1' is out of range", "elr", "train", "--lr", "-0.1"},
            {2, "lrs: 0 is out of range", "elr", "constant-lr", "--lrs", "0.1,0"},
            {2, "warmups: unknown value 'cosine'", "elr", "trainability", "--warmups", "none,cosine"},
            {2, "data-path: the cifar10 data set has no default location", "elr", "train", "--dataset", "cifar10"},
            {2, "CIFAR-10", "elr", "train", "--dataset", "cifar10", "--data-path", tmp.resolve("no-cifar").toString()},
            {2, "at-steps: 500 is not before the end of the run", "elr", "critical-lr", "--at-steps", "0,500", "--steps", "100"},
            {2, "freeze-after: 100 is not before the end of the run", "elr", "model-check", "--steps", "100", "--freeze-after", "100"},
            {2, "freeze-after: 5 is not before the end of the run: it counts recorded steps, and the probe records 4", "elr", "model-check",
                "--steps", "10", "--probe-every", "3", "--freeze-after", "5"},
            {2, "bench: unknown benchmark 'nope'", "bench", "nope"},
            {2, "layerwise bench: scaling-kernel: --threads: 0 is outside 1..4096", "bench", "scaling-kernel", "--threads", "0"},
            {2, "layerwise bench: scaling-kernel: --points: '10,1000;25,1000,500' is not valid: point 1 ('10,1000') is not three numbers d,L,B;"
                + " allowed: \"d,L,B;d,L,B;...\"", "bench", "scaling-kernel", "--points", "10,1000;25,1000,500"},
            {2, "scaling-kernel: --points: '10,1000,x' is not valid: batch B 'x' of point 1 is not an integer", "bench", "scaling-kernel",
                "--points", "10,1000,x"},
            {2, "scaling-kernel: --points: '10,0,500' is not valid: depth L 0 of point 1 is below 1", "bench", "scaling-kernel", "--points",
                "10,0,500", "--threads", "2"},
            {2, "scaling-kernel: unknown option '--point'", "bench", "scaling-kernel", "--point", "10,1000,500"},
            {2, "layerwise bench: study: unknown option --steps", "bench", "study", "--steps", "3"},
            {2, "depth-max: '2' is not valid", "bench", "study", "--depth-max", "2"},
            {2, "threads: '1,1' is not valid; allowed: a thread count from 1 to 4096, or distinct counts separated by commas", "bench", "study",
                "--threads", "1,1"},
            {2, "threads: '1,x' is not valid", "bench", "study", "--threads", "1,x"},
            {2, "threads: '2,' is not valid", "bench", "study", "--threads", "2,"},
            {2, "6n+2", "bench", "resnet", "--depth", "51"},
        };
        for (Object[] c : cases) {
            String[] args = new String[c.length - 2];
            for (int i = 2; i < c.length; i++) {
                args[i - 2] = c[i].toString();
            }
            String label = String.join(" ", args);
            java.util.Set<String> before = listing(tmp);
            Out r = run(args);
            assertEquals(c[0], r.code(), label + " -> " + r.err() + r.out());
            assertTrue(r.err().contains(c[1].toString()), label + " -> " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
            assertEquals(before, listing(tmp), "nothing written by " + label);
        }
    }

    /** Bad --points are refused before any work: nothing on stdout (no header, no peak measured), one line on stderr. */
    @Test
    void badPointsFailBeforeTheBenchmarkStarts() {
        Out r = run("bench", "scaling-kernel", "--threads", "1", "--python", "none", "--points", "4,3,8;4,3");
        assertEquals(2, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("layerwise bench: scaling-kernel: --points: '4,3,8;4,3' is not valid: point 2 ('4,3') is not three numbers d,L,B;"
                + " allowed: \"d,L,B;d,L,B;...\" (width, depth, batch: integers >= 1, e.g. \"10,1000,500;256,100,500\")", r.err().strip());
    }

    private static java.util.Set<String> listing(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            return s.map(Path::toString).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    /** A YAML config (comments allowed) gives the same settings as the same JSON. */
    @Test
    void yamlConfigsWork(@TempDir Path tmp) throws Exception {
        Path yaml = Files.writeString(tmp.resolve("c.yaml"), "# a tiny study\ntrain-size: 100\nbatch-size: 50\nmax-updates: 20\n"
                + "depth-max: 12\ndepth-base: 2\nthreads: 1\n");
        Out r = run("scaling", "--out", tmp.resolve("y").toString(), "--config", yaml.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(tmp.resolve("y/config.json")).contains("\"max-updates\" : 20"));
    }

    @Test
    void versionAndShortHelp() {
        Out v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().matches("layerwise \\d+\\.\\d+\\.\\d+.*\\(git [0-9a-f]{12}.*\\)\\n"), v.out());
        assertEquals(v.out(), run("-V").out());
        // options everywhere: after a command too, as -h/--help ('scaling -V' was "unexpected argument '-V'")
        for (String[] after : new String[][] {{"scaling", "-V"}, {"elr", "--version"}, {"elr", "train", "-V"}, {"sweep", "plan", "--version"},
            {"report", "-V"}, {"bench", "--version"}}) {
            Out a = run(after);
            assertEquals(0, a.code(), String.join(" ", after) + ": " + a.err());
            assertEquals(v.out(), a.out(), String.join(" ", after));
        }
        // usage printed because arguments are missing is an error: stderr and exit 2; asked-for help is stdout, exit 0
        Out none = run();
        assertEquals(2, none.code());
        assertTrue(none.out().isEmpty() && none.err().contains("commands:"), none.out());
        assertEquals(0, run("--help").code());
        for (String[] missing : new String[][] {{"report"}, {"sweep"}, {"elr"}, {"export"}, {"bench"}}) {
            Out m = run(missing);
            assertEquals(2, m.code(), String.join(" ", missing));
            assertTrue(m.out().isEmpty() && m.err().contains("layerwise " + missing[0]), String.join(" ", missing) + ": " + m.err());
        }
        assertTrue(run("scaling", "-h").out().contains("--depth-max"));
        // --help shows what the presets set: all of them, or the one named
        assertTrue(run("scaling", "-h").out().matches("(?s).*--depth-max.*presets: [^\\n]*quick \\d+.*"), run("scaling", "-h").out());
        assertTrue(run("scaling", "--preset", "quick", "--help").out().matches("(?s).*--depth-max.*; preset quick: \\d+\\n.*"));
        assertTrue(run("-h").out().contains("commands:"));
    }

    /**
     * {@code elr analyze} is a command of the ELR group that no study is, found through Study.groupCommands:
     * listed in both helps, with its own --help; a folder it cannot analyse is one line naming the folder
     * and what is expected (exit 2, no stack trace), and nothing is written there.
     */
    @Test
    void elrAnalyzeIsListedAndAFolderItCannotAnalyseIsOneLine(@TempDir Path tmp) throws Exception {
        assertTrue(run("--help").out().contains("elr analyze FOLDER"), run("--help").out());
        Out group = run("elr", "--help");
        assertTrue(group.out().contains("commands (") && group.out().contains("analyze FOLDER"), group.out());
        Out help = run("elr", "analyze", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("layerwise elr analyze FOLDER [--out DIR]"), help.out());
        Out unknown = run("elr", "analyse");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("commands: analyze"), unknown.err());
        Path empty = Files.createDirectories(tmp.resolve("not-a-run"));
        for (Path folder : List.of(tmp.resolve("missing"), empty)) {
            Out r = run("elr", "analyze", folder.toString());
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("layerwise elr: " + folder) && r.err().contains("expected"), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        }
        try (var files = Files.list(empty)) {
            assertEquals(0, files.count(), "nothing written into a folder that could not be analysed");
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

    /** A CUDA study on the CPU-only build is refused before any folder is written (it used to start, fail its run and leave a folder). */
    @Test
    void cudaOnTheCpuBuildIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.layerwise.engine.torch.model.Device.gpuNativesOnClassPath(),
                "this is the GPU build (mvn -Pcuda): the CPU-only refusal does not apply");
        Path out = tmp.resolve("cuda");
        Out r = run("elr", "train", "--preset", "quick", "--dataset", "synthetic", "--device", "cuda", "--out", out.toString());
        assertEquals(1, r.code(), r.err() + r.out());
        assertTrue(r.err().contains("device: device cuda requested, but this build has the CPU-only libtorch"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(Files.exists(out), "nothing written");
        Out conv = run("scaling-conv", "--preset", "quick", "--dataset", "synthetic", "--device", "cuda", "--out", out.toString());
        assertEquals(1, conv.code(), conv.err() + conv.out());
        assertTrue(conv.err().contains("device: device cuda requested, but this build has the CPU-only libtorch"), conv.err());
        assertEquals(1, conv.err().strip().lines().count(), "one line: " + conv.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void helpOnEveryCommand() {
        assertTrue(run("scaling", "--help").out().contains("--depth-max"));
        assertTrue(run("demo", "--help").out().contains("One finding of each paper"));
        assertTrue(run("bench", "--help").out().contains("scaling-kernel"));
        assertTrue(run("bench", "--help").out().contains("layerwise bench study"));
        assertTrue(run("bench", "--help").out().contains("layerwise bench resnet"));
        assertTrue(run("report", "--help").out().contains("study-folder"));
        assertTrue(run("export", "--help").out().contains("layerwise export tensorboard <study-folder> [--out DIR]"));
        assertTrue(run("export", "--help").out().contains("layers/log_elr"), "each study's description: " + run("export", "--help").out());
        assertTrue(run("scaling", "--help").out().contains("--tensorboard DIR"));
        assertTrue(run("--help").out().contains("export tensorboard"));
        assertEquals(0, run("--help").code());
        for (String[] missing : new String[][] {{"report"}, {"sweep"}, {"elr"}}) {
            Out m = run(missing);
            assertEquals(2, m.code(), String.join(" ", missing));
            assertTrue(m.out().isEmpty() && m.err().contains("layerwise " + missing[0]), String.join(" ", missing) + ": " + m.err());
        }
        assertEquals(2, run("frobnicate").code());
    }

    /** report rebuilds every product of the analysis from the folder alone, identically. */
    @Test
    void scalingRunsAndReportRedoesTheAnalysis(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("s");
        Out r = run("scaling", "--out", out.toString(), "--train-size", "100", "--batch-size", "50", "--max-updates", "20",
                "--depth-max", "40", "--depth-base", "2", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("beta_A") && r.out().contains("regime:"), r.out());
        String summary = Files.readString(out.resolve("summary.json"));
        String metrics = Files.readString(out.resolve("metrics.csv"));
        String fits = Files.readString(out.resolve("fits.csv"));
        String trendNoise = Files.readString(out.resolve("trend_noise.csv"));
        for (String f : List.of("summary.json", "metrics.csv", "fits.csv", "trend_noise.csv", "report.html", "plots/max_norm_vs_depth.png")) {
            Files.delete(out.resolve(f));
        }
        Out again = run("report", out.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("regime:"), again.out());
        assertEquals(summary, Files.readString(out.resolve("summary.json")));
        assertEquals(metrics, Files.readString(out.resolve("metrics.csv")));
        assertEquals(fits, Files.readString(out.resolve("fits.csv")));
        assertEquals(trendNoise, Files.readString(out.resolve("trend_noise.csv")));
        assertTrue(Files.exists(out.resolve("report.html")) && Files.exists(out.resolve("plots/max_norm_vs_depth.png")));
    }

    /**
     * --tensorboard DIR writes event files once the study is done, the same (byte for byte) as exporting
     * the folder afterwards; their content is checked against the folder in core's *TensorBoardTest.
     */
    @Test
    void tensorBoardAtTrainingTimeEqualsExportAfterwards(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("s");
        Path tb = tmp.resolve("tb");
        Out r = run("scaling", "--out", out.toString(), "--train-size", "100", "--batch-size", "50", "--max-updates", "20",
                "--depth-max", "12", "--depth-base", "2", "--threads", "1", "--tensorboard", tb.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("tensorboard: 4 event file(s) for 2 run(s) in " + tb.toAbsolutePath()), r.out());
        Out e = run("export", "tensorboard", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("view with: tensorboard --logdir " + out.resolve("tensorboard").toAbsolutePath()), e.out());
        List<String> files = eventFiles(tb);
        assertEquals(List.of("L00004-s0", "L00008-s0", "depths-s0", "fits"), files.stream().map(f -> f.split("/")[0]).toList());
        assertEquals(files, eventFiles(out.resolve("tensorboard")));
        for (String f : files) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(tb.resolve(f)), Files.readAllBytes(out.resolve("tensorboard").resolve(f))), f);
        }
        Out again = run("export", "tensorboard", out.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(files, eventFiles(out.resolve("tensorboard")), "a second export replaces the first");
    }

    /** The event files under a log folder, as run/name, sorted. */
    private static List<String> eventFiles(Path logdir) throws java.io.IOException {
        try (var s = Files.walk(logdir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents."))
                    .map(p -> logdir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void divergingStudyIsRecordedNotCrashed(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("div");
        Out r = run("scaling", "--out", out.toString(), "--lr", "1e4", "--init", "he", "--train-size", "100", "--batch-size", "50",
                "--max-updates", "20", "--depth-max", "12", "--depth-base", "2", "--threads", "1");
        assertEquals(1, r.code(), "a study where every run diverged fails: " + r.out() + r.err());
        assertTrue(r.out().contains("DIVERGED after"), r.out());
        assertTrue(r.out().contains("regime: undetermined"), r.out());
        assertTrue(r.out().contains("every run diverged"), r.out());
        assertFalse(Files.readString(out.resolve("summary.json")).contains("NaN"), "summary.json is JSON: no NaN");
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
        // the kernel that really ran, as result.json records it from the kernel object
        assertTrue(Files.readString(out.resolve("depths/L00008-s0/result.json")).contains("\"kernel\" : \"ReferenceKernel (float64)\""));
        assertTrue(Files.exists(out.resolve("plots/hypothesis_deltaA.png")));
        Path f32 = tmp.resolve("f32");
        assertEquals(0, run("scaling", "--out", f32.toString(), "--activation", "relu", "--delta", "per-layer", "--train-size", "100",
                "--batch-size", "50", "--max-updates", "20", "--depth-max", "12", "--depth-base", "2", "--threads", "2").code());
        assertTrue(Files.readString(f32.resolve("depths/L00008-s0/result.json")).contains("\"kernel\" : \"FusedKernel (float32"));
    }
}
