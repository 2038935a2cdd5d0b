package org.layerwise.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.io.Json;

/**
 * The test of the study contract: a study that only implements {@link org.layerwise.study.Study} and is
 * listed in META-INF/services ({@link org.layerwise.study.toy.ToyStudy}, in a package of its own) gets
 * its command, its help, training here or on Slurm, a sweep with its cost estimate, and the sweep's
 * table and plot of its headline figure, with no line of the command line, the sweeps or the runner
 * written for it.
 */
class NewStudyTest {
    private static SweepCommandTest.Out run(String... args) {
        return SweepCommandTest.run(args);
    }

    @Test
    void itsCommandAndHelpComeFromTheStudy() {
        SweepCommandTest.Out top = run("--help");
        assertTrue(top.out().contains("  toy <study>               toy studies of the contract test:\n"), top.out());
        assertTrue(top.out().contains("                            count\n"), top.out());
        SweepCommandTest.Out group = run("toy", "--help");
        assertEquals(0, group.code());
        assertTrue(group.out().contains("Toy studies: they train nothing.") && group.out().contains("  count         a toy study that counts squares"),
                group.out());
        SweepCommandTest.Out own = run("toy", "count", "--help");
        assertTrue(own.out().startsWith("layerwise toy count [--preset NAME]") && own.out().contains("--n "), own.out());
        SweepCommandTest.Out unknown = run("toy", "nope");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("layerwise toy: unknown study 'nope'; studies: count"), unknown.err());
    }

    @Test
    void itTrainsHereAndGoesToSlurmTheSameWay(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("here");
        SweepCommandTest.Out r = run("toy", "count", "--preset", "quick", "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("  toy total = 1.0"), r.out()); // 0 + 1
        assertTrue(r.out().contains("report: " + out.resolve("report.html").toAbsolutePath()), r.out());
        assertEquals("2 of 2 runs", Json.read(out.resolve("summary.json")).path("coverage").asText());
        assertEquals("[\"layerwise\",\"toy\",\"count\",\"--preset\",\"quick\",\"--out\",\"" + out + "\"]",
                Json.read(out.resolve("provenance.json")).path("command_line").toString(), "the command as the user gave it");

        // a study that maps nothing to TensorBoard (Study.tensorBoard() is null by default) says so in one line
        SweepCommandTest.Out tb = run("export", "tensorboard", out.toString());
        assertEquals(2, tb.code(), tb.out() + tb.err());
        assertTrue(tb.err().startsWith("layerwise export: " + out + " holds a 'toy-count' study, which has nothing for TensorBoard; expected"), tb.err());
        SweepCommandTest.Out tbRun = run("toy", "count", "--preset", "quick", "--out", out.toString(), "--tensorboard", tmp.resolve("tb").toString());
        assertEquals(2, tbRun.code());
        assertTrue(tbRun.err().contains("tensorboard: the study toy-count has nothing for TensorBoard; leave --tensorboard out"), tbRun.err());
        assertTrue(!Files.exists(tmp.resolve("tb")));

        Path slurm = tmp.resolve("slurm");
        SweepCommandTest.Out s = run("toy", "count", "--n", "3", "--out", slurm.toString(), "--executor", "slurm", "--dry-run");
        assertEquals(0, s.code(), s.out() + s.err());
        assertTrue(s.out().contains("dry run, not submitted: sbatch --parsable --array=0-2 "), s.out());
        assertTrue(Files.isRegularFile(slurm.resolve("slurm/toy-count-custom.sbatch")), "the array script");
        assertEquals("toy-count", Json.read(slurm.resolve("config.json")).path("study").asText());
    }

    @Test
    void aSweepEstimatesItsCostAndPlotsItsHeadline(@TempDir Path tmp) throws Exception {
        Path spec = SweepCommandTest.spec(tmp, "toy.yaml", """
                name: toys
                study: toy-count
                axes:
                  n: [1, 2, 3]
                """);
        Path sw = tmp.resolve("sw");
        SweepCommandTest.Out plan = run("sweep", "plan", spec.toString(), "--out", sw.toString());
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().contains("compute: at most 1.00e+04 toy steps (one per unit of i)"), plan.out()); // 1000 + 3000 + 6000
        assertTrue(plan.out().contains("at 500 per second per thread (toy rate, 3 runs)"), "the study's rate, at its costliest entry: " + plan.out());

        SweepCommandTest.Out go = run("sweep", "run", spec.toString(), "--out", sw.toString(), "--threads", "1");
        assertEquals(0, go.code(), go.out() + go.err());
        String report = Files.readString(sw.resolve("report.html"));
        for (String c : new String[] {"coverage", "total.value", "total.lower", "total.upper"}) {
            assertTrue(report.contains("<th>" + c + "</th>"), "the headline column the study names: " + c);
        }
        assertTrue(report.contains("toy total across the sweep"), "the figure the study names, under its name");
        assertTrue(Files.isRegularFile(sw.resolve("toy_total-vs-n.png")), "the plot beside the report");
    }
}
