package org.layerwise.study.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.layerwise.report.Notation;
import org.layerwise.study.StudyPage;
import org.layerwise.study.StudyRunner;

/** The report of a tiny study: what issue 5 asks the page to show, checked on the written report.html. */
class ScalingReportTest {
    /** Depths 4, 8, 16, 32 (fewer than 5: the verdict is undetermined), 2 seeds, every run stops at Tmax. */
    private static Map<String, String> tiny() {
        return Map.of("train-size", "200", "batch-size", "50", "max-updates", "60", "depth-min", "3", "depth-max", "40",
                "depth-base", "2", "seeds", "2", "threads", "2", "checkpoint-every", "20");
    }

    private static String verdictBox(String html) {
        Matcher m = Pattern.compile("<div class=\"verdict\">(.*?)</div>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find(), "no verdict box");
        return m.group(1);
    }

    /** The page as a reader sees it: without the base64 pixels of embedded heatmap images (random letters). */
    private static String text(String html) {
        return html.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…");
    }

    @Test
    void reportShowsTheNewFiguresTheVerdictAndTheCoverage(@TempDir Path tmp) throws Exception {
        ScalingConfig cfg = ScalingConfig.resolve(null, null, tiny());
        new StudyRunner(ScalingStudy.INSTANCE, cfg, tmp, StudyRunner.Options.defaults(List.of("test")),
                new PrintStream(new ByteArrayOutputStream())).runAll();
        String html = text(Files.readString(tmp.resolve("report.html")));

        // the new figures, inlined and written beside the page
        for (String fig : List.of("loss_curves", "hypothesis_A", "root_ssq_A", "max_norm_vs_depth", "entry_heatmap_A_")) {
            assertTrue(html.contains("<figure id=\"fig-" + fig), fig + " missing");
        }
        assertTrue(Files.exists(tmp.resolve("plots/loss_curves.png")) && Files.exists(tmp.resolve("plots/root_ssq_A.svg")));
        try (Stream<Path> s = Files.list(tmp.resolve("plots"))) {
            assertEquals(2, s.filter(p -> p.getFileName().toString().startsWith("entry_heatmap_") && p.toString().endsWith(".png")).count(),
                    "one heatmap of an A-entry and one of a b-entry");
        }
        // the loss curves: one per depth, seeds averaged (and said so); the epsilon line in the legend
        assertTrue(html.contains("the mean of its seeds"), "loss curves say the seeds are averaged");
        assertTrue(html.contains("target ε = 10⁻⁴"), "epsilon line labelled in a legend");
        // s_I and s_R with their fits and the H1/H2 reference slopes
        assertTrue(html.contains("OLS fit: s_I = ") && html.contains("OLS fit: s_R = "));
        assertTrue(html.contains("H1: slope 1/2 - β") && html.contains("H2: slope 0"));

        // the verdict names the sequence of each exponent, the reason of "undetermined" and the note
        String verdict = verdictBox(html);
        assertTrue(verdict.contains("Regime: undetermined (only 4 depth(s)"), verdict);
        assertTrue(verdict.contains("β = ") && verdict.contains("the exponent of maxₖ ‖Aₖ‖"), verdict);
        assertTrue(verdict.contains("β of maxₖ ‖bₖ‖") && verdict.contains("β of maxₖ ‖|δₖ| Aₖ‖"), verdict);
        assertTrue(verdict.contains("α of the shared |δ|"), verdict);
        assertTrue(verdict.contains("s_I = ") && verdict.contains("s_R = "), verdict);
        assertTrue(verdict.contains("Note: every run stopped at Tmax = 60 updates"), verdict);

        // every rule tagged, [code] included; no NaN anywhere; a regenerate command with the absolute folder
        for (String tag : List.of("tag-paper", "tag-inferred", "tag-layerwise", "tag-code")) {
            assertTrue(html.contains(tag), tag);
        }
        assertFalse(html.contains("NaN"), "NaN in the page");
        assertFalse(html.contains("_F"), "unrendered Frobenius subscript");
        assertTrue(html.contains(" report " + tmp.toAbsolutePath().normalize() + "</pre>"), "regenerate command with the absolute path");
        assertTrue(html.contains("Coverage: 8 of 8 runs finished and sound; none is absent or damaged."));

        // a deleted run and a damaged one: named, with the coverage, and the report still draws
        deleteTree(tmp.resolve("depths/L00008-s0"));
        Path damaged = tmp.resolve("depths/L00016-s1/A.npy");
        Files.write(damaged, java.util.Arrays.copyOf(Files.readAllBytes(damaged), 100));
        StudyRunner.report(tmp, false, List.of("test"), new PrintStream(new ByteArrayOutputStream()));
        String after = text(Files.readString(tmp.resolve("report.html")));
        assertTrue(after.contains("Coverage: 6 of 8 runs finished and sound; absent or damaged: L00008-s0, L00016-s1."), after);
        assertTrue(after.contains("<td class=\"l\">L00008-s0</td><td class=\"l\">not run</td>"), "why a run is absent");
        assertTrue(after.contains("<td class=\"l\">L00016-s1</td>"), "the damaged run in the absent table");
        assertFalse(after.contains("NaN"));
        assertTrue(after.contains("<figure id=\"fig-loss_curves"));
    }

    @Test
    void labelsAndCommandsReadWell() {
        assertEquals("Aₖ[6,1]", Notation.format(ScalingText.entryLabel("A_6_1")));
        assertEquals("bₖ[4]", Notation.format(ScalingText.entryLabel("b_4")));
        assertEquals("(|δₖ| Aₖ)[0,3]", Notation.format(ScalingText.entryLabel("deltaA[0,3]")));
        assertEquals("/tmp/study-1", StudyPage.shellQuote("/tmp/study-1"));
        assertEquals("'/tmp/my study/it'\\''s'", StudyPage.shellQuote("/tmp/my study/it's"));
        assertEquals("0.714 [0.709, 0.719]", ScalingText.interval(0.7141, 0.7092, 0.7189));
        assertEquals("0.500 (no interval: fewer than 3 points)", ScalingText.interval(0.5, Double.NaN, Double.NaN));
        assertEquals("not fitted", ScalingText.interval(Double.NaN, Double.NaN, Double.NaN));
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
